/*
 * xlsx writing with libxlsxwriter, for exports, import templates and error
 * reports. libxlsxwriter writes to a file, so the workbook goes to a private
 * temporary file that is read back into memory and removed at the end; its
 * constant_memory mode flushes every row to disk as the next one starts, so
 * an export of a million rows holds one row in memory, not the sheet. Rows
 * must therefore come in order, and everything that is not row data (column
 * widths learnt from the data, drop-down validations sized to the rows) is
 * declared at finish, when libxlsxwriter assembles the parts.
 */
#include "io/table_impl.h"
#include "core/mem.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define VALIDATION_LAST_ROW 9999 /* 0-based: drop-downs reach Excel row 10000 at least */
#define WIDTH_SAMPLE_ROWS   1000 /* widths are learnt from the first rows only */
#define MAX_WIDTH           60.0
#define LIST_MAX_CHARS      255 /* Excel's limit for an inline drop-down list */
#define CHOICES_SHEET       "_choices"

struct wcol {
	enum cell_kind kind;
	double width; /* fixed, or 0 */
	double seen;  /* widest text so far, in display columns */
	const char *const *choices;
	int list_col; /* column on the _choices sheet, or -1 for an inline list */
	size_t nchoices;
};

struct xlsx_writer {
	char path[PATH_MAX];
	char *tmpdir;
	lxw_workbook *wb;
	lxw_worksheet *ws, *help;
	lxw_format *title_fmt, *header_fmt, *date_fmt, *datetime_fmt, *text_fmt, *help_fmt;
	struct wcol *cols;
	size_t ncols;
	lxw_row_t first_row, next_row; /* first data row; row of the next table_writer_row */
};

static void col_name(char *out, size_t col)
{
	char tmp[8];
	size_t n = 0;
	for (col++; col; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static enum xz_result lxw_fail(lxw_error e, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "生成 xlsx 失败（%s：%s）", what, lxw_strerror(e));
	return e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE
	           ? XZ_ERR_IO
	           : XZ_ERR_INTERNAL;
}

/* Excel refuses sheet names with []:*?/\, a leading or trailing apostrophe, or more than 31
 * characters; drop what it refuses rather than fail an export over a label. */
static char *sheet_name_for(const char *want)
{
	char *name = xmalloc(strlen(want ? want : "") + 1);
	size_t n = 0, chars = 0;
	for (const unsigned char *p = (const unsigned char *)(want ? want : "");
	     *p && chars < 31;) {
		size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (strchr("[]:*?/\\", *p) && *p < 0x80) {
			p++;
			continue;
		}
		for (size_t k = 0; k < len && *p; k++)
			name[n++] = (char)*p++; /* a cut sequence fails the UTF-8 check below */
		chars++;
	}
	name[n] = '\0';
	while (n && name[n - 1] == '\'')
		name[--n] = '\0';
	char *start = name + strspn(name, "'");
	if (!*start || !util_utf8_valid(start, strlen(start))) {
		free(name);
		return xstrdup("Sheet1");
	}
	memmove(name, start, strlen(start) + 1);
	return name;
}

/* Inline lists are limited to 255 characters and cannot hold commas or quotes. */
static bool needs_list_sheet(const char *const *choices, size_t *count)
{
	size_t chars = 0, n = 0;
	bool awkward = false;
	for (; choices[n]; n++) {
		chars += util_utf8_len(choices[n]) + (n ? 1 : 0);
		awkward = awkward || strpbrk(choices[n], ",\"") != NULL;
	}
	*count = n;
	return awkward || chars > LIST_MAX_CHARS;
}

/* Writes long choice lists to a hidden sheet that the validations refer to. */
static enum xz_result write_choice_sheet(struct xlsx_writer *w, char *err, size_t errlen)
{
	size_t nlists = 0, rows = 0;
	for (size_t j = 0; j < w->ncols; j++) {
		w->cols[j].list_col = -1;
		if (!w->cols[j].choices ||
		    !needs_list_sheet(w->cols[j].choices, &w->cols[j].nchoices))
			continue;
		w->cols[j].list_col = (int)nlists++;
		if (w->cols[j].nchoices > rows)
			rows = w->cols[j].nchoices;
	}
	if (!nlists)
		return XZ_OK;
	lxw_worksheet *ls = workbook_add_worksheet(w->wb, CHOICES_SHEET);
	if (!ls) {
		snprintf(err, errlen, "生成 xlsx 失败（无法添加选项工作表）");
		return XZ_ERR_INTERNAL;
	}
	worksheet_hide(ls);
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < w->ncols; j++) {
			const struct wcol *c = &w->cols[j];
			if (c->list_col < 0 || i >= c->nchoices)
				continue;
			lxw_error e = worksheet_write_string(
			    ls, (lxw_row_t)i, (lxw_col_t)c->list_col, c->choices[i], NULL);
			if (e != LXW_NO_ERROR)
				return lxw_fail(e, "选项", err, errlen);
		}
	return XZ_OK;
}

/* XML 1.0 has no U+FFFE or U+FFFF, and libxlsxwriter writes them as they
 * are: one such cell or header and Excel (and our reader) call the whole
 * file damaged (found by fuzz/fuzz_import.c through the error workbook).
 * They stand for nothing, so they become U+FFFD. NULL when s has none;
 * else a copy to free. */
static char *xml_safe(const char *s)
{
	if (!strstr(s, "\xEF\xBF\xBE") && !strstr(s, "\xEF\xBF\xBF"))
		return NULL;
	char *c = xstrdup(s);
	for (char *p = c; (p = strstr(p, "\xEF\xBF")); p += 2)
		if ((unsigned char)p[2] >= 0xBE)
			p[2] = (char)0xBD;
	return c;
}

static void make_formats(struct xlsx_writer *w)
{
	w->title_fmt = workbook_add_format(w->wb);
	format_set_bold(w->title_fmt);
	format_set_font_size(w->title_fmt, 14);
	format_set_align(w->title_fmt, LXW_ALIGN_CENTER);
	format_set_align(w->title_fmt, LXW_ALIGN_VERTICAL_CENTER);

	w->header_fmt = workbook_add_format(w->wb);
	format_set_bold(w->header_fmt);
	format_set_bg_color(w->header_fmt, 0xDDEBF7);
	format_set_border(w->header_fmt, LXW_BORDER_THIN);
	format_set_align(w->header_fmt, LXW_ALIGN_CENTER);
	format_set_align(w->header_fmt, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(w->header_fmt);

	w->date_fmt = workbook_add_format(w->wb);
	format_set_num_format(w->date_fmt, "yyyy-mm-dd");
	w->datetime_fmt = workbook_add_format(w->wb);
	format_set_num_format(w->datetime_fmt, "yyyy-mm-dd hh:mm:ss");
	w->text_fmt = workbook_add_format(w->wb);
	format_set_num_format(w->text_fmt, "@");
	w->help_fmt = workbook_add_format(w->wb);
	format_set_text_wrap(w->help_fmt);
	format_set_align(w->help_fmt, LXW_ALIGN_VERTICAL_TOP);
}

enum xz_result table_xlsx_writer_open(const char *sheet_name, const char *title,
                                      const struct table_column *cols, size_t ncols,
                                      struct xlsx_writer **out, char *err, size_t errlen)
{
	enum xz_result rc = XZ_OK;
	char *name = NULL;
	lxw_error e;
	struct xlsx_writer *w = xcalloc(1, sizeof(*w));
	const char *dir = getenv("TMPDIR");
	w->tmpdir = xstrdup(dir && *dir ? dir : "/tmp");
	snprintf(w->path, sizeof(w->path), "%s/xinzhi-xlsx-XXXXXX", w->tmpdir);
	int fd = mkstemp(w->path); /* reserves a private name; libxlsxwriter rewrites the file */
	if (fd < 0) {
		snprintf(err, errlen, "无法创建临时文件（%s）：%s", w->tmpdir, strerror(errno));
		w->path[0] = '\0';
		rc = XZ_ERR_IO;
		goto out;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = w->tmpdir};
	w->wb = workbook_new_opt(w->path, &opt);
	if (!w->wb) {
		snprintf(err, errlen, "生成 xlsx 失败（无法创建工作簿）");
		rc = XZ_ERR_IO;
		goto out;
	}
	make_formats(w);
	w->ncols = ncols;
	w->cols = xcalloc(ncols, sizeof(*w->cols));
	for (size_t j = 0; j < ncols; j++) {
		w->cols[j].kind = cols[j].kind;
		w->cols[j].width = cols[j].width;
		w->cols[j].choices = cols[j].choices;
		w->cols[j].seen = (double)util_display_width(cols[j].label ? cols[j].label : "");
	}

	name = sheet_name_for(sheet_name);
	w->ws = workbook_add_worksheet(w->wb, name);
	if (!w->ws) {
		snprintf(err, errlen, "生成 xlsx 失败（工作表名称“%s”无效）", name);
		rc = XZ_ERR_INTERNAL;
		goto out;
	}
	rc = write_choice_sheet(w, err, errlen);
	if (rc != XZ_OK)
		goto out;

	lxw_row_t header = 0;
	if (title) {
		header = 1;
		worksheet_set_row(w->ws, 0, 28, NULL);
		e = ncols > 1 ? worksheet_merge_range(w->ws, 0, 0, 0, (lxw_col_t)(ncols - 1), title,
		                                      w->title_fmt)
		              : worksheet_write_string(w->ws, 0, 0, title, w->title_fmt);
		if (e != LXW_NO_ERROR) {
			rc = lxw_fail(e, "标题", err, errlen);
			goto out;
		}
	}
	worksheet_set_row(w->ws, header, 20, NULL);
	for (size_t j = 0; j < ncols; j++) {
		const char *label = cols[j].label ? cols[j].label : "";
		char *safe = xml_safe(label);
		e = worksheet_write_string(w->ws, header, (lxw_col_t)j, safe ? safe : label,
		                           w->header_fmt);
		free(safe);
		if (e != LXW_NO_ERROR) {
			rc = lxw_fail(e, "表头", err, errlen);
			goto out;
		}
	}
	worksheet_freeze_panes(w->ws, header + 1, 0);
	w->first_row = w->next_row = header + 1;
	*out = w;
	w = NULL;
out:
	free(name);
	table_xlsx_writer_free(w);
	return rc;
}

/* A plain decimal as an application would print it; "007" and "1e5x" stay text. */
static bool plain_number(const char *s, double *out)
{
	const char *p = s + (*s == '-');
	if (!(*p >= '0' && *p <= '9') && !(*p == '.' && p[1] >= '0' && p[1] <= '9'))
		return false;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	if (strspn(s, "+-.0123456789eE") != strlen(s))
		return false;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (*end || errno || !isfinite(d))
		return false;
	*out = d;
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD", optionally followed by " HH:MM:SS" (or "T"), as a real calendar date. */
static bool parse_date(const char *s, lxw_datetime *dt, bool *has_time)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, h = 0, mi = 0, sec = 0, used = 0;
	size_t len = strlen(s);
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
			return false;
	} else if (len == 19 && (s[10] == ' ' || s[10] == 'T')) {
		if (sscanf(s, "%4d-%2d-%2d%*c%2d:%2d:%2d%n", &y, &m, &d, &h, &mi, &sec, &used) !=
		        6 ||
		    used != 19)
			return false;
	} else {
		return false;
	}
	if (s[4] != '-' || s[7] != '-' || y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)) || h > 23 || mi > 59 || sec > 59 || h < 0 ||
	    mi < 0 || sec < 0)
		return false;
	*dt = (lxw_datetime){y, m, d, h, mi, sec};
	*has_time = len == 19;
	return true;
}

static int parse_bool(const char *s)
{
	if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "TRUE"))
		return 1;
	if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "FALSE"))
		return 0;
	return -1;
}

static lxw_error write_cell(struct xlsx_writer *w, lxw_row_t row, size_t j, const char *s)
{
	lxw_col_t col = (lxw_col_t)j;
	double d;
	lxw_datetime dt;
	bool has_time;
	int b;
	switch (w->cols[j].kind) {
	case CELL_NUMBER:
		if (plain_number(s, &d))
			return worksheet_write_number(w->ws, row, col, d, NULL);
		break;
	case CELL_DATE:
		if (parse_date(s, &dt, &has_time))
			return worksheet_write_datetime(w->ws, row, col, &dt,
			                                has_time ? w->datetime_fmt : w->date_fmt);
		break;
	case CELL_BOOL:
		if ((b = parse_bool(s)) >= 0)
			return worksheet_write_boolean(w->ws, row, col, b, NULL);
		break;
	case CELL_TEXT:
		break;
	}
	return worksheet_write_string(w->ws, row, col, s,
	                              w->cols[j].kind == CELL_TEXT ? w->text_fmt : NULL);
}

enum xz_result table_xlsx_writer_row(struct xlsx_writer *w, const char *const *cells, char *err,
                                     size_t errlen)
{
	lxw_row_t row = w->next_row;
	if (row >= LXW_ROW_MAX) {
		snprintf(err, errlen, "行数超过 Excel 的上限（%d 行）", LXW_ROW_MAX);
		return XZ_ERR_VALIDATION;
	}
	for (size_t j = 0; j < w->ncols && cells; j++) {
		const char *s = cells[j];
		if (!s || !*s)
			continue;
		size_t len = strlen(s);
		if (!util_utf8_valid(s, len)) {
			snprintf(err, errlen, "第%lu行第%zu列：不是有效的 UTF-8 文本",
			         (unsigned long)row + 1, j + 1);
			return XZ_ERR_VALIDATION;
		}
		char *safe = xml_safe(s);
		lxw_error e = write_cell(w, row, j, safe ? safe : s);
		free(safe);
		if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
			snprintf(err, errlen,
			         "第%lu行第%zu列：文本超过 Excel 单元格的上限（32767 个字符）",
			         (unsigned long)row + 1, j + 1);
			return XZ_ERR_VALIDATION;
		}
		if (e != LXW_NO_ERROR)
			return lxw_fail(e, "写入单元格", err, errlen);
		if (row - w->first_row < WIDTH_SAMPLE_ROWS && !w->cols[j].width) {
			double dw = (double)util_display_width(s);
			if (dw > w->cols[j].seen)
				w->cols[j].seen = dw;
		}
	}
	w->next_row++;
	return XZ_OK;
}

enum xz_result table_xlsx_writer_instructions(struct xlsx_writer *w, const char *const *lines,
                                              size_t n, char *err, size_t errlen)
{
	if (w->help) {
		snprintf(err, errlen, "填写说明只能添加一次");
		return XZ_ERR_INTERNAL;
	}
	w->help = workbook_add_worksheet(w->wb, "填写说明");
	if (!w->help) {
		snprintf(err, errlen, "生成 xlsx 失败（无法添加填写说明）");
		return XZ_ERR_INTERNAL;
	}
	worksheet_set_column(w->help, 0, 0, 100, w->help_fmt);
	for (size_t i = 0; i < n; i++) {
		if (!lines[i] || !*lines[i])
			continue;
		lxw_error e = worksheet_write_string(w->help, (lxw_row_t)i, 0, lines[i],
		                                     i == 0 ? w->title_fmt : w->help_fmt);
		if (e != LXW_NO_ERROR)
			return lxw_fail(e, "填写说明", err, errlen);
	}
	return XZ_OK;
}

/* A drop-down whose choices are a range of the _choices sheet. libxlsxwriter 1.1.4 copies the
 * formula of a LIST_FORMULA validation twice and leaks the first copy, so the validation goes
 * in as an inline list with a placeholder and its stored copy is then pointed at the range
 * (both kinds are written as type="list" with the formula as formula1). */
static lxw_error add_range_list(lxw_worksheet *ws, lxw_row_t first, lxw_row_t last, lxw_col_t col,
                                const char *range, lxw_data_validation *dv)
{
	char placeholder[] = "x";
	char *list[] = {placeholder, NULL};
	dv->validate = LXW_VALIDATION_TYPE_LIST;
	dv->value_list = list;
	lxw_error e = worksheet_data_validation_range(ws, first, col, last, col, dv);
	if (e != LXW_NO_ERROR)
		return e;
	lxw_data_val_obj *obj, *added = NULL;
	STAILQ_FOREACH(obj, ws->data_validations, list_pointers)
	added = obj;
	free(added->value_formula);
	added->value_formula = xstrdup(range);
	added->validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
	return LXW_NO_ERROR;
}

/* Column widths and formats, and the drop-down lists over the data rows. */
static enum xz_result declare_columns(struct xlsx_writer *w, char *err, size_t errlen)
{
	lxw_row_t last =
	    w->next_row > VALIDATION_LAST_ROW + 1 ? w->next_row - 1 : VALIDATION_LAST_ROW;
	for (size_t j = 0; j < w->ncols; j++) {
		const struct wcol *c = &w->cols[j];
		lxw_col_t col = (lxw_col_t)j;
		double width = c->width;
		if (width <= 0) {
			double floor_w = c->kind == CELL_DATE     ? 12
			                 : c->kind == CELL_NUMBER ? 10
			                                          : 8;
			width = c->seen + 2 > floor_w ? c->seen + 2 : floor_w;
			width = width > MAX_WIDTH ? MAX_WIDTH : width;
		}
		lxw_format *fmt = c->kind == CELL_TEXT   ? w->text_fmt
		                  : c->kind == CELL_DATE ? w->date_fmt
		                                         : NULL;
		lxw_error e = worksheet_set_column(w->ws, col, col, width, fmt);
		if (e != LXW_NO_ERROR)
			return lxw_fail(e, "列宽", err, errlen);
		if (!c->choices || !c->nchoices)
			continue;
		lxw_data_validation dv = {
		    .error_type = LXW_VALIDATION_ERROR_TYPE_STOP,
		    .error_title = "输入无效",
		    .error_message = "请从下拉列表中选择",
		};
		if (c->list_col >= 0) {
			char letters[8], range[64];
			col_name(letters, (size_t)c->list_col);
			snprintf(range, sizeof(range), "'%s'!$%s$1:$%s$%zu", CHOICES_SHEET, letters,
			         letters, c->nchoices);
			e = add_range_list(w->ws, w->first_row, last, col, range, &dv);
		} else {
			dv.validate = LXW_VALIDATION_TYPE_LIST;
			dv.value_list = (char **)c->choices;
			e = worksheet_data_validation_range(w->ws, w->first_row, col, last, col,
			                                    &dv);
		}
		if (e != LXW_NO_ERROR)
			return lxw_fail(e, "下拉列表", err, errlen);
	}
	return XZ_OK;
}

static enum xz_result slurp(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	enum xz_result rc = XZ_ERR_IO;
	struct stat st;
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) != 0) {
		snprintf(err, errlen, "读取生成的 xlsx 失败：%s", strerror(errno));
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "读取生成的 xlsx 失败：%s", strerror(errno));
		goto out;
	}
	*data = buf;
	*len = (size_t)st.st_size;
	buf = NULL;
	rc = XZ_OK;
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

enum xz_result table_xlsx_writer_finish(struct xlsx_writer *w, char **data, size_t *len, char *err,
                                        size_t errlen)
{
	enum xz_result rc = declare_columns(w, err, errlen);
	if (rc != XZ_OK)
		return rc;
	lxw_error e = workbook_close(w->wb); /* frees the workbook whatever the outcome */
	w->wb = NULL;
	if (e != LXW_NO_ERROR)
		return lxw_fail(e, "保存", err, errlen);
	rc = slurp(w->path, data, len, err, errlen);
	if (rc != XZ_OK)
		return rc;
	table_xlsx_writer_free(w);
	return XZ_OK;
}

void table_xlsx_writer_free(struct xlsx_writer *w)
{
	if (!w)
		return;
	if (w->wb) {
		/* lxw_workbook_free() of a workbook never closed leaves each constant_memory
		 * sheet's temporary file open: close them, or every abandoned export leaks an fd */
		lxw_worksheet *ws;
		LXW_FOREACH_WORKSHEET(ws, w->wb)
		{
			if (ws->optimize_tmpfile)
				fclose(ws->optimize_tmpfile);
			ws->optimize_tmpfile = ws->file = NULL;
		}
		lxw_workbook_free(w->wb);
	}
	if (w->path[0])
		unlink(w->path);
	free(w->cols);
	free(w->tmpdir);
	free(w);
}
