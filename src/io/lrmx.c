/*
 * The .lrmx (任免审批表, version 3) reader and writer, the 简历 period parser
 * and the date and base64 conversions they need. The reader is an expat
 * parser run over a buffer: it keeps the text of each field element of
 * Person, of each JiaTingChengYuan/Item, and decodes ZhaoPian; it refuses
 * documents with a DTD, since a dossier never needs one and entity
 * declarations are the usual way to make an XML parser misbehave. One table
 * of element names and struct offsets drives reading, writing and
 * comparing, so the three cannot drift apart.
 */
#include "io/lrmx.h"

#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct field_def {
	const char *element;
	size_t off;
	bool date;
};

#define F(el, member, is_date) {el, offsetof(struct lrmx_person, member), is_date}

/* in the order the 任免审批表 software writes them; JianLi, the family and
 * the photo are written at their places by lrmx_write() */
static const struct field_def fields[] = {
	F("XingMing", name, false),
	F("XingBie", gender, false),
	F("ChuShengNianYue", birth, true),
	F("MinZu", ethnicity, false),
	F("JiGuan", native_place, false),
	F("ChuShengDi", birth_place, false),
	F("RuDangShiJian", party_date, true),
	F("CanJiaGongZuoShiJian", work_start, true),
	F("JianKangZhuangKuang", health, false),
	F("ZhuanYeJiShuZhiWu", title, false),
	F("ShuXiZhuanYeYouHeZhuanChang", expertise, false),
	F("QuanRiZhiJiaoYu_XueLi", ft_education, false),
	F("QuanRiZhiJiaoYu_XueWei", ft_degree, false),
	F("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", ft_edu_school, false),
	F("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", ft_deg_school, false),
	F("ZaiZhiJiaoYu_XueLi", pt_education, false),
	F("ZaiZhiJiaoYu_XueWei", pt_degree, false),
	F("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", pt_edu_school, false),
	F("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", pt_deg_school, false),
	F("XianRenZhiWu", post, false),
	F("NiRenZhiWu", proposed_post, false),
	F("NiMianZhiWu", proposed_removal, false),
	/* JianLi here */
	F("JiangChengQingKuang", rewards, false),
	F("NianDuKaoHeJieGuo", assessment, false),
	F("RenMianLiYou", reason, false),
	/* JiaTingChengYuan here */
	F("ChengBaoDanWei", reporting_unit, false),
	F("JiSuanNianLingShiJian", age_date, true),
	F("TianBiaoShiJian", fill_date, true),
	F("TianBiaoRen", filled_by, false),
	F("ShenFenZheng", idcard, false),
	/* ZhaoPian last */
};

/* where lrmx_write() puts JianLi and the family among the fields */
#define RESUME_BEFORE "JiangChengQingKuang"
#define FAMILY_BEFORE "ChengBaoDanWei"

#define M(el, member, is_date) {el, offsetof(struct lrmx_family, member), is_date}

static const struct field_def member_fields[] = {
	M("ChengWei", relation, false),
	M("XingMing", name, false),
	M("ChuShengRiQi", birth, true),
	M("ZhengZhiMianMao", political, false),
	M("GongZuoDanWeiJiZhiWu", work, false),
};

static char **slot(void *base, const struct field_def *f)
{
	return (char **)((char *)base + f->off);
}

/* ---- small text helpers ---- */

/* length of a space at s: ASCII white space, U+3000 or U+00A0; 0 if none */
static size_t space_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r' || *u == '\v' || *u == '\f')
		return 1;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	return 0;
}

static const char *skip_spaces(const char *s)
{
	size_t k;
	while ((k = space_len(s)))
		s += k;
	return s;
}

/* end of s with trailing spaces removed */
static const char *trim_end(const char *s, const char *end)
{
	for (;;) {
		if (end > s && space_len(end - 1) == 1) {
			end--;
		} else if (end - s >= 3 && space_len(end - 3) == 3) {
			end -= 3;
		} else if (end - s >= 2 && space_len(end - 2) == 2) {
			end -= 2;
		} else {
			return end;
		}
	}
}

/* a trimmed copy, NULL when nothing is left */
static char *trimmed(const char *s, size_t n)
{
	char *tmp = xstrndup(s, n);
	const char *b = skip_spaces(tmp), *e = trim_end(b, tmp + strlen(tmp));
	char *out = e > b ? xstrndup(b, (size_t)(e - b)) : NULL;
	free(tmp);
	return out;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool same(const char *a, const char *b)
{
	return empty(a) ? empty(b) : !empty(b) && !strcmp(a, b);
}

/* ---- dates ---- */

static int digits(const char *s, int max, int *value)
{
	int n = 0;
	*value = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9')
		*value = *value * 10 + (s[n++] - '0');
	return n;
}

static bool make_date(int y, int m, int d, char out[11])
{
	char tmp[16];
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	if (!valid_date(tmp))
		return false;
	memcpy(out, tmp, 11);
	return true;
}

/* A year-month at s in the forms YYYY.M[M], YYYY．M[M], YYYY-MM, YYYY/MM,
 * YYYY年M[M]月 or YYYYMM[DD] (when compact is allowed); with_day also takes a
 * day. Returns the bytes consumed, 0 when s does not start with a date. */
static size_t scan_date(const char *s, bool compact, bool with_day, int *y, int *m, int *d)
{
	const char *p = s;
	*d = 1;
	int n = digits(p, 8, y);
	if (compact && (n == 6 || n == 8)) {
		int v = *y;
		if (n == 8)
			*d = v % 100, v /= 100;
		*m = v % 100, *y = v / 100;
		return (size_t)n;
	}
	if (n != 4)
		return 0;
	p += 4;
	bool year_char = false;
	if (*p == '.' || *p == '-' || *p == '/')
		p++;
	else if (!strncmp(p, "．", 3))
		p += 3;
	else if (!strncmp(p, "年", 3))
		p += 3, year_char = true;
	else
		return 0;
	n = digits(p, 2, m);
	if (!n || (p[n] >= '0' && p[n] <= '9'))
		return 0;
	p += n;
	if (year_char && !strncmp(p, "月", 3))
		p += 3;
	if (!with_day)
		return (size_t)(p - s);
	const char *q = p;
	if (*q == '.' || *q == '-' || *q == '/') {
		q++;
	} else if (!strncmp(q, "．", 3)) {
		q += 3;
	} else if (year_char && q[0] >= '0' && q[0] <= '9') {
		/* 1990年9月1日 */
	} else {
		return (size_t)(p - s);
	}
	int dn = digits(q, 2, d);
	if (!dn) {
		*d = 1;
		return (size_t)(p - s);
	}
	q += dn;
	if (year_char && !strncmp(q, "日", 3))
		q += 3;
	return (size_t)(q - s);
}

bool lrmx_date_in(const char *s, char out[11])
{
	if (!s)
		return false;
	int y, m, d;
	const char *b = skip_spaces(s);
	size_t k = scan_date(b, true, true, &y, &m, &d);
	if (!k || *skip_spaces(b + k))
		return false;
	return make_date(y, m, d, out);
}

static bool is_iso(const char *iso)
{
	return iso && strlen(iso) == 10 && valid_date(iso);
}

bool lrmx_date_out(const char *iso, char out[9])
{
	if (!is_iso(iso))
		return false;
	/* digits copied from the checked text: YYYY MM [DD] */
	memcpy(out, iso, 4);
	memcpy(out + 4, iso + 5, 2);
	bool first = !strcmp(iso + 8, "01");
	if (!first)
		memcpy(out + 6, iso + 8, 2);
	out[first ? 6 : 8] = '\0';
	return true;
}

bool lrmx_date_show(const char *iso, char out[8])
{
	if (!is_iso(iso))
		return false;
	memcpy(out, iso, 4);
	out[4] = '.';
	memcpy(out + 5, iso + 5, 2);
	out[7] = '\0';
	return true;
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void lrmx_base64_encode(const unsigned char *data, size_t len, struct buf *out)
{
	char q[4];
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? b64[v & 63] : '=';
		buf_append(out, q, 4);
	}
}

bool lrmx_base64_decode(const char *s, size_t n, unsigned char **out, size_t *len)
{
	unsigned char *o = xmalloc(n / 4 * 3 + 4);
	size_t k = 0;
	unsigned v = 0;
	int bits = 0;
	bool pad = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad = true;
			continue;
		}
		const char *at = c ? strchr(b64, c) : NULL;
		if (!at || pad) { /* a character after padding is not base64 either */
			free(o);
			*out = NULL;
			*len = 0;
			return false;
		}
		v = (v << 6) | (unsigned)(at - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	*out = o;
	*len = k;
	return true;
}

/* ---- 简历 ---- */

/* the date separators seen in real files; longest first */
static const char *const dashes[] = {"——", "--", "—", "–", "－", "-", "~", "～", "―", "─", "至", NULL};

static size_t dash_len(const char *s)
{
	for (size_t i = 0; dashes[i]; i++) {
		size_t n = strlen(dashes[i]);
		if (!strncmp(s, dashes[i], n) && strncmp(s, "至今", strlen("至今")))
			return n;
	}
	return 0;
}

enum period_kind { P_NOT_DATE, P_BAD, P_OK };

struct period_parse {
	char start[11], end[11];
	bool open;
	const char *text; /* into the line */
};

static enum period_kind parse_period(const char *s, struct period_parse *out)
{
	int y, m, d;
	if (!(*s >= '0' && *s <= '9'))
		return P_NOT_DATE;
	size_t k = scan_date(s, true, false, &y, &m, &d);
	if (!k || !make_date(y, m, 1, out->start))
		return P_BAD;
	const char *p = skip_spaces(s + k);
	size_t dl, seen = 0;
	while ((dl = dash_len(p)))
		p += dl, seen++;
	if (!seen && strncmp(p, "至今", strlen("至今")))
		return P_BAD;
	p = skip_spaces(p);
	out->open = false;
	if (*p >= '0' && *p <= '9') {
		k = scan_date(p, true, false, &y, &m, &d);
		if (!k || !make_date(y, m, 1, out->end))
			return P_BAD;
		if (strcmp(out->end, out->start) < 0)
			return P_BAD;
		p += k;
	} else {
		out->open = true;
		if (!strncmp(p, "至今", strlen("至今")))
			p += strlen("至今");
		else if (!strncmp(p, "今", strlen("今")))
			p += strlen("今");
	}
	out->text = skip_spaces(p);
	return P_OK;
}

static void append_text(char **text, const char *more)
{
	if (empty(more))
		return;
	if (empty(*text)) {
		free(*text);
		*text = xstrdup(more);
		return;
	}
	size_t n = strlen(*text);
	/* wrapped Chinese text joins directly; Latin words keep their space */
	bool space = ((*text)[n - 1] & 0x80) == 0 && (*text)[n - 1] != ' ' && (more[0] & 0x80) == 0;
	char *joined = xasprintf("%s%s%s", *text, space ? " " : "", more);
	free(*text);
	*text = joined;
}

static void append_raw(char **raw, const char *line)
{
	char *joined = xasprintf("%s\n%s", *raw, line);
	free(*raw);
	*raw = joined;
}

void lrmx_resume_parse(char *const *lines, size_t n, struct lrmx_resume *out)
{
	memset(out, 0, sizeof(*out));
	/* items in line order: periods and unparsed lines, decided below */
	struct item {
		bool period;
		struct lrmx_period p;
	} *items = xcalloc(n ? n : 1, sizeof(*items));
	size_t ni = 0;
	for (size_t i = 0; i < n; i++) {
		const char *line = lines[i];
		const char *s = skip_spaces(line);
		if (!*s)
			continue;
		struct period_parse pp;
		enum period_kind k = parse_period(s, &pp);
		struct item *prev = ni ? &items[ni - 1] : NULL;
		if (k == P_NOT_DATE && prev && prev->period) {
			char *cont = trimmed(s, strlen(s));
			append_text(&prev->p.text, cont);
			free(cont);
			append_raw(&prev->p.raw, line);
			continue;
		}
		struct item *it = &items[ni++];
		it->p.line = i + 1;
		it->p.raw = xstrdup(line);
		if (k != P_OK)
			continue; /* unparsed */
		it->period = true;
		it->p.start = xstrdup(pp.start);
		it->p.end = pp.open ? NULL : xstrdup(pp.end);
		it->p.text = trimmed(pp.text, strlen(pp.text));
	}
	out->periods = xcalloc(ni ? ni : 1, sizeof(*out->periods));
	out->unparsed = xcalloc(ni ? ni : 1, sizeof(*out->unparsed));
	for (size_t i = 0; i < ni; i++) {
		struct lrmx_period *p = &items[i].p;
		if (items[i].period && !empty(p->text)) {
			out->periods[out->nperiods++] = *p;
			continue;
		}
		/* a period without any text cannot become a career: keep the line */
		struct lrmx_unparsed *u = &out->unparsed[out->nunparsed++];
		u->text = p->raw;
		u->line = p->line;
		u->after = out->nperiods;
		free(p->start);
		free(p->end);
		free(p->text);
	}
	free(items);
}

void lrmx_resume_free(struct lrmx_resume *r)
{
	for (size_t i = 0; i < r->nperiods; i++) {
		free(r->periods[i].start);
		free(r->periods[i].end);
		free(r->periods[i].text);
		free(r->periods[i].raw);
	}
	for (size_t i = 0; i < r->nunparsed; i++)
		free(r->unparsed[i].text);
	free(r->periods);
	free(r->unparsed);
	memset(r, 0, sizeof(*r));
}

void lrmx_resume_format(const char *start, const char *end, const char *text, struct buf *out)
{
	char s[8] = "", e[8] = "";
	if (!lrmx_date_show(start, s))
		snprintf(s, sizeof(s), "%.7s", start ? start : "");
	if (end && !lrmx_date_show(end, e))
		snprintf(e, sizeof(e), "%.7s", end);
	/* an open period keeps the end column blank, as the software prints it,
	 * unless the text would then read as the end: "2016.03--  2号线…" is a
	 * bad end date (found by fuzz/fuzz_lrmx.c), and "2016.03--  今…" or
	 * "…  至今…" would lose the word */
	bool ambiguous = !end && text &&
	                 ((*text >= '0' && *text <= '9') || !strncmp(text, "今", strlen("今")) ||
	                  !strncmp(text, "至今", strlen("至今")));
	buf_printf(out, "%s--%-7s  ", s, end ? e : ambiguous ? "至今" : "");
	/* one line per period: a line break typed into the text would turn its
	 * rest into a continuation line */
	for (const char *t = text; t && *t; t++)
		buf_putc(out, *t == '\r' || *t == '\n' ? ' ' : *t);
}

void lrmx_add_resume_line(struct lrmx_person *p, const char *line)
{
	p->resume = xrealloc(p->resume, (p->nresume + 1) * sizeof(*p->resume));
	p->resume[p->nresume++] = xstrdup(line);
}

void lrmx_split_resume(struct lrmx_person *p, const char *text)
{
	const char *s = text;
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		const char *end = trim_end(s, s + n);
		if (skip_spaces(s) < end) {
			char *line = xstrndup(s, (size_t)(end - s));
			lrmx_add_resume_line(p, line);
			free(line);
		}
		s += n;
		if (*s == '\r' && s[1] == '\n')
			s += 2;
		else if (*s)
			s++;
	}
}

void lrmx_add_family(struct lrmx_person *p, const struct lrmx_family *m)
{
	p->family = xrealloc(p->family, (p->nfamily + 1) * sizeof(*p->family));
	struct lrmx_family *dst = &p->family[p->nfamily++];
	for (size_t i = 0; i < COUNT(member_fields); i++) {
		const char *v = *slot((void *)m, &member_fields[i]);
		*slot(dst, &member_fields[i]) = v ? xstrdup(v) : NULL;
	}
}

/* ---- reading ---- */

enum collect { C_NONE, C_FIELD, C_RESUME, C_PHOTO, C_MEMBER };

struct reader {
	XML_Parser xp;
	struct lrmx_person *p;
	int depth;
	bool in_family;
	enum collect what;
	const struct field_def *field; /* C_FIELD, C_MEMBER */
	struct lrmx_family member;
	bool in_item;
	struct buf text;
	char err[256];
};

static void fail(struct reader *r, const char *message)
{
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s", message);
	XML_StopParser(r->xp, XML_FALSE);
}

static const struct field_def *find_def(const struct field_def *defs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(defs[i].element, name))
			return &defs[i];
	return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	(void)attrs;
	struct reader *r = ud;
	r->depth++;
	if (r->depth == 1) {
		if (strcmp(name, "Person")) {
			char m[200];
			snprintf(m, sizeof(m), "根元素应为 Person，文件中是 %.60s：不是任免审批表（.lrmx）文件",
			         name);
			fail(r, m);
		}
		return;
	}
	if (r->depth == 2) {
		buf_reset(&r->text);
		r->what = C_NONE;
		if (!strcmp(name, "JianLi")) {
			r->what = C_RESUME;
		} else if (!strcmp(name, "ZhaoPian")) {
			r->what = C_PHOTO;
		} else if (!strcmp(name, "JiaTingChengYuan")) {
			r->in_family = true;
		} else if ((r->field = find_def(fields, COUNT(fields), name))) {
			r->what = C_FIELD;
		}
		return;
	}
	if (r->depth == 3 && r->in_family && !strcmp(name, "Item")) {
		memset(&r->member, 0, sizeof(r->member));
		r->in_item = true;
		return;
	}
	if (r->depth == 4 && r->in_item) {
		buf_reset(&r->text);
		r->field = find_def(member_fields, COUNT(member_fields), name);
		r->what = r->field ? C_MEMBER : C_NONE;
		return;
	}
	/* markup inside a field's text is ignored, its text kept; inside the
	 * photo it would corrupt the base64, so the photo stops there */
	if (r->what == C_PHOTO)
		r->what = C_NONE;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct reader *r = ud;
	if (r->what != C_NONE && len > 0)
		buf_append(&r->text, s, (size_t)len);
}

/* the value of a field element: trimmed, a date converted */
static char *field_value(const struct field_def *f, struct buf *text)
{
	char *v = trimmed(text->data ? text->data : "", text->len);
	char iso[11];
	if (v && f->date && lrmx_date_in(v, iso)) {
		free(v);
		v = xstrdup(iso);
	}
	return v;
}

static void free_member(struct lrmx_family *m)
{
	for (size_t i = 0; i < COUNT(member_fields); i++) {
		free(*slot(m, &member_fields[i]));
		*slot(m, &member_fields[i]) = NULL;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	(void)name;
	struct reader *r = ud;
	if (r->depth == 2) {
		if (r->what == C_FIELD) {
			char **dst = slot(r->p, r->field);
			free(*dst); /* a repeated element: the last one counts */
			*dst = field_value(r->field, &r->text);
		} else if (r->what == C_RESUME) {
			lrmx_split_resume(r->p, r->text.data ? r->text.data : "");
		} else if (r->what == C_PHOTO) {
			const char *b = r->text.data ? r->text.data : "";
			size_t n = r->text.len;
			const char *comma = strchr(b, ',');
			if (!strncmp(skip_spaces(b), "data:", 5) && comma) { /* a data: URI */
				n -= (size_t)(comma + 1 - b);
				b = comma + 1;
			}
			free(r->p->photo);
			r->p->photo = NULL;
			if (!lrmx_base64_decode(b, n, &r->p->photo, &r->p->photo_len))
				fail(r, "照片（ZhaoPian）不是有效的 base64 编码");
			else if (!r->p->photo_len) {
				free(r->p->photo);
				r->p->photo = NULL;
			}
		}
		r->in_family = false;
		r->what = C_NONE;
	} else if (r->depth == 4 && r->in_item && r->what == C_MEMBER) {
		char **dst = slot(&r->member, r->field);
		free(*dst);
		*dst = field_value(r->field, &r->text);
		r->what = C_NONE;
	} else if (r->depth == 3 && r->in_item) {
		bool any = false;
		for (size_t i = 0; i < COUNT(member_fields); i++)
			any |= *slot(&r->member, &member_fields[i]) != NULL;
		if (any)
			lrmx_add_family(r->p, &r->member);
		free_member(&r->member);
		r->in_item = false;
	}
	r->depth--;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(ud, "文件含有 DTD（DOCTYPE）声明，任免审批表文件不应有，已拒绝");
}

enum xz_result lrmx_parse(const void *data, size_t len, struct lrmx_person *out, char *msg,
                          size_t n)
{
	struct reader r = {.p = out};
	enum xz_result res = XZ_OK;
	memset(out, 0, sizeof(*out));
	r.xp = XML_ParserCreate(NULL);
	XML_SetUserData(r.xp, &r);
	XML_SetElementHandler(r.xp, on_start, on_end);
	XML_SetCharacterDataHandler(r.xp, on_text);
	XML_SetStartDoctypeDeclHandler(r.xp, on_doctype);
	/* expat takes an int length: feed large buffers in pieces */
	const char *p = data;
	size_t left = len;
	bool ok = true;
	do {
		int chunk = left > (1u << 30) ? 1 << 30 : (int)left;
		ok = XML_Parse(r.xp, p, chunk, (size_t)chunk == left) == XML_STATUS_OK;
		p += chunk;
		left -= (size_t)chunk;
	} while (ok && left);
	if (!ok || r.err[0]) {
		if (r.err[0])
			snprintf(msg, n, "%s", r.err);
		else if (XML_GetErrorCode(r.xp) == XML_ERROR_UNKNOWN_ENCODING ||
		         XML_GetErrorCode(r.xp) == XML_ERROR_INCORRECT_ENCODING)
			snprintf(msg, n, "文件的字符编码不受支持：任免审批表（.lrmx）文件应为 UTF-8");
		else
			snprintf(msg, n, "不是有效的 XML（第%lu行第%lu列）：%s",
			         (unsigned long)XML_GetCurrentLineNumber(r.xp),
			         (unsigned long)XML_GetCurrentColumnNumber(r.xp) + 1,
			         XML_ErrorString(XML_GetErrorCode(r.xp)));
		res = XZ_ERR_VALIDATION;
		goto out;
	}
out:
	free_member(&r.member);
	buf_free(&r.text);
	XML_ParserFree(r.xp);
	if (res)
		lrmx_person_free(out);
	return res;
}

/* ---- writing ---- */

/* XML text with the five special characters escaped; a carriage return is
 * kept as a reference (parsers turn a literal one into a newline) and the
 * other control characters XML cannot carry are left out. */
static void put_escaped(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default:
			if (c >= 0x20 || c == '\n' || c == '\t')
				buf_putc(b, (char)c);
		}
	}
}

static void put_element(struct buf *b, const char *indent, const char *name, const char *value,
                        bool date)
{
	char compact[9];
	if (date && lrmx_date_out(value, compact))
		value = compact;
	buf_printf(b, "%s<%s>", indent, name);
	put_escaped(b, value);
	buf_printf(b, "</%s>\n", name);
}

static bool utf8_ok(const char *s)
{
	return !s || util_utf8_valid(s, strlen(s));
}

static size_t field_index(const char *element)
{
	return (size_t)(find_def(fields, COUNT(fields), element) - fields);
}

static void put_fields(struct buf *b, const struct lrmx_person *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		put_element(b, "  ", fields[i].element, *slot((void *)p, &fields[i]), fields[i].date);
}

enum xz_result lrmx_write(const struct lrmx_person *p, char **data, size_t *len, char *msg,
                          size_t n)
{
	struct buf b = BUF_INIT;
	*data = NULL;
	*len = 0;
	for (size_t i = 0; i < COUNT(fields); i++)
		if (!utf8_ok(*slot((void *)p, &fields[i]))) {
			snprintf(msg, n, "字段 %s 含有非 UTF-8 字符", fields[i].element);
			return XZ_ERR_VALIDATION;
		}
	for (size_t i = 0; i < p->nresume; i++)
		if (!utf8_ok(p->resume[i])) {
			snprintf(msg, n, "简历第%zu行含有非 UTF-8 字符", i + 1);
			return XZ_ERR_VALIDATION;
		}
	for (size_t i = 0; i < p->nfamily; i++)
		for (size_t k = 0; k < COUNT(member_fields); k++)
			if (!utf8_ok(*slot(&p->family[i], &member_fields[k]))) {
				snprintf(msg, n, "第%zu位家庭成员的 %s 含有非 UTF-8 字符", i + 1,
				         member_fields[k].element);
				return XZ_ERR_VALIDATION;
			}

	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Person>\n");
	size_t resume_at = field_index(RESUME_BEFORE), family_at = field_index(FAMILY_BEFORE);
	put_fields(&b, p, 0, resume_at);
	buf_puts(&b, "  <JianLi>");
	for (size_t i = 0; i < p->nresume; i++) {
		if (i)
			buf_putc(&b, '\n');
		put_escaped(&b, p->resume[i]);
	}
	buf_puts(&b, "</JianLi>\n");
	put_fields(&b, p, resume_at, family_at);
	buf_puts(&b, "  <JiaTingChengYuan>\n");
	for (size_t i = 0; i < p->nfamily; i++) {
		buf_puts(&b, "    <Item>\n");
		for (size_t k = 0; k < COUNT(member_fields); k++)
			put_element(&b, "      ", member_fields[k].element,
			            *slot(&p->family[i], &member_fields[k]), member_fields[k].date);
		buf_puts(&b, "    </Item>\n");
	}
	buf_puts(&b, "  </JiaTingChengYuan>\n");
	put_fields(&b, p, family_at, COUNT(fields));
	buf_puts(&b, "  <ZhaoPian>");
	if (p->photo_len)
		lrmx_base64_encode(p->photo, p->photo_len, &b);
	buf_puts(&b, "</ZhaoPian>\n</Person>\n");
	*len = b.len;
	*data = buf_steal(&b);
	return XZ_OK;
}

void lrmx_person_free(struct lrmx_person *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < COUNT(fields); i++)
		free(*slot(p, &fields[i]));
	for (size_t i = 0; i < p->nresume; i++)
		free(p->resume[i]);
	free(p->resume);
	for (size_t i = 0; i < p->nfamily; i++)
		free_member(&p->family[i]);
	free(p->family);
	free(p->photo);
	memset(p, 0, sizeof(*p));
}

bool lrmx_person_equal(const struct lrmx_person *a, const struct lrmx_person *b)
{
	for (size_t i = 0; i < COUNT(fields); i++)
		if (!same(*slot((void *)a, &fields[i]), *slot((void *)b, &fields[i])))
			return false;
	if (a->nresume != b->nresume || a->nfamily != b->nfamily || a->photo_len != b->photo_len)
		return false;
	for (size_t i = 0; i < a->nresume; i++)
		if (strcmp(a->resume[i], b->resume[i]))
			return false;
	for (size_t i = 0; i < a->nfamily; i++)
		for (size_t k = 0; k < COUNT(member_fields); k++)
			if (!same(*slot(&a->family[i], &member_fields[k]),
			          *slot(&b->family[i], &member_fields[k])))
				return false;
	return !a->photo_len || !memcmp(a->photo, b->photo, a->photo_len);
}
