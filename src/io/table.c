/*
 * The public face of src/io: tells an xlsx workbook from a CSV file by its
 * first bytes, refuses what is neither (old .xls, PDFs, images, archives),
 * and dispatches readers and writers to csv.c, xlsx_read.c and xlsx_write.c.
 * Format sniffing lives here so the file and in-memory paths decide alike.
 */
#include "io/table.h"
#include "io/table_impl.h"
#include "core/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct table_reader {
	enum table_format fmt;
	struct csv_reader *csv;
	struct xlsx_reader *xlsx;
};

struct table_writer {
	enum table_format fmt;
	struct csv_writer *csv;
	struct xlsx_writer *xlsx;
	char err[256];
};

enum sniffed { SNIFF_TEXT, SNIFF_ZIP, SNIFF_OLE, SNIFF_BINARY };

/* snprintf into a short buffer can cut a Chinese character in two; drop the stray bytes so
 * the message stays valid UTF-8 for JSON replies. */
static enum xz_result clean_msg(enum xz_result rc, char *msg, size_t n)
{
	if (rc == XZ_OK || !n)
		return rc;
	size_t len = strnlen(msg, n - 1), start = len;
	while (start && ((unsigned char)msg[start - 1] & 0xC0) == 0x80)
		start--;
	if (start && ((unsigned char)msg[start - 1] & 0x80)) {
		unsigned char lead = (unsigned char)msg[start - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (len - (start - 1) < need)
			len = start - 1;
	}
	msg[len] = '\0';
	return rc;
}

/* Only signatures a user might plausibly upload by mistake; anything else that is binary is
 * caught by the CSV reader's NUL check. */
static enum sniffed sniff(const unsigned char *b, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		enum sniffed kind;
	} sigs[] = {
	    {"PK\x03\x04", 4, SNIFF_ZIP},
	    {"PK\x05\x06", 4, SNIFF_ZIP}, /* an empty zip: still "a zip", reported as such */
	    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, SNIFF_OLE},
	    {"%PDF-", 5, SNIFF_BINARY},
	    {"\x89PNG", 4, SNIFF_BINARY},
	    {"\xFF\xD8\xFF", 3, SNIFF_BINARY},
	    {"GIF8", 4, SNIFF_BINARY},
	    {"\x1F\x8B", 2, SNIFF_BINARY},
	    {"Rar!", 4, SNIFF_BINARY},
	    {"7z\xBC\xAF", 4, SNIFF_BINARY},
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (n >= sigs[i].len && memcmp(b, sigs[i].magic, sigs[i].len) == 0)
			return sigs[i].kind;
	return SNIFF_TEXT;
}

/* Decides the format or explains why the upload is refused. */
static enum xz_result pick_format(const unsigned char *head, size_t n, enum table_format want,
                                  enum table_format *fmt, char *msg, size_t msglen)
{
	switch (sniff(head, n)) {
	case SNIFF_ZIP:
		if (want == TABLE_CSV) {
			snprintf(msg, msglen, "文件是 xlsx/zip 格式，不是 CSV 文件");
			return XZ_ERR_BAD_REQUEST;
		}
		*fmt = TABLE_XLSX;
		return XZ_OK;
	case SNIFF_OLE:
		snprintf(msg, msglen,
		         "不支持旧版 Excel（.xls）或加密的工作簿：请在 Excel 中另存为 .xlsx 或"
		         "“CSV UTF-8（逗号分隔）”后再导入");
		return XZ_ERR_BAD_REQUEST;
	case SNIFF_BINARY:
		snprintf(msg, msglen, "不是 CSV 或 xlsx 文件");
		return XZ_ERR_BAD_REQUEST;
	case SNIFF_TEXT:
		break;
	}
	if (want == TABLE_XLSX) {
		snprintf(msg, msglen, "不是有效的 xlsx 文件");
		return XZ_ERR_BAD_REQUEST;
	}
	*fmt = TABLE_CSV;
	return XZ_OK;
}

/* Takes ownership of fd (closed on failure too). */
static enum xz_result open_any(int fd, const void *data, size_t len, const unsigned char *head,
                               size_t nhead, enum table_format want, const char *sheet,
                               struct table_reader **out, char *msg, size_t n)
{
	enum table_format fmt = TABLE_CSV;
	enum xz_result rc = pick_format(head, nhead, want, &fmt, msg, n);
	if (rc != XZ_OK) {
		if (fd >= 0)
			close(fd);
		return rc;
	}
	struct table_reader *r = xcalloc(1, sizeof(*r));
	r->fmt = fmt;
	if (fmt == TABLE_XLSX)
		rc = table_xlsx_open(fd, data, len, sheet, &r->xlsx, msg, n);
	else
		rc = table_csv_open(fd, data, len, &r->csv, msg, n);
	if (rc != XZ_OK) {
		free(r);
		return rc;
	}
	*out = r;
	return XZ_OK;
}

enum xz_result table_open_file(const char *path, enum table_format fmt, const char *sheet,
                               struct table_reader **out, char *msg, size_t n)
{
	enum xz_result rc = XZ_ERR_IO;
	unsigned char head[8];
	struct stat st;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, n, "无法打开文件 %s：%s", path, strerror(errno));
		return XZ_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, n, "%s 不是普通文件", path);
		goto out;
	}
	ssize_t got = pread(fd, head, sizeof(head), 0);
	if (got < 0) {
		snprintf(msg, n, "无法读取文件 %s：%s", path, strerror(errno));
		goto out;
	}
	rc = open_any(fd, NULL, 0, head, (size_t)got, fmt, sheet, out, msg, n);
	fd = -1; /* open_any owns it now */
out:
	if (fd >= 0)
		close(fd);
	return clean_msg(rc, msg, n);
}

enum xz_result table_open_mem(const void *data, size_t len, enum table_format fmt,
                              const char *sheet, struct table_reader **out, char *msg, size_t n)
{
	*out = NULL;
	if (!data)
		data = "", len = 0;
	return clean_msg(open_any(-1, data, len, data, len < 8 ? len : 8, fmt, sheet, out, msg, n),
	                 msg, n);
}

enum xz_result table_next(struct table_reader *r, struct table_row *row, char *msg, size_t n)
{
	if (r->fmt == TABLE_XLSX)
		return clean_msg(table_xlsx_next(r->xlsx, row, msg, n), msg, n);
	return clean_msg(table_csv_next(r->csv, row, msg, n), msg, n);
}

const char *table_encoding(const struct table_reader *r)
{
	return r->fmt == TABLE_XLSX ? "xlsx" : table_csv_encoding(r->csv);
}

enum table_format table_reader_format(const struct table_reader *r)
{
	return r->fmt;
}

void table_progress(const struct table_reader *r, uint64_t *done, uint64_t *total)
{
	uint64_t d = 0, t = 0;
	if (r->fmt == TABLE_XLSX)
		table_xlsx_progress(r->xlsx, &d, &t);
	else
		table_csv_progress(r->csv, &d, &t);
	if (done)
		*done = d;
	if (total)
		*total = t;
}

void table_close(struct table_reader *r)
{
	if (!r)
		return;
	if (r->xlsx)
		table_xlsx_close(r->xlsx);
	if (r->csv)
		table_csv_close(r->csv);
	free(r);
}

/* ---- writers ---- */

enum xz_result table_writer_open(enum table_format fmt, const char *sheet_name, const char *title,
                                 const struct table_column *cols, size_t ncols,
                                 struct table_writer **out)
{
	*out = NULL;
	if (ncols == 0 || ncols > TABLE_MAXCOL)
		return XZ_ERR_INTERNAL;
	struct table_writer *w = xcalloc(1, sizeof(*w));
	w->fmt = fmt == TABLE_CSV ? TABLE_CSV : TABLE_XLSX;
	if (w->fmt == TABLE_CSV) {
		w->csv = table_csv_writer_open(cols, ncols);
	} else {
		enum xz_result rc = table_xlsx_writer_open(sheet_name, title, cols, ncols, &w->xlsx,
		                                           w->err, sizeof(w->err));
		if (rc != XZ_OK) {
			free(w);
			return rc;
		}
	}
	*out = w;
	return XZ_OK;
}

enum xz_result table_writer_row(struct table_writer *w, const char *const *cells)
{
	if (w->fmt == TABLE_CSV) {
		table_csv_writer_row(w->csv, cells);
		return XZ_OK;
	}
	return table_xlsx_writer_row(w->xlsx, cells, w->err, sizeof(w->err));
}

enum xz_result table_writer_instructions(struct table_writer *w, const char *const *lines, size_t n)
{
	if (w->fmt == TABLE_CSV)
		return XZ_OK;
	return table_xlsx_writer_instructions(w->xlsx, lines, n, w->err, sizeof(w->err));
}

enum xz_result table_writer_finish(struct table_writer *w, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (w->fmt == TABLE_CSV) {
		table_csv_writer_finish(w->csv, data, len);
		free(w);
		return XZ_OK;
	}
	enum xz_result rc = table_xlsx_writer_finish(w->xlsx, data, len, w->err, sizeof(w->err));
	if (rc != XZ_OK)
		return rc;
	free(w);
	return XZ_OK;
}

const char *table_writer_error(const struct table_writer *w)
{
	return w ? w->err : "";
}

void table_writer_free(struct table_writer *w)
{
	if (!w)
		return;
	if (w->csv)
		table_csv_writer_free(w->csv);
	if (w->xlsx)
		table_xlsx_writer_free(w->xlsx);
	free(w);
}
