/*
 * Streaming xlsx reading with libzip and expat. An xlsx file is a zip of XML
 * parts: the workbook lists the sheets, relationship files say which part
 * holds each, sharedStrings holds the text most cells point to, and styles
 * say which cells show dates (Excel stores a date as a day count and only
 * the number format makes it a date). Those small parts are read whole at
 * open; the chosen sheet, which can be hundreds of megabytes of XML, is
 * inflated and parsed in 64 KiB chunks, and the parser is suspended at the
 * end of every non-empty row so that exactly one row is held at a time.
 * Cells are rendered the way Excel shows them without locale (see table.h).
 */
#include "io/table_impl.h"
#include "core/buf.h"
#include "core/mem.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/* Excel allows 32767 characters per cell and a few million shared strings; the limits stop a
 * crafted file (a zip inflates a thousandfold) from exhausting memory. */
#define MAX_CELL_TEXT (1u << 20)
#define MAX_SST_BYTES (512u << 20)
#define MAX_ROW       1048576L /* Excel's last row */

enum cell_type { T_NUMBER, T_SHARED, T_INLINE, T_STR, T_BOOL, T_ERROR, T_DATE };

struct xlsx_reader {
	zip_t *zip;
	zip_file_t *sheet;
	XML_Parser xp;
	uint64_t fed, total;
	bool done, row_ready;

	char *sst; /* shared strings, each NUL-terminated */
	size_t *sst_off;
	size_t nsst;
	unsigned char *xf_kind; /* enum numfmt_kind per cellXfs index */
	size_t nxf;
	bool date1904;

	/* the cell being parsed */
	bool in_data, in_cell, in_v, in_is, in_t;
	int in_rph;
	enum cell_type type;
	long style, col, next_col;
	struct buf val;

	/* the row being parsed: cell texts, each NUL-terminated, offset 0 being "" */
	long row_num, last_row;
	struct buf rowtext;
	size_t *off;
	size_t noff, off_cap;
	char **cells;
	size_t cells_cap;

	enum xz_result err;
	char errmsg[256];
};

/* ---- small helpers ---- */

/* Element and attribute names arrive as "namespace|local"; only the local part matters,
 * because writers use different prefixes (and some the strict namespaces). */
static const char *local(const char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

/* r:id of <sheet>, whatever prefix the relationships namespace got. */
static const char *rel_id_attr(const char **a)
{
	for (; a[0]; a += 2) {
		const char *bar = strrchr(a[0], '|');
		if (bar && strcmp(bar + 1, "id") == 0 && strstr(a[0], "relationships"))
			return a[1];
	}
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A relationship target made into a zip entry name: relative to the source part's folder
 * unless absolute, with "." and ".." resolved. */
static char *resolve(const char *source_part, const char *target)
{
	struct buf joined = BUF_INIT, out = BUF_INIT;
	if (target[0] == '/') {
		buf_puts(&joined, target + 1);
	} else {
		const char *slash = strrchr(source_part, '/');
		if (slash)
			buf_append(&joined, source_part, (size_t)(slash - source_part) + 1);
		buf_puts(&joined, target);
	}
	const char *p = buf_cstr(&joined);
	while (*p) {
		size_t seg = strcspn(p, "/");
		if (seg == 2 && p[0] == '.' && p[1] == '.') {
			char *up = out.len > 1 ? memrchr(out.data, '/', out.len - 1) : NULL;
			out.len = up ? (size_t)(up - out.data) + 1 : 0;
			if (out.data)
				out.data[out.len] = '\0';
		} else if (seg && !(seg == 1 && p[0] == '.')) {
			buf_append(&out, p, seg);
			if (p[seg])
				buf_putc(&out, '/');
		}
		p += seg + (p[seg] == '/');
	}
	buf_free(&joined);
	return buf_steal(&out);
}

/* The relationships part of a part: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels". */
static char *rels_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
	return xasprintf("%.*s_rels/%s.rels", (int)dir, part, part + dir);
}

static zip_int64_t locate(zip_t *z, const char *name)
{
	zip_int64_t i = zip_name_locate(z, name, 0);
	return i >= 0 ? i : zip_name_locate(z, name, ZIP_FL_NOCASE);
}

/* ---- reading a whole small part ---- */

struct part_handlers {
	XML_StartElementHandler start;
	XML_EndElementHandler end;
	XML_CharacterDataHandler text;
};

/* XZ_ERR_NOT_FOUND when the part is missing (the caller decides whether that is fatal). */
static enum xz_result parse_part(zip_t *z, const char *name, const struct part_handlers *h,
                                 void *ud, char *msg, size_t n)
{
	enum xz_result rc = XZ_OK;
	zip_file_t *f = NULL;
	XML_Parser xp = NULL;
	zip_int64_t idx = locate(z, name);
	if (idx < 0)
		return XZ_ERR_NOT_FOUND;
	f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f) {
		snprintf(msg, n, "xlsx 文件已损坏（无法读取 %s：%s）", name, zip_strerror(z));
		rc = XZ_ERR_VALIDATION;
		goto out;
	}
	xp = XML_ParserCreateNS(NULL, '|');
	XML_SetUserData(xp, ud);
	XML_SetElementHandler(xp, h->start, h->end);
	if (h->text)
		XML_SetCharacterDataHandler(xp, h->text);
	for (;;) {
		void *b = XML_GetBuffer(xp, TABLE_CHUNK);
		if (!b) {
			snprintf(msg, n, "读取 %s 失败（内存不足）", name);
			rc = XZ_ERR_INTERNAL;
			goto out;
		}
		zip_int64_t k = zip_fread(f, b, TABLE_CHUNK);
		if (k < 0) {
			snprintf(msg, n, "xlsx 文件已损坏（无法读取 %s：%s）", name,
			         zip_file_strerror(f));
			rc = XZ_ERR_VALIDATION;
			goto out;
		}
		if (XML_ParseBuffer(xp, (int)k, k == 0) != XML_STATUS_OK) {
			snprintf(msg, n, "xlsx 文件已损坏（%s 第%lu行：%s）", name,
			         (unsigned long)XML_GetCurrentLineNumber(xp),
			         XML_ErrorString(XML_GetErrorCode(xp)));
			rc = XZ_ERR_VALIDATION;
			goto out;
		}
		if (k == 0)
			break;
	}
out:
	if (xp)
		XML_ParserFree(xp);
	if (f)
		zip_fclose(f);
	return rc;
}

/* ---- relationships ---- */

struct rel {
	char *id, *type, *target;
};

struct rels {
	struct rel *v;
	size_t n, cap;
};

static void rels_start(void *ud, const char *el, const char **a)
{
	struct rels *rs = ud;
	const char *id = attr(a, "Id"), *type = attr(a, "Type"), *target = attr(a, "Target");
	const char *mode = attr(a, "TargetMode");
	if (strcmp(local(el), "Relationship") != 0 || !id || !type || !target)
		return;
	if (mode && strcmp(mode, "External") == 0)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n++] = (struct rel){xstrdup(id), xstrdup(type), xstrdup(target)};
}

static void rels_free(struct rels *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].id);
		free(rs->v[i].type);
		free(rs->v[i].target);
	}
	free(rs->v);
}

static const struct rel *rel_by_type(const struct rels *rs, const char *suffix)
{
	for (size_t i = 0; i < rs->n; i++)
		if (ends_with(rs->v[i].type, suffix))
			return &rs->v[i];
	return NULL;
}

static const struct rel *rel_by_id(const struct rels *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	return NULL;
}

static void ignore_end(void *ud, const char *el)
{
}

static const struct part_handlers rels_handlers = {rels_start, ignore_end, NULL};

/* ---- workbook: the sheets in tab order ---- */

struct sheet_ref {
	char *name, *rid;
	bool hidden;
};

struct workbook {
	struct sheet_ref *v;
	size_t n, cap;
	bool date1904;
};

static void workbook_start(void *ud, const char *el, const char **a)
{
	struct workbook *wb = ud;
	const char *l = local(el);
	if (strcmp(l, "workbookPr") == 0) {
		const char *v = attr(a, "date1904");
		wb->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
		return;
	}
	const char *name = attr(a, "name"), *rid = rel_id_attr(a), *state = attr(a, "state");
	if (strcmp(l, "sheet") != 0 || !name || !rid)
		return;
	if (wb->n == wb->cap) {
		wb->cap = wb->cap ? wb->cap * 2 : 8;
		wb->v = xrealloc(wb->v, wb->cap * sizeof(*wb->v));
	}
	wb->v[wb->n++] =
	    (struct sheet_ref){xstrdup(name), xstrdup(rid), state && strcmp(state, "visible") != 0};
}

static void workbook_free(struct workbook *wb)
{
	for (size_t i = 0; i < wb->n; i++) {
		free(wb->v[i].name);
		free(wb->v[i].rid);
	}
	free(wb->v);
}

static const struct part_handlers workbook_handlers = {workbook_start, ignore_end, NULL};

/* ---- styles: which cell formats are dates ---- */

struct styles {
	long *fmt_id;
	char **fmt_code;
	size_t nfmt, fmt_cap;
	long *xf;
	size_t nxf, xf_cap;
	bool in_xfs;
};

static void styles_start(void *ud, const char *el, const char **a)
{
	struct styles *s = ud;
	const char *l = local(el);
	if (strcmp(l, "numFmt") == 0) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (!id || !code)
			return;
		if (s->nfmt == s->fmt_cap) {
			s->fmt_cap = s->fmt_cap ? s->fmt_cap * 2 : 16;
			s->fmt_id = xrealloc(s->fmt_id, s->fmt_cap * sizeof(*s->fmt_id));
			s->fmt_code = xrealloc(s->fmt_code, s->fmt_cap * sizeof(*s->fmt_code));
		}
		s->fmt_id[s->nfmt] = strtol(id, NULL, 10);
		s->fmt_code[s->nfmt++] = xstrdup(code);
	} else if (strcmp(l, "cellXfs") == 0) {
		s->in_xfs = true;
	} else if (s->in_xfs && strcmp(l, "xf") == 0) {
		const char *id = attr(a, "numFmtId");
		if (s->nxf == s->xf_cap) {
			s->xf_cap = s->xf_cap ? s->xf_cap * 2 : 32;
			s->xf = xrealloc(s->xf, s->xf_cap * sizeof(*s->xf));
		}
		s->xf[s->nxf++] = id ? strtol(id, NULL, 10) : 0;
	}
}

static void styles_end(void *ud, const char *el)
{
	struct styles *s = ud;
	if (strcmp(local(el), "cellXfs") == 0)
		s->in_xfs = false;
}

static const struct part_handlers styles_handlers = {styles_start, styles_end, NULL};

/* Quoted literals, escaped and fill characters, and [..] sections other than the elapsed
 * [h] [m] [s] say nothing about dates; "m" is a month unless hours or seconds are near. */
static enum numfmt_kind classify_code(const char *code)
{
	bool date = false, month = false, time = false;
	for (const char *p = code; *p && *p != ';'; p++) {
		switch (*p) {
		case '"': {
			const char *q = strchr(p + 1, '"');
			if (!q)
				return NUMFMT_NUMBER;
			p = q;
			break;
		}
		case '\\':
		case '_':
		case '*':
			if (!p[1])
				return date || month ? NUMFMT_DATE
				       : time        ? NUMFMT_TIME
				                     : NUMFMT_NUMBER;
			p++;
			break;
		case '[': {
			const char *q = strchr(p, ']');
			if (!q)
				return NUMFMT_NUMBER;
			char c = (char)tolower((unsigned char)p[1]);
			if (q > p + 1 && (c == 'h' || c == 'm' || c == 's')) {
				bool same = true;
				for (const char *k = p + 1; k < q; k++)
					same = same && tolower((unsigned char)*k) == c;
				time = time || same;
			}
			p = q;
			break;
		}
		default:
			switch (tolower((unsigned char)*p)) {
			case 'y':
			case 'd':
				date = true;
				break;
			case 'm':
				month = true;
				break;
			case 'h':
			case 's':
				time = true;
				break;
			}
		}
	}
	if (date || (month && !time))
		return NUMFMT_DATE;
	if (time)
		return NUMFMT_TIME;
	return NUMFMT_NUMBER;
}

enum numfmt_kind table_numfmt_kind(long id, const char *code)
{
	if (code)
		return classify_code(code);
	/* built-in ids, including those zh-CN Excel gives its 年月日 and 时分 formats */
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return NUMFMT_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
	    id == 55 || id == 56)
		return NUMFMT_TIME;
	return NUMFMT_NUMBER;
}

static void styles_free(struct styles *s)
{
	for (size_t i = 0; i < s->nfmt; i++)
		free(s->fmt_code[i]);
	free(s->fmt_id);
	free(s->fmt_code);
	free(s->xf);
}

/* ---- shared strings: rich-text runs concatenated, phonetic runs left out ---- */

struct sst {
	struct buf text;
	size_t *off;
	size_t n, cap;
	bool in_si, in_t, too_big;
	int in_rph;
};

static void sst_start(void *ud, const char *el, const char **a)
{
	struct sst *s = ud;
	const char *l = local(el);
	if (strcmp(l, "si") == 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->off = xrealloc(s->off, s->cap * sizeof(*s->off));
		}
		s->off[s->n++] = s->text.len;
		s->in_si = true;
	} else if (strcmp(l, "rPh") == 0) {
		s->in_rph++;
	} else if (strcmp(l, "t") == 0 && s->in_si && !s->in_rph) {
		s->in_t = true;
	}
}

static void sst_end(void *ud, const char *el)
{
	struct sst *s = ud;
	const char *l = local(el);
	if (strcmp(l, "si") == 0 && s->in_si) {
		buf_putc(&s->text, '\0');
		s->in_si = false;
	} else if (strcmp(l, "rPh") == 0 && s->in_rph) {
		s->in_rph--;
	} else if (strcmp(l, "t") == 0) {
		s->in_t = false;
	}
}

static void sst_text(void *ud, const XML_Char *t, int len)
{
	struct sst *s = ud;
	if (!s->in_t || s->too_big)
		return;
	if (s->text.len + (size_t)len > MAX_SST_BYTES) {
		s->too_big = true;
		return;
	}
	buf_append(&s->text, t, (size_t)len);
}

static const struct part_handlers sst_handlers = {sst_start, sst_end, sst_text};

/* ---- dates and numbers ---- */

/* Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool table_serial_text(double serial, bool date1904, enum numfmt_kind kind, char *out, size_t n)
{
	/* 2958466 is 10000-01-01, where Excel's dates end */
	if (!isfinite(serial) || serial < 0 || serial >= 2958466.0)
		return false;
	double whole = floor(serial);
	long days = (long)whole;
	long secs = lround((serial - whole) * 86400.0);
	if (secs >= 86400)
		days++, secs -= 86400;
	if (kind == NUMFMT_TIME) {
		snprintf(out, n, "%02ld:%02ld:%02ld", days * 24 + secs / 3600, secs / 60 % 60,
		         secs % 60);
		return true;
	}
	int y, m, d;
	if (date1904) {
		civil(days - 24107, &y, &m, &d); /* serial 0 is 1904-01-01 */
	} else if (days == 0) {
		y = 1900, m = 1, d = 0; /* what Excel shows for serial 0 */
	} else if (days == 60) {
		y = 1900, m = 2, d = 29; /* Lotus 1-2-3's leap day, kept by Excel */
	} else {
		/* serial 61 is 1900-03-01 = 1899-12-30 + 61; before the fictitious day, one more */
		civil(days + (days < 60) - 25569, &y, &m, &d);
	}
	if (secs)
		snprintf(out, n, "%04d-%02d-%02d %02ld:%02ld:%02ld", y, m, d, secs / 3600,
		         secs / 60 % 60, secs % 60);
	else
		snprintf(out, n, "%04d-%02d-%02d", y, m, d);
	return true;
}

void table_number_text(double v, char *out, size_t n)
{
	if (v == 0)
		snprintf(out, n, "0"); /* also -0 */
	else if (fabs(v) < 9007199254740992.0 && v == trunc(v))
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.15g", v);
}

/* ---- the sheet ---- */

static void stop(struct xlsx_reader *r, enum xz_result err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void stop(struct xlsx_reader *r, enum xz_result err, const char *fmt, ...)
{
	if (r->err != XZ_OK)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = err;
	XML_StopParser(r->xp, XML_FALSE);
}

/* "AB12" -> 27 (0-based); -1 when there are no letters or too many columns. */
static long ref_column(const char *ref)
{
	long col = 0;
	const char *p = ref;
	for (; isupper((unsigned char)*p); p++) {
		col = col * 26 + (*p - 'A' + 1);
		if (col > TABLE_MAXCOL)
			return -1;
	}
	return p == ref ? -1 : col - 1;
}

static enum cell_type parse_type(const char *t)
{
	static const struct {
		const char *name;
		enum cell_type type;
	} types[] = {
	    {"s", T_SHARED}, {"inlineStr", T_INLINE}, {"str", T_STR},
	    {"b", T_BOOL},   {"e", T_ERROR},          {"d", T_DATE},
	};
	if (t)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(t, types[i].name) == 0)
				return types[i].type;
	return T_NUMBER;
}

static void place(struct xlsx_reader *r, long col, const char *s)
{
	size_t c = (size_t)col;
	if (c >= r->off_cap) {
		r->off_cap = c + 64;
		r->off = xrealloc(r->off, r->off_cap * sizeof(*r->off));
	}
	for (size_t i = r->noff; i < c; i++)
		r->off[i] = 0;
	r->off[c] = r->rowtext.len;
	buf_append(&r->rowtext, s, strlen(s) + 1);
	if (c >= r->noff)
		r->noff = c + 1;
}

/* The text of a <t d> cell, an ISO 8601 date or date-time. */
static const char *iso_date_text(const char *v, char *out, size_t n)
{
	int y, mo, d, h = 0, mi = 0, s = 0;
	int k = sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
	if (k < 3)
		return v;
	if (h || mi || s)
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
	else
		snprintf(out, n, "%04d-%02d-%02d", y, mo, d);
	return out;
}

static void finish_cell(struct xlsx_reader *r)
{
	char tmp[64];
	const char *v = buf_cstr(&r->val), *s = v;
	switch (r->type) {
	case T_SHARED: {
		char *end;
		errno = 0;
		if (!*v)
			break; /* no value: an empty cell */
		unsigned long i = strtoul(v, &end, 10);
		if (*end || errno || i >= r->nsst) {
			stop(r, XZ_ERR_VALIDATION,
			     "第%ld行：xlsx 文件已损坏（共享字符串编号 %s 无效）", r->row_num, v);
			return;
		}
		s = r->sst + r->sst_off[i];
		break;
	}
	case T_INLINE:
	case T_STR:
		break;
	case T_BOOL:
		s = !*v ? "" : strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ? "TRUE" : "FALSE";
		break;
	case T_ERROR:
		s = ""; /* #N/A, #DIV/0! and friends carry no value to import */
		break;
	case T_DATE:
		s = iso_date_text(v, tmp, sizeof(tmp));
		break;
	case T_NUMBER: {
		char *end;
		double d = strtod(v, &end);
		if (!*v || *end)
			break; /* not a number after all: keep the text */
		enum numfmt_kind k = r->style >= 0 && (size_t)r->style < r->nxf
		                         ? (enum numfmt_kind)r->xf_kind[r->style]
		                         : NUMFMT_NUMBER;
		if (k == NUMFMT_NUMBER || !table_serial_text(d, r->date1904, k, tmp, sizeof(tmp)))
			table_number_text(d, tmp, sizeof(tmp));
		s = tmp;
		break;
	}
	}
	if (*s)
		place(r, r->col, s);
}

static void sheet_start(void *ud, const char *el, const char **a)
{
	struct xlsx_reader *r = ud;
	const char *l = local(el);
	if (!r->in_data) {
		r->in_data = strcmp(l, "sheetData") == 0;
		return;
	}
	if (strcmp(l, "row") == 0) {
		const char *v = attr(a, "r");
		long num = v ? strtol(v, NULL, 10) : 0;
		/* past Excel's last row the file is damaged, and r="9223372036854775807"
		 * followed by a row without r would overflow the count below */
		if (num > MAX_ROW || r->last_row >= MAX_ROW) {
			stop(r, XZ_ERR_VALIDATION, "xlsx 文件已损坏（行号超过 %ld）", MAX_ROW);
			return;
		}
		r->row_num = num > r->last_row ? num : r->last_row + 1;
		buf_reset(&r->rowtext);
		buf_append(&r->rowtext, "", 1);
		r->noff = 0;
		r->next_col = 0;
	} else if (strcmp(l, "c") == 0) {
		const char *ref = attr(a, "r"), *s = attr(a, "s");
		r->col = ref ? ref_column(ref) : r->next_col;
		if (r->col < 0 || r->col >= TABLE_MAXCOL) {
			stop(r, XZ_ERR_VALIDATION, "第%ld行：单元格位置 %s 无效或超过 %d 列",
			     r->row_num, ref ? ref : "?", TABLE_MAXCOL);
			return;
		}
		r->type = parse_type(attr(a, "t"));
		r->style = s ? strtol(s, NULL, 10) : 0;
		r->in_cell = true;
		buf_reset(&r->val);
	} else if (!r->in_cell) {
		return;
	} else if (strcmp(l, "v") == 0) {
		r->in_v = true;
	} else if (strcmp(l, "is") == 0) {
		r->in_is = true;
	} else if (strcmp(l, "rPh") == 0) {
		r->in_rph++;
	} else if (strcmp(l, "t") == 0 && r->in_is && !r->in_rph) {
		r->in_t = true;
	}
}

static void sheet_end(void *ud, const char *el)
{
	struct xlsx_reader *r = ud;
	const char *l = local(el);
	/* expat still reports the end of <c r="bad"/> after stop(): finishing that
	 * cell would place it at column -1, a heap overflow (found by
	 * fuzz/fuzz_xlsx.c) */
	if (!r->in_data || r->err != XZ_OK)
		return;
	if (strcmp(l, "v") == 0) {
		r->in_v = false;
	} else if (strcmp(l, "t") == 0) {
		r->in_t = false;
	} else if (strcmp(l, "is") == 0) {
		r->in_is = false;
	} else if (strcmp(l, "rPh") == 0) {
		if (r->in_rph)
			r->in_rph--;
	} else if (strcmp(l, "c") == 0) {
		r->in_cell = false;
		finish_cell(r);
		r->next_col = r->col + 1;
	} else if (strcmp(l, "row") == 0) {
		r->last_row = r->row_num;
		if (r->noff) {
			r->row_ready = true;
			XML_StopParser(r->xp, XML_TRUE); /* resumed by the next table_next() */
		}
	} else if (strcmp(l, "sheetData") == 0) {
		/* merged cells, validations and the rest after it are of no interest */
		r->in_data = false;
		r->done = true;
		XML_StopParser(r->xp, XML_FALSE);
	}
}

static void sheet_text(void *ud, const XML_Char *t, int len)
{
	struct xlsx_reader *r = ud;
	if (!r->in_v && !r->in_t)
		return;
	if (r->val.len + (size_t)len > MAX_CELL_TEXT) {
		stop(r, XZ_ERR_VALIDATION, "第%ld行：单元格内容超过 1 MiB", r->row_num);
		return;
	}
	buf_append(&r->val, t, (size_t)len);
}

/* ---- opening ---- */

static enum xz_result open_zip(int fd, const void *data, size_t len, zip_t **out, char *msg,
                               size_t n)
{
	zip_error_t ze;
	int code = 0;
	zip_t *z = NULL;
	zip_error_init(&ze);
	if (fd >= 0) {
		z = zip_fdopen(fd, ZIP_RDONLY, &code);
		if (!z) {
			close(fd); /* libzip owns fd only on success */
			zip_error_init_with_code(&ze, code);
		}
	} else {
		zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
		if (src) {
			z = zip_open_from_source(src, ZIP_RDONLY, &ze);
			if (!z)
				zip_source_free(src);
		}
	}
	if (!z) {
		snprintf(msg, n, "不是有效的 xlsx 文件（%s）", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return XZ_ERR_BAD_REQUEST;
	}
	zip_error_fini(&ze);
	*out = z;
	return XZ_OK;
}

/* Picks the named sheet, or the first visible worksheet; returns its part name. */
static enum xz_result pick_sheet(const struct workbook *wb, const struct rels *rels,
                                 const char *wb_part, const char *want, char **part, char *msg,
                                 size_t n)
{
	const struct sheet_ref *pick = NULL, *first = NULL;
	for (size_t i = 0; i < wb->n; i++) {
		const struct rel *rel = rel_by_id(rels, wb->v[i].rid);
		bool worksheet = rel && ends_with(rel->type, "/worksheet");
		if (want && strcmp(wb->v[i].name, want) == 0) {
			if (!worksheet) {
				snprintf(msg, n, "工作表“%s”不是数据表（可能是图表）", want);
				return XZ_ERR_VALIDATION;
			}
			pick = &wb->v[i];
			break;
		}
		if (!want && worksheet && !first)
			first = &wb->v[i];
		if (!want && worksheet && !wb->v[i].hidden) {
			pick = &wb->v[i];
			break;
		}
	}
	if (!pick)
		pick = first;
	if (!pick && want) {
		struct buf names = BUF_INIT;
		for (size_t i = 0; i < wb->n; i++)
			buf_printf(&names, "%s%s", i ? "、" : "", wb->v[i].name);
		snprintf(msg, n, "工作表“%s”不存在（文件中的工作表：%s）", want, buf_cstr(&names));
		buf_free(&names);
		return XZ_ERR_VALIDATION;
	}
	if (!pick) {
		snprintf(msg, n, "xlsx 文件中没有工作表");
		return XZ_ERR_VALIDATION;
	}
	*part = resolve(wb_part, rel_by_id(rels, pick->rid)->target);
	return XZ_OK;
}

/* Reads styles and shared strings, whose absence only means no dates / no shared text. */
static enum xz_result load_tables(struct xlsx_reader *r, const struct rels *rels,
                                  const char *wb_part, char *msg, size_t n)
{
	enum xz_result rc = XZ_OK;
	struct styles st = {0};
	struct sst sst = {.text = BUF_INIT};
	char *part = NULL;

	const struct rel *rel = rel_by_type(rels, "/styles");
	part = resolve(wb_part, rel ? rel->target : "styles.xml");
	rc = parse_part(r->zip, part, &styles_handlers, &st, msg, n);
	if (rc != XZ_OK && rc != XZ_ERR_NOT_FOUND)
		goto out;
	r->nxf = st.nxf;
	r->xf_kind = xcalloc(st.nxf ? st.nxf : 1, 1);
	for (size_t i = 0; i < st.nxf; i++) {
		const char *code = NULL;
		for (size_t k = 0; k < st.nfmt; k++)
			if (st.fmt_id[k] == st.xf[i])
				code = st.fmt_code[k];
		r->xf_kind[i] = (unsigned char)table_numfmt_kind(st.xf[i], code);
	}

	free(part);
	rel = rel_by_type(rels, "/sharedStrings");
	part = resolve(wb_part, rel ? rel->target : "sharedStrings.xml");
	rc = parse_part(r->zip, part, &sst_handlers, &sst, msg, n);
	if (rc != XZ_OK && rc != XZ_ERR_NOT_FOUND)
		goto out;
	rc = XZ_OK;
	if (sst.too_big) {
		snprintf(msg, n, "xlsx 文件的共享字符串超过 %u MiB", MAX_SST_BYTES >> 20);
		rc = XZ_ERR_VALIDATION;
		goto out;
	}
	if (sst.in_si)
		buf_putc(&sst.text, '\0');
	r->nsst = sst.n;
	r->sst_off = sst.off;
	sst.off = NULL;
	r->sst = buf_steal(&sst.text);
out:
	free(part);
	styles_free(&st);
	free(sst.off);
	buf_free(&sst.text);
	return rc;
}

enum xz_result table_xlsx_open(int fd, const void *data, size_t len, const char *sheet,
                               struct xlsx_reader **out, char *msg, size_t n)
{
	enum xz_result rc;
	struct rels root = {0}, rels = {0};
	struct workbook wb = {0};
	char *wb_part = NULL, *wb_rels = NULL, *sheet_part = NULL;
	struct xlsx_reader *r = xcalloc(1, sizeof(*r));
	r->last_row = 0;

	rc = open_zip(fd, data, len, &r->zip, msg, n);
	if (rc != XZ_OK)
		goto out;

	/* the package says where the workbook is; nearly always xl/workbook.xml */
	rc = parse_part(r->zip, "_rels/.rels", &rels_handlers, &root, msg, n);
	if (rc != XZ_OK && rc != XZ_ERR_NOT_FOUND)
		goto out;
	const struct rel *doc = rel_by_type(&root, "/officeDocument");
	wb_part = resolve("", doc ? doc->target : "xl/workbook.xml");
	rc = parse_part(r->zip, wb_part, &workbook_handlers, &wb, msg, n);
	if (rc == XZ_ERR_NOT_FOUND || (rc == XZ_OK && wb.n == 0)) {
		snprintf(msg, n, "不是 xlsx 文件（zip 中没有 Excel 工作簿）");
		rc = XZ_ERR_BAD_REQUEST;
	}
	if (rc != XZ_OK)
		goto out;
	r->date1904 = wb.date1904;

	wb_rels = rels_of(wb_part);
	rc = parse_part(r->zip, wb_rels, &rels_handlers, &rels, msg, n);
	if (rc == XZ_ERR_NOT_FOUND) {
		snprintf(msg, n, "xlsx 文件已损坏（缺少 %s）", wb_rels);
		rc = XZ_ERR_VALIDATION;
	}
	if (rc != XZ_OK)
		goto out;
	rc = pick_sheet(&wb, &rels, wb_part, sheet, &sheet_part, msg, n);
	if (rc != XZ_OK)
		goto out;
	rc = load_tables(r, &rels, wb_part, msg, n);
	if (rc != XZ_OK)
		goto out;

	zip_stat_t zs;
	zip_int64_t idx = locate(r->zip, sheet_part);
	if (idx < 0 || zip_stat_index(r->zip, (zip_uint64_t)idx, 0, &zs) != 0 ||
	    !(r->sheet = zip_fopen_index(r->zip, (zip_uint64_t)idx, 0))) {
		snprintf(msg, n, "xlsx 文件已损坏（无法读取工作表 %s）", sheet_part);
		rc = XZ_ERR_VALIDATION;
		goto out;
	}
	r->total = (zs.valid & ZIP_STAT_SIZE) ? zs.size : 0;
	r->xp = XML_ParserCreateNS(NULL, '|');
	XML_SetUserData(r->xp, r);
	XML_SetElementHandler(r->xp, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(r->xp, sheet_text);
	*out = r;
	r = NULL;
out:
	table_xlsx_close(r);
	rels_free(&root);
	rels_free(&rels);
	workbook_free(&wb);
	free(wb_part);
	free(wb_rels);
	free(sheet_part);
	return rc;
}

/* Parses until a non-empty row is complete or the sheet ends. */
static void advance(struct xlsx_reader *r)
{
	while (!r->row_ready && !r->done && r->err == XZ_OK) {
		XML_ParsingStatus ps;
		enum XML_Status st;
		XML_GetParsingStatus(r->xp, &ps);
		if (ps.parsing == XML_FINISHED) {
			r->done = true;
			break;
		}
		if (ps.parsing == XML_SUSPENDED) {
			st = XML_ResumeParser(r->xp);
		} else {
			void *b = XML_GetBuffer(r->xp, TABLE_CHUNK);
			if (!b) {
				stop(r, XZ_ERR_INTERNAL, "读取 xlsx 工作表失败（内存不足）");
				break;
			}
			zip_int64_t k = zip_fread(r->sheet, b, TABLE_CHUNK);
			if (k < 0) {
				stop(r, XZ_ERR_IO, "读取 xlsx 文件失败（第%ld行之后）：%s",
				     r->last_row, zip_file_strerror(r->sheet));
				break;
			}
			r->fed += (uint64_t)k;
			/* libzip does not notice a deflate stream that inflates to another
			 * length than the directory records (found by fuzz/fuzz_xlsx.c):
			 * such a sheet is damaged, not data */
			if (r->total && (r->fed > r->total || (k == 0 && r->fed != r->total))) {
				stop(r, XZ_ERR_VALIDATION,
				     "xlsx 文件已损坏（工作表长度与 zip 目录不符）");
				break;
			}
			st = XML_ParseBuffer(r->xp, (int)k, k == 0);
		}
		if (st == XML_STATUS_ERROR && !r->done && r->err == XZ_OK)
			stop(r, XZ_ERR_VALIDATION, "第%ld行附近：xlsx 工作表内容损坏（%s）",
			     r->last_row + 1, XML_ErrorString(XML_GetErrorCode(r->xp)));
	}
}

enum xz_result table_xlsx_next(struct xlsx_reader *r, struct table_row *row, char *msg, size_t n)
{
	row->cells = NULL;
	row->ncells = 0;
	row->line = 0;
	r->row_ready = false;
	advance(r);
	if (r->err != XZ_OK) {
		snprintf(msg, n, "%s", r->errmsg);
		return r->err;
	}
	if (!r->row_ready)
		return XZ_OK;
	if (r->noff > r->cells_cap) {
		r->cells_cap = r->noff + 16;
		r->cells = xrealloc(r->cells, r->cells_cap * sizeof(*r->cells));
	}
	for (size_t i = 0; i < r->noff; i++)
		r->cells[i] = r->rowtext.data + r->off[i];
	row->cells = r->cells;
	row->ncells = r->noff;
	row->line = r->row_num;
	return XZ_OK;
}

void table_xlsx_progress(const struct xlsx_reader *r, uint64_t *done, uint64_t *total)
{
	*done = r->fed;
	*total = r->total;
}

void table_xlsx_close(struct xlsx_reader *r)
{
	if (!r)
		return;
	if (r->xp)
		XML_ParserFree(r->xp);
	if (r->sheet)
		zip_fclose(r->sheet);
	if (r->zip)
		zip_discard(r->zip); /* read-only: nothing to write back */
	free(r->sst);
	free(r->sst_off);
	free(r->xf_kind);
	buf_free(&r->val);
	buf_free(&r->rowtext);
	free(r->off);
	free(r->cells);
	free(r);
}
