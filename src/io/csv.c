/*
 * CSV (and TSV) reading with libcsv, and CSV writing. The reader streams the
 * input in 64 KiB chunks, so a file of any size is read in flat memory. It
 * works out the encoding from the bytes, because Excel on Chinese Windows
 * saves "CSV" in GB18030/GBK while newer Excel and most tools write UTF-8,
 * with or without a BOM: a BOM decides; otherwise bytes that are valid UTF-8
 * (the last, possibly cut, character of a chunk aside) mean UTF-8, anything
 * else GB18030, which iconv turns into UTF-8 chunk by chunk. While everything
 * seen is ASCII the decision waits for the first chunk that is not. libcsv
 * calls back per field and per record for a whole chunk, so finished records
 * are queued and handed out one by one; each remembers the physical line it
 * started on, which is what Excel users call the row number.
 */
#include "io/table_impl.h"
#include "core/buf.h"
#include "core/mem.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Real cells are at most a few KiB (Excel stops at 32767 characters); the limits only stop an
 * unclosed quote, or a hostile file, from buffering the rest of a huge file. */
#define MAX_CELL_BYTES   (1u << 20)
#define MAX_RECORD_BYTES (16u << 20)

/* libcsv's state for "inside a field"; csv.h exposes the state but not its names. */
#define LIBCSV_FIELD_BEGUN 2

enum encoding { ENC_UNDECIDED, ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE };

static const char *const encoding_names[] = {
    [ENC_UNDECIDED] = "UTF-8", [ENC_UTF8] = "UTF-8",       [ENC_UTF8_BOM] = "UTF-8 BOM",
    [ENC_GB18030] = "GB18030", [ENC_UTF16LE] = "UTF-16LE", [ENC_UTF16BE] = "UTF-16BE",
};

/* A queued record; err != XZ_OK marks the reader's final error, whose text is in errmsg. */
struct record {
	long line;
	size_t first, ncells;
	enum xz_result err;
};

struct csv_reader {
	int fd;
	const unsigned char *mem;
	size_t mem_len;
	uint64_t consumed, size;
	unsigned char *raw;           /* file chunk */
	const unsigned char *pending; /* the first chunk, read at open for sniffing */
	size_t pending_len;
	bool pending_last;
	enum encoding enc;
	bool delim_decided, finished, failed;

	iconv_t cd;
	unsigned char carry[8]; /* a multi-byte character cut by the chunk end */
	size_t ncarry;
	unsigned char *stage; /* carry + chunk, contiguous for iconv */
	char *conv;
	size_t conv_cap;

	struct csv_parser p;
	/* Cell bytes of queued records and of the one being parsed, each NUL-terminated. */
	struct buf text;
	size_t *cell_off;
	size_t ncell, cell_cap;
	struct record *recs;
	size_t nrecs, rec_cap, head;
	char **cells;
	size_t cells_cap;

	/* the record being parsed */
	size_t rec_first, rec_text;
	bool rec_nonempty;
	long rec_breaks; /* line breaks inside its quoted fields */
	long line;       /* line on which it started */
	bool last_cr;    /* the previous input character ended a record with CR */
	char errmsg[256];
};

/* ---- text checks ---- */

enum text_status { TEXT_OK, TEXT_NUL, TEXT_BAD, TEXT_CUT };

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). TEXT_CUT: valid, but
 * the last sequence is incomplete, as when a chunk ends inside a character. */
static enum text_status scan_text(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c == 0)
				return TEXT_NUL;
			i++;
			continue;
		}
		size_t need;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return TEXT_BAD;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n)
				return TEXT_CUT;
			unsigned d = s[i + k];
			if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF))
				return TEXT_BAD;
		}
		i += need + 1;
	}
	return TEXT_OK;
}

static bool all_ascii(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] & 0x80)
			return false;
	return true;
}

/* Line breaks in a quoted field: LF, CRLF and a lone CR each count once. */
static long count_breaks(const char *s, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			k++;
	return k;
}

/* ---- the record queue, fed by libcsv's callbacks ---- */

static void fail(struct csv_reader *r, enum xz_result err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Queues the final error behind the records already parsed, so they are still handed out. */
static void fail(struct csv_reader *r, enum xz_result err, const char *fmt, ...)
{
	if (r->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	if (r->nrecs == r->rec_cap) {
		r->rec_cap = r->rec_cap ? r->rec_cap * 2 : 64;
		r->recs = xrealloc(r->recs, r->rec_cap * sizeof(*r->recs));
	}
	r->recs[r->nrecs++] = (struct record){.line = r->line, .err = err};
	r->failed = true;
	r->finished = true;
}

static int never_space(unsigned char c)
{
	return 0; /* keep spaces: Excel does, and values must round-trip */
}

static void on_field(void *data, size_t len, void *ud)
{
	struct csv_reader *r = ud;
	const char *s = data;
	if (r->failed)
		return;
	r->last_cr = false;
	if (r->ncell - r->rec_first >= TABLE_MAXCOL) {
		fail(r, XZ_ERR_VALIDATION, "第%ld行：列数超过 %d", r->line, TABLE_MAXCOL);
		return;
	}
	if (r->text.len - r->rec_text + len > MAX_RECORD_BYTES) {
		fail(r, XZ_ERR_VALIDATION, "第%ld行：一行的内容超过 16 MiB（可能有未闭合的引号）",
		     r->line);
		return;
	}
	if (len) {
		r->rec_nonempty = true;
		if (memchr(s, '\n', len) || memchr(s, '\r', len))
			r->rec_breaks += count_breaks(s, len);
		enum text_status st = scan_text(data, len);
		if (st == TEXT_NUL) {
			fail(r, XZ_ERR_VALIDATION, "第%ld行：含有空字符（NUL），不是文本文件",
			     r->line);
			return;
		}
		if (st != TEXT_OK) {
			fail(r, XZ_ERR_VALIDATION,
			     "第%ld行：第%zu列不是有效的 UTF-8 文本（文件中混用了编码？请另存为"
			     "“CSV UTF-8”）",
			     r->line, r->ncell - r->rec_first + 1);
			return;
		}
	}
	if (r->ncell == r->cell_cap) {
		r->cell_cap = r->cell_cap ? r->cell_cap * 2 : 256;
		r->cell_off = xrealloc(r->cell_off, r->cell_cap * sizeof(*r->cell_off));
	}
	r->cell_off[r->ncell++] = r->text.len;
	if (len)
		buf_append(&r->text, s, len);
	buf_putc(&r->text, '\0');
}

static void on_record(int c, void *ud)
{
	struct csv_reader *r = ud;
	if (r->failed)
		return;
	size_t ncells = r->ncell - r->rec_first;
	bool crlf = c == '\n' && r->last_cr && ncells == 0;
	r->last_cr = c == '\r';
	long start = r->line;
	r->line += r->rec_breaks + ((c == '\r' || c == '\n') && !crlf);
	r->rec_breaks = 0;
	if (ncells && r->rec_nonempty) {
		if (r->nrecs == r->rec_cap) {
			r->rec_cap = r->rec_cap ? r->rec_cap * 2 : 64;
			r->recs = xrealloc(r->recs, r->rec_cap * sizeof(*r->recs));
		}
		r->recs[r->nrecs++] = (struct record){start, r->rec_first, ncells, XZ_OK};
	} else {
		/* an empty row: forget its cells */
		r->ncell = r->rec_first;
		r->text.len = r->rec_text;
	}
	r->rec_first = r->ncell;
	r->rec_text = r->text.len;
	r->rec_nonempty = false;
}

/* Drops the handed-out records, keeping the cells of the record still being parsed. */
static void compact(struct csv_reader *r)
{
	size_t keep_cells = r->ncell - r->rec_first;
	size_t keep_text = r->text.len - r->rec_text;
	if (keep_text)
		memmove(r->text.data, r->text.data + r->rec_text, keep_text);
	for (size_t i = 0; i < keep_cells; i++)
		r->cell_off[i] = r->cell_off[r->rec_first + i] - r->rec_text;
	r->text.len = keep_text;
	r->ncell = keep_cells;
	r->rec_first = r->rec_text = 0;
	r->nrecs = r->head = 0;
}

/* ---- input ---- */

static ssize_t read_full(int fd, unsigned char *b, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, b + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The next raw chunk; *last when nothing follows it. */
static enum xz_result next_chunk(struct csv_reader *r, const unsigned char **data, size_t *len,
                                 bool *last)
{
	if (r->pending) {
		*data = r->pending;
		*len = r->pending_len;
		*last = r->pending_last;
		r->pending = NULL;
		r->consumed += *len;
		return XZ_OK;
	}
	if (r->fd < 0) {
		size_t left = r->mem_len - (size_t)r->consumed;
		*len = left < TABLE_CHUNK ? left : TABLE_CHUNK;
		*data = r->mem + r->consumed;
		*last = *len == left;
	} else {
		ssize_t k = read_full(r->fd, r->raw, TABLE_CHUNK);
		if (k < 0) {
			fail(r, XZ_ERR_IO, "读取文件失败：%s", strerror(errno));
			return XZ_ERR_IO;
		}
		*data = r->raw;
		*len = (size_t)k;
		/* a file of exactly n chunks ends with a full one: knowing it is the
		 * last decides the encoding as for the same bytes in memory (a GB18030
		 * character at the very end also reads as a cut UTF-8 one; found by
		 * fuzz/fuzz_csv.c) */
		*last = *len < TABLE_CHUNK || r->consumed + *len >= r->size;
	}
	r->consumed += *len;
	return XZ_OK;
}

static enum xz_result start_iconv(struct csv_reader *r, enum encoding enc)
{
	const char *from = enc == ENC_GB18030   ? "GB18030"
	                   : enc == ENC_UTF16LE ? "UTF-16LE"
	                                        : "UTF-16BE";
	r->cd = iconv_open("UTF-8", from);
	if (r->cd == (iconv_t)-1) {
		fail(r, XZ_ERR_INTERNAL, "系统不支持 %s 编码转换", from);
		return XZ_ERR_INTERNAL;
	}
	r->enc = enc;
	r->stage = xmalloc(TABLE_CHUNK + sizeof(r->carry));
	r->conv_cap = 2 * TABLE_CHUNK + 64;
	r->conv = xmalloc(r->conv_cap);
	return XZ_OK;
}

static void parse(struct csv_reader *r, const char *s, size_t n)
{
	if (!r->delim_decided && n) {
		/* Excel's "Unicode text" and many tools write TSV: tabs and no commas in the header
		 */
		const char *eol = memchr(s, '\n', n);
		size_t hl = eol ? (size_t)(eol - s) : n;
		if (memchr(s, '\t', hl) && !memchr(s, ',', hl))
			csv_set_delim(&r->p, CSV_TAB);
		r->delim_decided = true;
	}
	if (csv_parse(&r->p, s, n, on_field, on_record, r) != n)
		fail(r, XZ_ERR_INTERNAL, "第%ld行：CSV 解析失败：%s", r->line,
		     csv_strerror(csv_error(&r->p)));
	else if (r->p.entry_pos > MAX_CELL_BYTES)
		fail(r, XZ_ERR_VALIDATION, "第%ld行：单元格内容超过 1 MiB（可能有未闭合的引号）",
		     r->line);
}

/* Converts carry + chunk to UTF-8 and parses it; a character cut by the chunk end waits in
 * carry for the next chunk. */
static void convert_and_parse(struct csv_reader *r, const unsigned char *in, size_t len, bool last)
{
	memcpy(r->stage, r->carry, r->ncarry);
	memcpy(r->stage + r->ncarry, in, len);
	char *ip = (char *)r->stage;
	size_t il = r->ncarry + len;
	r->ncarry = 0;
	char *op = r->conv;
	size_t ol = r->conv_cap;
	int bad = 0;
	while (il) {
		if (iconv(r->cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - r->conv);
			r->conv_cap *= 2;
			r->conv = xrealloc(r->conv, r->conv_cap);
			op = r->conv + used;
			ol = r->conv_cap - used;
		} else if (errno == EINVAL && !last && il < sizeof(r->carry)) {
			memcpy(r->carry, ip, il);
			r->ncarry = il;
			break;
		} else {
			bad = 1;
			break;
		}
	}
	parse(r, r->conv, (size_t)(op - r->conv));
	if (bad)
		fail(r, XZ_ERR_VALIDATION,
		     r->enc == ENC_GB18030 ? "第%ld行：含有无法识别的字符（文件既不是有效的 "
		                             "UTF-8，也不是 GB18030/GBK 编码）"
		                           : "第%ld行：含有无效的 UTF-16 字符",
		     r->line);
}

/* Settles the encoding of a still all-ASCII file once a chunk has other bytes. */
static enum xz_result decide(struct csv_reader *r, const unsigned char *s, size_t n, bool last)
{
	if (all_ascii(s, n))
		return XZ_OK;
	enum text_status st = scan_text(s, n);
	if (st == TEXT_OK || (st == TEXT_CUT && !last)) {
		r->enc = ENC_UTF8;
		return XZ_OK;
	}
	return start_iconv(r, ENC_GB18030);
}

static void finish(struct csv_reader *r)
{
	if (r->ncarry) {
		fail(r, XZ_ERR_VALIDATION, "第%ld行：文件末尾的字符不完整", r->line);
		return;
	}
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
		fail(r, XZ_ERR_VALIDATION, "第%ld行：引号未闭合", r->line);
		return;
	}
	csv_fini(&r->p, on_field, on_record, r);
	r->finished = true;
}

/* Parses one more chunk, queueing its records (or the final error). */
static void feed(struct csv_reader *r)
{
	const unsigned char *s;
	size_t n;
	bool last;
	if (next_chunk(r, &s, &n, &last) != XZ_OK)
		return;
	if (r->enc == ENC_UNDECIDED && decide(r, s, n, last) != XZ_OK)
		return;
	if (r->cd != (iconv_t)-1)
		convert_and_parse(r, s, n, last);
	else
		parse(r, (const char *)s, n);
	if (last && !r->failed)
		finish(r);
}

enum xz_result table_csv_open(int fd, const void *data, size_t len, struct csv_reader **out,
                              char *msg, size_t n)
{
	enum xz_result rc = XZ_OK;
	struct csv_reader *r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->cd = (iconv_t)-1;
	r->line = 1;
	csv_init(&r->p, CSV_REPALL_NL);
	csv_set_space_func(&r->p, never_space);
	csv_set_realloc_func(&r->p, xrealloc);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 16 * 1024);
	if (fd >= 0) {
		off_t end = lseek(fd, 0, SEEK_END);
		if (end < 0 || lseek(fd, 0, SEEK_SET) != 0) {
			snprintf(msg, n, "无法读取文件：%s", strerror(errno));
			rc = XZ_ERR_IO;
			goto out;
		}
		r->size = (uint64_t)end;
		r->raw = xmalloc(TABLE_CHUNK);
	} else {
		r->mem = data;
		r->mem_len = len;
		r->size = len;
	}

	const unsigned char *s;
	size_t k;
	bool last;
	if (next_chunk(r, &s, &k, &last) != XZ_OK) {
		snprintf(msg, n, "%s", r->errmsg);
		rc = XZ_ERR_IO;
		goto out;
	}
	if (k >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		r->enc = ENC_UTF8_BOM;
		s += 3, k -= 3;
	} else if (k >= 2 && (memcmp(s, "\xFF\xFE", 2) == 0 || memcmp(s, "\xFE\xFF", 2) == 0)) {
		if (start_iconv(r, s[0] == 0xFF ? ENC_UTF16LE : ENC_UTF16BE) != XZ_OK) {
			snprintf(msg, n, "%s", r->errmsg);
			rc = XZ_ERR_INTERNAL;
			goto out;
		}
		s += 2, k -= 2;
	}
	if (r->cd == (iconv_t)-1 && memchr(s, '\0', k)) {
		snprintf(msg, n, "不是 CSV 或 xlsx 文件（含有二进制数据）");
		rc = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	if (r->enc == ENC_UNDECIDED && decide(r, s, k, last) != XZ_OK) {
		snprintf(msg, n, "%s", r->errmsg);
		rc = XZ_ERR_INTERNAL;
		goto out;
	}
	r->pending = s;
	r->pending_len = k;
	r->pending_last = last;
	r->consumed -= k; /* counted again when parsed */
	*out = r;
	r = NULL;
out:
	if (r)
		table_csv_close(r);
	return rc;
}

enum xz_result table_csv_next(struct csv_reader *r, struct table_row *row, char *msg, size_t n)
{
	row->cells = NULL;
	row->ncells = 0;
	row->line = 0;
	for (;;) {
		if (r->head < r->nrecs) {
			const struct record *rec = &r->recs[r->head];
			if (rec->err != XZ_OK) {
				snprintf(msg, n, "%s", r->errmsg);
				return rec->err; /* stays at the head: errors are final */
			}
			r->head++;
			if (rec->ncells > r->cells_cap) {
				r->cells_cap = rec->ncells * 2;
				r->cells = xrealloc(r->cells, r->cells_cap * sizeof(*r->cells));
			}
			for (size_t i = 0; i < rec->ncells; i++)
				r->cells[i] = r->text.data + r->cell_off[rec->first + i];
			row->cells = r->cells;
			row->ncells = rec->ncells;
			row->line = rec->line;
			return XZ_OK;
		}
		if (r->finished)
			return XZ_OK;
		compact(r);
		feed(r);
	}
}

const char *table_csv_encoding(const struct csv_reader *r)
{
	return encoding_names[r->enc];
}

void table_csv_progress(const struct csv_reader *r, uint64_t *done, uint64_t *total)
{
	*done = r->consumed;
	*total = r->size;
}

void table_csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	csv_free(&r->p);
	free(r->raw);
	free(r->stage);
	free(r->conv);
	buf_free(&r->text);
	free(r->cell_off);
	free(r->recs);
	free(r->cells);
	free(r);
}

/* ---- writing ---- */

struct csv_writer {
	struct buf out;
	size_t ncols;
	bool *text; /* per column: a text column, guarded against formulas */
};

/* A text cell that Excel would take for a formula (=, +, -, @, or a tab or
 * carriage return before one: "CSV injection") gets a leading apostrophe, as
 * Excel itself writes such text; the importer drops it again. */
static bool formula_like(const char *s)
{
	return strchr("=+-@\t\r", *s) != NULL;
}

/* RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
static void put_field(struct buf *b, const char *s, bool text)
{
	if (!s || !*s)
		return;
	bool guard = text && formula_like(s);
	size_t plain = strcspn(s, ",\"\r\n");
	if (!s[plain]) {
		if (guard)
			buf_putc(b, '\'');
		buf_append(b, s, plain);
		return;
	}
	buf_putc(b, '"');
	if (guard)
		buf_putc(b, '\'');
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		buf_append(b, s, (size_t)(q - s) + 1);
		buf_putc(b, '"');
	}
	buf_puts(b, s);
	buf_putc(b, '"');
}

static void put_row(struct buf *b, const char *const *cells, size_t n, const bool *text)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		put_field(b, cells ? cells[i] : NULL, text && text[i]);
	}
	buf_append(b, "\r\n", 2);
}

struct csv_writer *table_csv_writer_open(const struct table_column *cols, size_t ncols)
{
	struct csv_writer *w = xcalloc(1, sizeof(*w));
	w->ncols = ncols;
	buf_append(&w->out, "\xEF\xBB\xBF", 3); /* without it Excel reads the file as GBK */
	const char **labels = xcalloc(ncols, sizeof(*labels));
	w->text = xcalloc(ncols ? ncols : 1, sizeof(*w->text));
	for (size_t i = 0; i < ncols; i++) {
		labels[i] = cols[i].label;
		w->text[i] = cols[i].kind == CELL_TEXT;
	}
	put_row(&w->out, labels, ncols, NULL);
	free(labels);
	return w;
}

void table_csv_writer_row(struct csv_writer *w, const char *const *cells)
{
	put_row(&w->out, cells, w->ncols, w->text);
}

void table_csv_writer_finish(struct csv_writer *w, char **data, size_t *len)
{
	*len = w->out.len;
	*data = buf_steal(&w->out);
	free(w->text);
	free(w);
}

void table_csv_writer_free(struct csv_writer *w)
{
	if (!w)
		return;
	buf_free(&w->out);
	free(w->text);
	free(w);
}
