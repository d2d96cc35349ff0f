/*
 * Importing 任免审批表 files: one .lrmx, or a zip of many, becomes person,
 * cadre, party_member and career rows plus the photo. The work runs in two
 * passes so that a bad upload writes nothing and still reports every file
 * at fault: first every file is parsed and mapped to rows without touching
 * the database (bad 身份证号, missing names and unreadable files are found
 * here, all at once); then one transaction writes through the engine, whose
 * calls nest in it, so scope, validation and audit apply as to any other
 * write, and the first error there rolls everything back. The mappings that
 * export needs too (family text, school and major, 学历) live here.
 */
#include "domain/lrmx_dossier.h"

#include "auth/audit.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "engine/query.h"
#include "store/store.h"

#include <iconv.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* a zip is read into memory entry by entry: these bound what a hostile or
 * broken archive can make us allocate */
#define ENTRY_MAX ((zip_uint64_t)16 << 20)
#define ZIP_TOTAL_MAX ((zip_uint64_t)256 << 20)
#define ZIP_ENTRIES_MAX 20000

/* ---- text helpers ---- */

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle);
}

static size_t space_at(const char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if (!strncmp(s, "\xE3\x80\x80", 3)) /* U+3000 */
		return 3;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* ---- mappings shared with export ---- */

/* one family field as a token: spaces would shift the columns of the line */
static void put_token(struct buf *b, const char *v, bool rest)
{
	if (empty(v)) {
		buf_putc(b, '-');
		return;
	}
	for (const char *s = v; *s; s++) {
		size_t k = space_at(s);
		if (*s == '\r' || *s == '\n')
			buf_putc(b, ' ');
		else if (k && !rest)
			s += k - 1;
		else
			buf_putc(b, *s);
	}
}

char *lrmx_family_to_text(const struct lrmx_family *members, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct lrmx_family *m = &members[i];
		if (i)
			buf_putc(&b, '\n');
		put_token(&b, m->relation, false);
		buf_putc(&b, ' ');
		put_token(&b, m->name, false);
		buf_putc(&b, ' ');
		put_token(&b, m->birth, false);
		buf_putc(&b, ' ');
		put_token(&b, m->political, false);
		buf_putc(&b, ' ');
		put_token(&b, m->work, true);
	}
	return buf_steal(&b);
}

void lrmx_family_from_text(const char *text, struct lrmx_person *p)
{
	const char *s = text;
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		char *line = xstrndup(s, n);
		char *tok[5] = {0};
		char *q = line;
		for (int i = 0; i < 5; i++) {
			size_t k;
			while ((k = space_at(q)))
				q += k;
			if (!*q)
				break;
			char *start = q;
			if (i < 4)
				while (*q && !space_at(q))
					q++;
			else
				q += strlen(q);
			char *end = q;
			if (*q) {
				size_t sk = space_at(q);
				*q = '\0';
				q += sk;
			}
			tok[i] = strcmp(start, "-") && end > start ? start : NULL;
		}
		if (tok[0] || tok[1]) {
			char iso[11];
			struct lrmx_family m = {tok[0], tok[1], tok[2], tok[3], tok[4]};
			if (m.birth && lrmx_date_in(m.birth, iso))
				m.birth = iso;
			lrmx_add_family(p, &m);
		}
		free(line);
		s += n;
		while (*s == '\r' || *s == '\n')
			s++;
	}
}

static const char *const school_marks[] = {"研究生院", "科学院", "大学", "学院", "学校", "党校",
                                            NULL};

/* the earliest school mark in s: its start in *at, its length returned */
static size_t find_mark(const char *s, const char **at)
{
	size_t best_len = 0;
	*at = NULL;
	for (size_t i = 0; school_marks[i]; i++) {
		const char *f = strstr(s, school_marks[i]);
		if (f && (!*at || f < *at)) {
			*at = f;
			best_len = strlen(school_marks[i]);
		}
	}
	return best_len;
}

static size_t mark_prefix(const char *s)
{
	for (size_t i = 0; school_marks[i]; i++)
		if (!strncmp(s, school_marks[i], strlen(school_marks[i])))
			return strlen(school_marks[i]);
	return 0;
}

/* the major in what follows the school: a department (…学院, …系) in
 * front and the word 专业 behind are dropped */
static char *major_of(const char *rest)
{
	static const char *const depts[] = {"学院", "系", NULL};
	const char *best = rest;
	for (size_t i = 0; depts[i]; i++) {
		for (const char *f = strstr(rest, depts[i]); f; f = strstr(f + 1, depts[i])) {
			const char *after = f + strlen(depts[i]);
			size_t left = strlen(after);
			/* only a split that leaves a major ("国际关系专业" is no department) */
			if (left > strlen("专业") || (left && strcmp(after, "专业")))
				if (after > best)
					best = after;
		}
	}
	if (best == rest && ends_with(rest, "学院"))
		return NULL; /* a department only: 清华大学经济管理学院 */
	char *m = xstrdup(best);
	if (ends_with(m, "专业") && strlen(m) > strlen("专业"))
		m[strlen(m) - strlen("专业")] = '\0';
	else if (!strcmp(m, "专业"))
		m[0] = '\0';
	if (!*m) {
		free(m);
		return NULL;
	}
	return m;
}

void lrmx_school_split(const char *text, char **school, char **major)
{
	*school = *major = NULL;
	if (empty(text))
		return;
	char *t = xstrdup(text);
	char *sp = NULL;
	for (char *s = t; *s; s++)
		if (space_at(s)) {
			sp = s;
			break;
		}
	if (sp) {
		/* "南京大学 国际贸易": the writer's own separator */
		char *rest = sp;
		size_t k;
		while ((k = space_at(rest)))
			rest += k;
		*sp = '\0';
		*school = xstrdup(t);
		*major = *rest ? major_of(rest) : NULL;
		free(t);
		return;
	}
	const char *at;
	size_t len = find_mark(t, &at);
	if (!at) {
		*school = t;
		return;
	}
	const char *end = at + len;
	while ((len = mark_prefix(end))) /* 中国科学院大学, 中央党校研究生院 */
		end += len;
	*school = xstrndup(t, (size_t)(end - t));
	*major = *end ? major_of(end) : NULL;
	free(t);
}

static bool split_matches(const char *text, const char *school, const char *major)
{
	char *s, *m;
	lrmx_school_split(text, &s, &m);
	bool ok = !strcmp(s ? s : "", school ? school : "") && !strcmp(m ? m : "", major ? major : "");
	free(s);
	free(m);
	return ok;
}

char *lrmx_school_join(const char *school, const char *major)
{
	if (empty(school) && empty(major))
		return NULL;
	const char *sfx = !empty(major) && !ends_with(major, "专业") ? "专业" : "";
	char *joined = xasprintf("%s%s%s", school ? school : "", major ? major : "",
	                         empty(major) ? "" : sfx);
	if (split_matches(joined, school, major))
		return joined;
	free(joined);
	/* the school's name does not end where the split would guess: a space
	 * says where */
	return xasprintf("%s %s%s", school ? school : "", major ? major : "", empty(major) ? "" : sfx);
}

const char *lrmx_education_value(const char *xueli, const char *xuewei)
{
	if (empty(xueli))
		return NULL;
	if (has(xueli, "博士"))
		return "博士研究生";
	if (has(xueli, "硕士"))
		return "硕士研究生";
	if (has(xueli, "研究生"))
		return has(xuewei, "博士") ? "博士研究生" : "硕士研究生";
	if (has(xueli, "专科") || has(xueli, "大专"))
		return "大学专科";
	if (has(xueli, "本科") || has(xueli, "大学"))
		return "大学本科";
	static const char *const low[] = {"中专", "中技", "技校", "职高", "高中", "初中", "小学",
	                                   "中等", NULL};
	for (size_t i = 0; low[i]; i++)
		if (has(xueli, low[i]))
			return "中专及以下";
	return NULL;
}

const char *lrmx_degree_value(const char *xuewei)
{
	if (empty(xuewei))
		return NULL;
	if (has(xuewei, "博士"))
		return "博士";
	if (has(xuewei, "硕士"))
		return "硕士";
	if (has(xuewei, "学士"))
		return "学士";
	if (!strcmp(xuewei, "无"))
		return "无";
	return NULL;
}

/* words that begin the post part of a 现任职务 text */
static const char *const post_words[] = {
	"党组书记", "党组副书记", "党组成员", "党委书记", "党委副书记", "党委委员", "常务副",
	"副书记", "书记", "副主任", "主任", "副局长", "局长", "副处长", "处长", "副科长",
	"科长", "副部长", "部长", "副院长", "院长", "副校长", "校长", "副总经理", "总经理",
	"董事长", "副经理", "经理", "副主席", "主席", "秘书长", "副区长", "区长", "副市长",
	"市长", "副县长", "县长", "副镇长", "镇长", "副乡长", "乡长", "一级", "二级", "三级",
	"四级", "调研员", "巡视员", "科员", "委员", "组长", "副组长", "所长", "站长", "馆长",
	"行长", "会长", "社长", "厅长", "副厅长", "庭长", "检察长", "主任科员", NULL};

/* "委员会" and place names (长江, 长安…) are not posts */
static bool post_word_here(const char *at, const char *word)
{
	const char *after = at + strlen(word);
	if (!strcmp(word, "委员") && !strncmp(after, "会", strlen("会")))
		return false;
	static const char *const places[] = {"江", "安", "城", "沙", "春", "宁", NULL};
	if (ends_with(word, "长"))
		for (size_t i = 0; places[i]; i++)
			if (!strncmp(after, places[i], strlen(places[i])))
				return false;
	return true;
}

char *lrmx_unit_from_post(const char *post)
{
	if (empty(post))
		return NULL;
	const char *best = NULL;
	for (size_t i = 0; post_words[i]; i++)
		for (const char *f = strstr(post, post_words[i]); f; f = strstr(f + 1, post_words[i]))
			if (post_word_here(f, post_words[i])) {
				if (!best || f < best)
					best = f;
				break;
			}
	if (!best)
		return NULL;
	/* trailing separators of a list of posts */
	const char *end = best;
	while (end > post && (end[-1] == ' ' || end[-1] == ',' || end[-1] == ';'))
		end--;
	static const char *const seps[] = {"、", "，", "；", "\xE3\x80\x80", NULL};
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; seps[i]; i++) {
			size_t k = strlen(seps[i]);
			if ((size_t)(end - post) >= k && !strncmp(end - k, seps[i], k)) {
				end -= k;
				again = true;
			}
		}
	}
	return end > post ? xstrndup(post, (size_t)(end - post)) : NULL;
}

/* ---- the import run ---- */

struct source {
	char *name;
	const unsigned char *data;
	size_t len;
	unsigned char *owned; /* entry bytes read from a zip */
};

struct plan {
	struct source *src;
	struct lrmx_person p;
	struct lrmx_resume res;
	bool parsed;
	json_t *person;   /* person fields (no region, no version) */
	json_t *cadre;    /* cadre fields without person/region/level, NULL when no post */
	char *party_join; /* 入党时间 as a date, or NULL */
	const char *photo_mime;
	json_t *warnings; /* strings */
	int64_t person_id;
	bool created;
};

struct import {
	struct engine_ctx *ctx;
	struct lrmx_import_opts opts;
	const char *upload; /* file name of the upload for messages */
	json_t *files, *skipped, *errors;
	struct source *src;
	size_t nsrc;
	struct plan *plans;
	int64_t region_id; /* for new rows, once resolved */
	char cadre_level[8];
	bool region_done;
	int created, updated;
};

static void add_error(struct import *im, const char *file, const char *field, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_error(struct import *im, const char *file, const char *field, const char *code,
                      const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char *full = xasprintf("%s：%s", file, msg);
	json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "file", file, "field", field, "code", code,
	                      "message", full);
	if (!e) /* a message cut inside a character: keep the parts that are whole */
		e = json_pack("{s:s, s:s, s:s, s:s}", "file", file, "field", field, "code", code,
		              "message", file);
	json_array_append_new(im->errors, e);
	free(full);
}

static void warn(struct plan *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct plan *pl, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *s = json_string(msg);
	json_array_append_new(pl->warnings, s ? s : json_string("（提示文字无法显示）"));
}

/* ---- reading the upload ---- */

static bool is_zip(const unsigned char *d, size_t len)
{
	return len >= 4 && d[0] == 'P' && d[1] == 'K' &&
	       ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6));
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcasecmp(s + n - k, suffix);
}

/* An entry name as UTF-8: zips made on Chinese Windows store names in GBK
 * without the UTF-8 flag, so anything that is not UTF-8 is read as GB18030. */
static char *entry_name(const char *raw)
{
	size_t n = strlen(raw);
	if (util_utf8_valid(raw, n))
		return xstrdup(raw);
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd != (iconv_t)-1) {
		size_t cap = n * 4 + 1, left_in = n, left_out = cap - 1;
		char *out = xmalloc(cap), *in = (char *)raw, *o = out;
		size_t rc = iconv(cd, &in, &left_in, &o, &left_out);
		iconv_close(cd);
		if (rc != (size_t)-1 && !left_in) {
			*o = '\0';
			if (util_utf8_valid(out, (size_t)(o - out)))
				return out;
		}
		free(out);
	}
	char *copy = xstrdup(raw);
	for (char *s = copy; *s; s++)
		if (*s & 0x80)
			*s = '?';
	return copy;
}

static void add_source(struct import *im, char *name, const unsigned char *data, size_t len,
                       unsigned char *owned)
{
	im->src = xrealloc(im->src, (im->nsrc + 1) * sizeof(*im->src));
	im->src[im->nsrc++] = (struct source){name, data, len, owned};
}

static void skip(struct import *im, const char *file, const char *reason)
{
	json_array_append_new(im->skipped, json_pack("{s:s, s:s}", "file", file, "reason", reason));
}

static void read_zip(struct import *im, const void *data, size_t len)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *zs = zip_source_buffer_create(data, len, 0, &zerr);
	zip_t *za = zs ? zip_open_from_source(zs, ZIP_RDONLY, &zerr) : NULL;
	if (!za) {
		add_error(im, im->upload, "file", "bad_zip", "不是有效的 zip 压缩包（%s）",
		          zip_error_strerror(&zerr));
		zip_source_free(zs);
		zip_error_fini(&zerr);
		return;
	}
	zip_error_fini(&zerr);
	zip_int64_t n = zip_get_num_entries(za, 0);
	zip_uint64_t total = 0;
	if (n > ZIP_ENTRIES_MAX) {
		add_error(im, im->upload, "file", "too_many_files", "压缩包内文件过多（%" PRId64
		          " 个，最多 %d 个）", (int64_t)n, ZIP_ENTRIES_MAX);
		n = 0;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW, &st) || !st.name)
			continue;
		char *name = entry_name(st.name);
		const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		if (ends_with(name, "/")) { /* a folder */
			free(name);
			continue;
		}
		if (strstr(name, "__MACOSX/") || !strncmp(base, "._", 2)) {
			skip(im, name, "macOS 附加的资源文件，不是任免审批表");
			free(name);
			continue;
		}
		if (!ends_with_ci(name, ".lrmx")) {
			skip(im, name, ends_with_ci(name, ".lrm")
			                       ? "第2版 .lrm 文件暂不支持，请在任免审批表软件中另存为 .lrmx"
			                       : "不是 .lrmx 文件");
			free(name);
			continue;
		}
		if (!(st.valid & ZIP_STAT_SIZE) || st.size > ENTRY_MAX || total + st.size > ZIP_TOTAL_MAX) {
			add_error(im, name, "file", "too_large", "文件过大（单个不超过 %d MiB，合计不超过 %d MiB）",
			          (int)(ENTRY_MAX >> 20), (int)(ZIP_TOTAL_MAX >> 20));
			free(name);
			continue;
		}
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		unsigned char *bytes = xmalloc(st.size + 1);
		zip_int64_t got = zf ? zip_fread(zf, bytes, st.size) : -1;
		if (zf)
			zip_fclose(zf);
		if (got < 0 || (zip_uint64_t)got != st.size) {
			add_error(im, name, "file", "bad_zip", "无法从压缩包中读出（文件损坏或已加密）");
			free(bytes);
			free(name);
			continue;
		}
		total += st.size;
		add_source(im, name, bytes, st.size, bytes);
	}
	zip_discard(za);
	if (!im->nsrc && !json_array_size(im->errors))
		add_error(im, im->upload, "file", "no_lrmx", "压缩包中没有 .lrmx 文件");
}

/* ---- pass 1: files to rows ---- */

static const char *photo_mime(const unsigned char *d, size_t n)
{
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "image/gif";
	if (n >= 2 && d[0] == 'B' && d[1] == 'M')
		return "image/bmp";
	return NULL;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (!empty(v))
		json_object_set_new(o, key, json_string(v));
}

static void set_own(json_t *o, const char *key, char *v)
{
	set_str(o, key, v);
	free(v);
}

/* 身份证号 without spaces, a lower-case x made upper */
static char *clean_idcard(const char *s)
{
	char *out = xstrdup(s);
	char *o = out;
	for (const char *p = s; *p; p++) {
		size_t k = space_at(p);
		if (k) {
			p += k - 1;
			continue;
		}
		*o++ = *p == 'x' ? 'X' : *p;
	}
	*o = '\0';
	return out;
}

static const char *enum_in(const char *field_name, const char *entity, const char *text)
{
	/* the longest value of the descriptor's list that the text contains */
	const struct field *f = model_field(model_find(entity), field_name);
	const char *best = NULL;
	for (size_t i = 0; f && f->enum_values && f->enum_values[i]; i++)
		if (has(text, f->enum_values[i]) && (!best || strlen(f->enum_values[i]) > strlen(best)))
			best = f->enum_values[i];
	return best;
}

static const char *position_level_of(const char *post)
{
	static const struct {
		const char *word, *level;
	} marks[] = {
		{"正厅", "厅局级正职"}, {"副厅", "厅局级副职"}, {"正局级", "厅局级正职"},
		{"副局级", "厅局级副职"}, {"正处", "县处级正职"}, {"副处", "县处级副职"},
		{"正县", "县处级正职"}, {"副县级", "县处级副职"}, {"正科", "乡科级正职"},
		{"副科", "乡科级副职"},
	};
	for (size_t i = 0; i < COUNT(marks); i++)
		if (has(post, marks[i].word))
			return marks[i].level;
	return NULL;
}

static const char *political_of(const char *text)
{
	static const char *const parties[] = {"民革", "民盟", "民建", "民进", "农工", "致公",
	                                      "九三", "台盟", "民主党派", NULL};
	for (size_t i = 0; parties[i]; i++)
		if (has(text, parties[i]))
			return "民主党派";
	if (has(text, "无党派"))
		return "无党派人士";
	if (has(text, "团员"))
		return "共青团员";
	if (has(text, "群众"))
		return "群众";
	return NULL;
}

static void map_person(struct import *im, struct plan *pl)
{
	const char *file = pl->src->name;
	struct lrmx_person *p = &pl->p;
	json_t *o = pl->person = json_object();
	char today[11], msg[200] = "";
	util_today(today, sizeof(today));

	if (empty(p->name))
		add_error(im, file, "XingMing", "required", "姓名（XingMing）为空");
	set_str(o, "name", p->name);

	char birth[11] = "";
	const char *id_gender = NULL;
	if (empty(p->idcard)) {
		add_error(im, file, "ShenFenZheng", "required", "身份证号（ShenFenZheng）为空，无法确定人员");
	} else {
		char *id = clean_idcard(p->idcard);
		if (valid_idcard(id, today, msg, sizeof(msg)) != VALID_OK) {
			add_error(im, file, "ShenFenZheng", "invalid_idcard", "身份证号（ShenFenZheng）无效：%s",
			          msg);
		} else {
			valid_idcard_birth(id, birth);
			id_gender = valid_idcard_gender(id);
			set_str(o, "idcard", id);
		}
		free(id);
	}
	if (!empty(p->gender) && id_gender) {
		const char *g = has(p->gender, "男") ? "男" : has(p->gender, "女") ? "女" : NULL;
		if (!g)
			warn(pl, "性别“%s”无法识别，已按身份证号取“%s”", p->gender, id_gender);
		else if (strcmp(g, id_gender))
			add_error(im, file, "XingBie", "idcard_mismatch", "性别“%s”与身份证号（%s）不一致",
			          p->gender, id_gender);
	}
	if (id_gender)
		set_str(o, "gender", id_gender);
	if (!empty(p->birth) && birth[0]) {
		char iso[11];
		if (!lrmx_date_in(p->birth, iso))
			warn(pl, "出生年月“%s”无法识别，已按身份证号取 %s", p->birth, birth);
		/* a file gives the month only (day 01): compare what it gives */
		else if (strncmp(iso, birth, 7) || (strcmp(iso + 8, "01") && strcmp(iso, birth)))
			add_error(im, file, "ChuShengNianYue", "idcard_mismatch",
			          "出生年月 %.7s 与身份证号中的出生日期 %s 不一致", iso, birth);
	}
	set_str(o, "birth_date", birth);
	set_str(o, "ethnicity", p->ethnicity);
	set_str(o, "native_place", p->native_place);

	const char *xueli = p->ft_education, *xuewei = p->ft_degree, *school = p->ft_edu_school;
	if (empty(xueli) && empty(xuewei)) { /* no full-time education: the in-service one */
		xueli = p->pt_education;
		xuewei = p->pt_degree;
		school = p->pt_edu_school;
	}
	const char *edu = lrmx_education_value(xueli, xuewei);
	if (!empty(xueli) && !edu)
		warn(pl, "学历“%s”无法对应到学历分类，未导入", xueli);
	set_str(o, "education", edu);
	const char *deg = lrmx_degree_value(xuewei);
	if (!empty(xuewei) && !deg)
		warn(pl, "学位“%s”无法对应到学位分类，未导入", xuewei);
	set_str(o, "degree", deg);
	if (empty(school))
		school = xuewei == p->ft_degree ? p->ft_deg_school : p->pt_deg_school;
	char *sch, *major;
	lrmx_school_split(school, &sch, &major);
	set_own(o, "school", sch);
	set_own(o, "major", major);
	set_str(o, "title", p->title);

	if (!empty(p->party_date)) {
		char iso[11];
		if (lrmx_date_in(p->party_date, iso)) {
			set_str(o, "political_status", "中共党员");
			pl->party_join = xstrdup(iso);
		} else if (political_of(p->party_date)) {
			set_str(o, "political_status", political_of(p->party_date));
		} else {
			warn(pl, "入党时间“%s”无法识别，未导入", p->party_date);
		}
	}
	if (!empty(p->work_start)) {
		char iso[11];
		if (lrmx_date_in(p->work_start, iso))
			set_str(o, "work_start", iso);
		else
			warn(pl, "参加工作时间“%s”无法识别，未导入", p->work_start);
	}
	if (p->nfamily)
		set_own(o, "family", lrmx_family_to_text(p->family, p->nfamily));
}

static void map_cadre(struct import *im, struct plan *pl)
{
	const char *file = pl->src->name;
	struct lrmx_person *p = &pl->p;
	if (empty(p->post)) {
		warn(pl, "现任职务（XianRenZhiWu）为空，未登记干部信息");
		return;
	}
	char *unit = !empty(p->reporting_unit) ? xstrdup(p->reporting_unit)
	                                       : lrmx_unit_from_post(p->post);
	if (!unit) {
		add_error(im, file, "XianRenZhiWu", "unit_unknown",
		          "无法从现任职务“%s”中识别工作单位，请填写呈报单位（ChengBaoDanWei）", p->post);
		return;
	}
	json_t *o = pl->cadre = json_object();
	set_str(o, "post", p->post);
	set_own(o, "unit", unit);
	set_str(o, "rank", enum_in("rank", "cadre", p->post));
	set_str(o, "position_level", position_level_of(p->post));
	/* the open period of the 简历 is the current post */
	for (size_t i = pl->res.nperiods; i-- > 0;)
		if (!pl->res.periods[i].end) {
			set_str(o, "appointed", pl->res.periods[i].start);
			break;
		}
}

static void map_file(struct import *im, struct plan *pl)
{
	char msg[300] = "";
	pl->warnings = json_array();
	if (ends_with_ci(pl->src->name, ".lrm")) {
		add_error(im, pl->src->name, "file", "lrm_v2",
		          "第2版 .lrm 文件暂不支持，请在任免审批表软件中另存为 .lrmx");
		return;
	}
	if (lrmx_parse(pl->src->data, pl->src->len, &pl->p, msg, sizeof(msg))) {
		add_error(im, pl->src->name, "file", "bad_lrmx", "%s", msg);
		return;
	}
	pl->parsed = true;
	lrmx_resume_parse(pl->p.resume, pl->p.nresume, &pl->res);
	if (!pl->res.nperiods && pl->res.nunparsed)
		add_error(im, pl->src->name, "JianLi", "resume_unparsed",
		          "简历中没有一行能识别为任职经历（应为“YYYY.MM--YYYY.MM  单位及职务”），"
		          "未能识别的 %zu 行无处保存，请修正后再导入",
		          pl->res.nunparsed);
	else if (pl->res.nunparsed)
		warn(pl, "简历有 %zu 行未能识别为任职经历（见 unparsed_lines），原文保留在相邻任职经历的“简历原文”中",
		     pl->res.nunparsed);
	map_person(im, pl);
	map_cadre(im, pl);
	/* the form's fields xinzhi has no place for: say so rather than drop them silently */
	const struct lrmx_person *p = &pl->p;
	const struct {
		const char *label, *value;
	} unkept[] = {
		{"出生地", p->birth_place},    {"健康状况", p->health},
		{"熟悉专业有何专长", p->expertise}, {"奖惩情况", p->rewards},
		{"年度考核结果", p->assessment}, {"拟任职务", p->proposed_post},
		{"拟免职务", p->proposed_removal}, {"任免理由", p->reason},
	};
	struct buf names = BUF_INIT;
	for (size_t i = 0; i < COUNT(unkept); i++)
		if (!empty(unkept[i].value))
			buf_printf(&names, "%s%s", names.len ? "、" : "", unkept[i].label);
	bool full_time = !empty(p->ft_education) || !empty(p->ft_degree);
	if (full_time && (!empty(p->pt_education) || !empty(p->pt_degree)))
		buf_printf(&names, "%s在职教育", names.len ? "、" : "");
	if (names.len)
		warn(pl, "以下内容系统暂不保存，导出时为空：%s", buf_cstr(&names));
	buf_free(&names);
	if (pl->p.photo_len) {
		pl->photo_mime = photo_mime(pl->p.photo, pl->p.photo_len);
		if (!pl->photo_mime) {
			warn(pl, "照片格式无法识别（不是 JPEG/PNG/GIF/BMP），按原样保存");
			pl->photo_mime = "application/octet-stream";
		}
	}
}

/* ---- pass 2: writing through the engine ---- */

/* Turns the engine's error details of a failed call into report errors. */
static void engine_errors(struct import *im, struct plan *pl, const struct entity *e,
                          enum xz_result r)
{
	const char *file = pl ? pl->src->name : im->upload;
	json_t *d;
	size_t i;
	json_array_foreach(im->ctx->errs.details, i, d) {
		const char *field = json_string_value(json_object_get(d, "field"));
		const char *code = json_string_value(json_object_get(d, "code"));
		char where[96];
		snprintf(where, sizeof(where), "%s.%s", e->name, field ? field : "");
		add_error(im, file, where, code ? code : result_info(r)->code, "%s：%s", e->label,
		          json_string_value(json_object_get(d, "message")));
	}
	if (!json_array_size(im->ctx->errs.details))
		add_error(im, file, e->name, result_info(r)->code, "%s：%s", e->label,
		          im->ctx->message[0] ? im->ctx->message : result_info(r)->message);
}

static void clear_errs(struct engine_ctx *ctx)
{
	json_array_clear(ctx->errs.details);
	json_array_clear(ctx->errs.warnings);
	ctx->message[0] = '\0';
}

/* id and version of the first row of a one-filter list, 0 when none */
static enum xz_result find_one(struct import *im, const struct entity *e, const char *key,
                               const char *value, int64_t *id, int64_t *version)
{
	struct kv params[] = {{key, value}, {"size", "1"}};
	json_t *out = NULL;
	*id = *version = 0;
	clear_errs(im->ctx);
	enum xz_result r = engine_list(im->ctx, e, params, COUNT(params), &out);
	if (!r) {
		json_t *row = json_array_get(json_object_get(out, "items"), 0);
		*id = json_integer_value(json_object_get(row, "id"));
		*version = json_integer_value(json_object_get(row, "version"));
	}
	json_decref(out);
	return r;
}

/* Creates or updates (when id is set) a row; *new_id gets the row's id. */
static enum xz_result upsert(struct import *im, struct plan *pl, const struct entity *e,
                             int64_t id, int64_t version, json_t *fields, int64_t *new_id)
{
	json_t *out = NULL;
	clear_errs(im->ctx);
	enum xz_result r;
	if (id) {
		json_object_set_new(fields, "version", json_integer(version));
		r = engine_update(im->ctx, e, id, fields, &out);
	} else {
		r = engine_create(im->ctx, e, fields, &out);
	}
	if (r)
		engine_errors(im, pl, e, r);
	else if (new_id)
		*new_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return r;
}

/* The region of rows the import creates: the option, else the actor's home
 * region in its scope (query_scope_home_region), else the city (the one region without a parent). */
static enum xz_result need_region(struct import *im, struct plan *pl)
{
	if (im->region_done)
		return im->region_id ? XZ_OK : XZ_ERR_VALIDATION;
	im->region_done = true;
	const struct entity *re = model_find("region");
	const char *file = pl ? pl->src->name : im->upload;
	int64_t id = im->opts.region_id;
	const char *home = query_scope_home_region(im->ctx->actor);
	if (!id && home)
		id = engine_find_id(im->ctx->db, re, "code", home);
	if (!id) {
		int64_t roots = 0;
		store_query_int(im->ctx->db,
		                "SELECT count(*) FROM region WHERE parent_id IS NULL AND deleted_at IS NULL",
		                &roots, 0, NULL);
		if (roots == 1)
			store_query_int(im->ctx->db,
			                "SELECT id FROM region WHERE parent_id IS NULL AND deleted_at IS NULL",
			                &id, 0, NULL);
	}
	if (!id) {
		add_error(im, file, "region_id", "region_required",
		          "无法确定新登记人员的所属区划，请用 region_id 指定");
		return XZ_ERR_VALIDATION;
	}
	json_t *row = NULL;
	clear_errs(im->ctx);
	enum xz_result r = engine_get(im->ctx, re, id, &row);
	if (r == XZ_ERR_NOT_FOUND) {
		add_error(im, file, "region_id", "out_of_scope",
		          "所选区划（ID %" PRId64 "）不存在或超出您的数据范围", id);
		return XZ_ERR_VALIDATION;
	}
	if (r)
		return r;
	const char *level = json_string_value(json_object_get(row, "level"));
	snprintf(im->cadre_level, sizeof(im->cadre_level), "%s",
	         !level || !strcmp(level, "市") ? "市" : !strcmp(level, "区县") ? "县" : "乡");
	im->region_id = id;
	json_decref(row);
	return XZ_OK;
}

static enum xz_result write_photo(struct import *im, struct plan *pl)
{
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(im->ctx->db, "DELETE FROM person_photo WHERE person_id = ?",
	                                 &st);
	if (r)
		return r;
	store_bind_int(st, 1, pl->person_id);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st) ? store_stmt_result(st) : XZ_ERR_STORE;
	store_finalize(st);
	st = NULL;
	if (r)
		return r;
	r = store_prepare(im->ctx->db,
	                  "INSERT INTO person_photo (person_id, mime, data) VALUES (?, ?, ?)", &st);
	if (r)
		return r;
	store_bind_int(st, 1, pl->person_id);
	store_bind_text(st, 2, pl->photo_mime);
	store_bind_blob(st, 3, pl->p.photo, pl->p.photo_len);
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st) ? store_stmt_result(st) : XZ_ERR_STORE;
	store_finalize(st);
	return r;
}

static enum xz_result write_person(struct import *im, struct plan *pl)
{
	const struct entity *pe = model_find("person");
	int64_t id, version;
	const char *idcard = json_string_value(json_object_get(pl->person, "idcard"));
	enum xz_result r = find_one(im, pe, "idcard", idcard, &id, &version);
	if (r) {
		engine_errors(im, pl, pe, r);
		return r;
	}
	json_t *fields = json_deep_copy(pl->person);
	if (!id || im->opts.region_id) {
		if ((r = need_region(im, pl))) {
			json_decref(fields);
			return r;
		}
		json_object_set_new(fields, "region_id", json_integer(im->region_id));
	}
	pl->created = !id;
	r = upsert(im, pl, pe, id, version, fields, &pl->person_id);
	json_decref(fields);
	if (!r && pl->p.photo_len)
		r = write_photo(im, pl);
	return r;
}

static enum xz_result write_cadre(struct import *im, struct plan *pl)
{
	const struct entity *ce = model_find("cadre");
	char pid[24];
	int64_t id, version;
	snprintf(pid, sizeof(pid), "%" PRId64, pl->person_id);
	enum xz_result r = find_one(im, ce, "person_id", pid, &id, &version);
	if (r) {
		engine_errors(im, pl, ce, r);
		return r;
	}
	json_t *fields = json_deep_copy(pl->cadre);
	if (!id)
		json_object_set_new(fields, "person_id", json_integer(pl->person_id));
	if (!id || im->opts.region_id) {
		if ((r = need_region(im, pl))) {
			json_decref(fields);
			return r;
		}
		json_object_set_new(fields, "region_id", json_integer(im->region_id));
		json_object_set_new(fields, "level", json_string(im->cadre_level));
	}
	r = upsert(im, pl, ce, id, version, fields, NULL);
	json_decref(fields);
	return r;
}

static enum xz_result write_party(struct import *im, struct plan *pl)
{
	const struct entity *me = model_find("party_member");
	char pid[24];
	int64_t id, version;
	snprintf(pid, sizeof(pid), "%" PRId64, pl->person_id);
	enum xz_result r = find_one(im, me, "person_id", pid, &id, &version);
	if (r) {
		engine_errors(im, pl, me, r);
		return r;
	}
	json_t *fields = json_pack("{s:s}", "join_date", pl->party_join);
	if (!id) {
		/* the file names no party organization: that of the unit stands in */
		const char *org = json_string_value(json_object_get(pl->cadre, "unit"));
		json_object_set_new(fields, "person_id", json_integer(pl->person_id));
		json_object_set_new(fields, "org_name", json_string(org ? org : "（待补充）"));
		json_object_set_new(fields, "status", json_string("正式党员"));
	}
	r = upsert(im, pl, me, id, version, fields, NULL);
	json_decref(fields);
	return r;
}

/* The raw text a career keeps: its own line(s) plus the unparsed lines
 * that follow it (and, for the first, those before it), so that export can
 * put every line back in its place. */
static char *career_raw(const struct lrmx_resume *res, size_t k)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < res->nunparsed; i++)
		if (k == 0 && res->unparsed[i].after == 0)
			buf_printf(&b, "%s\n", res->unparsed[i].text);
	buf_puts(&b, res->periods[k].raw);
	for (size_t i = 0; i < res->nunparsed; i++)
		if (res->unparsed[i].after == k + 1)
			buf_printf(&b, "\n%s", res->unparsed[i].text);
	return buf_steal(&b);
}

static enum xz_result write_careers(struct import *im, struct plan *pl)
{
	const struct entity *ke = model_find("career");
	char pid[24];
	enum xz_result r = XZ_OK;
	snprintf(pid, sizeof(pid), "%" PRId64, pl->person_id);
	/* the file's 简历 replaces what was there */
	for (int round = 0; round < 1000; round++) {
		struct kv params[] = {{"person_id", pid}, {"size", "200"}};
		json_t *out = NULL, *row;
		size_t i;
		clear_errs(im->ctx);
		if ((r = engine_list(im->ctx, ke, params, COUNT(params), &out))) {
			engine_errors(im, pl, ke, r);
			return r;
		}
		json_t *items = json_object_get(out, "items");
		size_t n = json_array_size(items);
		json_array_foreach(items, i, row) {
			clear_errs(im->ctx);
			r = engine_delete(im->ctx, ke, json_integer_value(json_object_get(row, "id")));
			if (r) {
				engine_errors(im, pl, ke, r);
				break;
			}
		}
		json_decref(out);
		if (r || !n)
			break;
	}
	for (size_t k = 0; !r && k < pl->res.nperiods; k++) {
		const struct lrmx_period *per = &pl->res.periods[k];
		json_t *f = json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)pl->person_id,
		                      "start_date", per->start, "unit_post", per->text);
		if (per->end)
			json_object_set_new(f, "end_date", json_string(per->end));
		char *raw = career_raw(&pl->res, k);
		json_object_set_new(f, "raw_line", json_string(raw));
		free(raw);
		r = upsert(im, pl, ke, 0, 0, f, NULL);
		json_decref(f);
	}
	return r;
}

static enum xz_result write_plan(struct import *im, struct plan *pl)
{
	enum xz_result r = write_person(im, pl);
	if (!r && pl->cadre)
		r = write_cadre(im, pl);
	if (!r && pl->party_join)
		r = write_party(im, pl);
	if (!r)
		r = write_careers(im, pl);
	if (r)
		return r;
	json_t *unparsed = json_array();
	for (size_t i = 0; i < pl->res.nunparsed; i++)
		json_array_append_new(unparsed, json_pack("{s:I, s:s}", "line",
		                                          (json_int_t)pl->res.unparsed[i].line, "text",
		                                          pl->res.unparsed[i].text));
	json_array_append_new(
	        im->files,
	        json_pack("{s:s, s:I, s:s, s:s, s:I, s:o, s:O, s:b}", "file", pl->src->name,
	                  "person_id", (json_int_t)pl->person_id, "name", pl->p.name, "action",
	                  pl->created ? "created" : "updated", "careers",
	                  (json_int_t)pl->res.nperiods, "unparsed_lines", unparsed, "warnings",
	                  pl->warnings, "photo", pl->p.photo_len > 0));
	if (pl->created)
		im->created++;
	else
		im->updated++;
	return XZ_OK;
}

static enum xz_result write_all(struct import *im)
{
	struct engine_ctx *ctx = im->ctx;
	enum xz_result r = store_begin(ctx->db);
	if (r)
		return r;
	if (im->opts.region_id && (r = need_region(im, NULL)))
		goto fail;
	for (size_t i = 0; i < im->nsrc; i++)
		if ((r = write_plan(im, &im->plans[i])))
			goto fail;
	json_t *ids = json_array();
	for (size_t i = 0; i < im->nsrc; i++)
		json_array_append_new(ids, json_integer(im->plans[i].person_id));
	json_t *d = json_pack("{s:s, s:I, s:i, s:i, s:I, s:b, s:o}", "file", im->upload, "files",
	                      (json_int_t)im->nsrc, "created", im->created, "updated", im->updated,
	                      "skipped", (json_int_t)json_array_size(im->skipped), "dry_run",
	                      im->opts.dry_run, "person_ids", ids);
	r = audit_write(ctx->db, ctx->actor, "import_lrmx", "person", 0, "ok", d);
	json_decref(d);
	if (r)
		goto fail;
	if (im->opts.dry_run) {
		store_rollback(ctx->db);
		return XZ_OK;
	}
	if ((r = store_commit(ctx->db)))
		goto fail;
	const struct entity *person = model_find("person");
	if (person->changed && !store_in_tx(ctx->db))
		person->changed(person, 0, CHANGE_MANY); /* the files' people became visible */
	return XZ_OK;
fail:
	/* an engine call that failed has rolled back already; this is for the rest */
	store_rollback(ctx->db);
	json_array_clear(im->files);
	im->created = im->updated = 0;
	return r;
}

enum xz_result lrmx_import(struct engine_ctx *ctx, const void *data, size_t len,
                           const char *filename, const struct lrmx_import_opts *opts,
                           json_t **report)
{
	struct import im = {
		.ctx = ctx,
		.upload = !empty(filename) && util_utf8_valid(filename, strlen(filename))
		                  ? filename
		                  : "上传的文件",
		.files = json_array(),
		.skipped = json_array(),
		.errors = json_array(),
	};
	if (opts)
		im.opts = *opts;
	enum xz_result r = XZ_OK;
	if (!(ctx->actor->perms & PERM_DATA_WRITE)) {
		r = XZ_ERR_FORBIDDEN;
		goto out;
	}
	if (is_zip(data, len) || (filename && ends_with_ci(filename, ".zip")))
		read_zip(&im, data, len);
	else
		add_source(&im, xstrdup(im.upload), data, len, NULL);

	im.plans = xcalloc(im.nsrc ? im.nsrc : 1, sizeof(*im.plans));
	for (size_t i = 0; i < im.nsrc; i++) {
		im.plans[i].src = &im.src[i];
		map_file(&im, &im.plans[i]);
	}
	if (json_array_size(im.errors)) {
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	r = write_all(&im);
	if (r && !json_array_size(im.errors))
		add_error(&im, im.upload, "", result_info(r)->code, "%s",
		          ctx->message[0] ? ctx->message : result_info(r)->message);
	/* what the engine refused about a row is a fault of the file: the
	 * report names the file and the field */
	if (r == XZ_ERR_DUPLICATE || r == XZ_ERR_CONFLICT || r == XZ_ERR_NOT_FOUND ||
	    r == XZ_ERR_REFERENCED || r == XZ_ERR_BAD_REQUEST)
		r = XZ_ERR_VALIDATION;
out:
	*report = json_pack("{s:o, s:o, s:o, s:i, s:i, s:b}", "files", im.files, "skipped",
	                    im.skipped, "errors", im.errors, "created", im.created, "updated",
	                    im.updated, "dry_run", im.opts.dry_run);
	for (size_t i = 0; im.plans && i < im.nsrc; i++) {
		struct plan *pl = &im.plans[i];
		lrmx_person_free(&pl->p);
		lrmx_resume_free(&pl->res);
		json_decref(pl->person);
		json_decref(pl->cadre);
		json_decref(pl->warnings);
		free(pl->party_join);
	}
	for (size_t i = 0; i < im.nsrc; i++) {
		free(im.src[i].name);
		free(im.src[i].owned);
	}
	free(im.plans);
	free(im.src);
	return r;
}
