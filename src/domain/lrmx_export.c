/*
 * A person's 任免审批表 out of xinzhi: the .lrmx file and the printable A4
 * page. Both are built from one dossier gathered through the engine (so
 * the actor's data scope decides what can be exported) plus the sealed
 * personal data and the photo. 简历 lines are regenerated from the careers,
 * except that a career still matching the line it was imported from gives
 * back that line as written, and the lines an import could not read (kept
 * in the neighbouring career's raw text) come back in their places: an
 * exported file imports to the same careers and loses nothing.
 */
#include "domain/lrmx_dossier.h"

#include "auth/audit.h"
#include "auth/crypto.h"
#include "core/mem.h"
#include "core/util.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool empty(const char *s)
{
	return !s || !*s;
}

static const char *str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

static char *dup_or_null(const char *s)
{
	return empty(s) ? NULL : xstrdup(s);
}

/* ---- gathering the dossier ---- */

/* Every row of entity for the person, in sort order; *items is an array. */
static enum xz_result person_rows(struct engine_ctx *ctx, const char *entity, int64_t person_id,
                                  const char *sort, json_t **items)
{
	char pid[24], page[16];
	snprintf(pid, sizeof(pid), "%" PRId64, person_id);
	*items = json_array();
	for (int p = 1; p < 1000; p++) {
		snprintf(page, sizeof(page), "%d", p);
		struct kv params[] = {{"person_id", pid}, {"size", "200"}, {"page", page}, {"sort", sort}};
		json_t *out = NULL;
		enum xz_result r = engine_list(ctx, model_find(entity), params, COUNT(params), &out);
		if (r)
			return r;
		json_t *got = json_object_get(out, "items");
		json_array_extend(*items, got);
		bool more = json_array_size(*items) < (size_t)json_integer_value(json_object_get(out, "total")) &&
		            json_array_size(got) > 0;
		json_decref(out);
		if (!more)
			break;
	}
	return XZ_OK;
}

/* The clear 身份证号 and family of a person the actor can see. */
static enum xz_result read_sealed(struct engine_ctx *ctx, int64_t id, char **idcard, char **family)
{
	struct store_stmt *st = NULL;
	*idcard = *family = NULL;
	enum xz_result r = store_prepare(ctx->db, "SELECT idcard, family FROM person WHERE id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW) {
		store_finalize(st);
		return XZ_ERR_NOT_FOUND;
	}
	char **outs[] = {idcard, family};
	for (int i = 0; i < 2 && !r; i++) {
		const char *v = store_column_text(st, i);
		if (!v)
			continue;
		if (!crypto_is_sealed(v)) { /* written before sealing existed */
			*outs[i] = xstrdup(v);
		} else if (crypto_open(v, outs[i]) != XZ_OK) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "个人信息无法解密：数据密钥与数据库不符");
			r = XZ_ERR_INTERNAL;
		}
	}
	store_finalize(st);
	if (r) {
		free(*idcard);
		free(*family);
		*idcard = *family = NULL;
	}
	return r;
}

static enum xz_result read_photo(struct engine_ctx *ctx, int64_t id, struct lrmx_person *p,
                                 char **mime)
{
	struct store_stmt *st = NULL;
	*mime = NULL;
	enum xz_result r = store_prepare(ctx->db,
	                                 "SELECT mime, data FROM person_photo WHERE person_id = ?", &st);
	if (r)
		return r;
	store_bind_int(st, 1, id);
	if (store_step(st) == STORE_ROW) {
		size_t n = 0;
		const void *d = store_column_blob(st, 1, &n);
		if (d && n) {
			p->photo = xmalloc(n);
			memcpy(p->photo, d, n);
			p->photo_len = n;
			*mime = dup_or_null(store_column_text(st, 0));
		}
	}
	store_finalize(st);
	return XZ_OK;
}

static bool same(const char *a, const char *b)
{
	return empty(a) ? empty(b) : !empty(b) && !strcmp(a, b);
}

static void add_lines(struct lrmx_person *p, const char *text)
{
	char *copy = xstrdup(text), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		lrmx_add_resume_line(p, l);
	free(copy);
}

/* The 简历 lines of one career, with the unreadable lines stored beside it. */
static void career_lines(json_t *c, struct lrmx_person *p)
{
	const char *start = str(c, "start_date"), *end = str(c, "end_date");
	const char *text = str(c, "unit_post"), *raw = str(c, "raw_line");
	struct buf line = BUF_INIT;
	lrmx_resume_format(start, end, text, &line);
	if (empty(raw)) {
		lrmx_add_resume_line(p, buf_cstr(&line));
		buf_free(&line);
		return;
	}
	struct lrmx_person tmp = {0};
	struct lrmx_resume res;
	lrmx_split_resume(&tmp, raw);
	lrmx_resume_parse(tmp.resume, tmp.nresume, &res);
	for (size_t i = 0; i < res.nunparsed; i++)
		if (res.unparsed[i].after == 0)
			lrmx_add_resume_line(p, res.unparsed[i].text);
	const struct lrmx_period *per = res.nperiods == 1 ? &res.periods[0] : NULL;
	if (per && same(per->start, start) && same(per->end, end) && same(per->text, text))
		add_lines(p, per->raw); /* unchanged since the import: as it was written */
	else
		lrmx_add_resume_line(p, buf_cstr(&line));
	for (size_t i = 0; i < res.nunparsed; i++)
		if (res.unparsed[i].after > 0)
			lrmx_add_resume_line(p, res.unparsed[i].text);
	lrmx_resume_free(&res);
	lrmx_person_free(&tmp);
	buf_free(&line);
}

struct dossier {
	struct lrmx_person p;
	char *photo_mime;
	bool family_hidden; /* masked view: the family is not shown */
};

static void dossier_free(struct dossier *d)
{
	lrmx_person_free(&d->p);
	free(d->photo_mime);
}

static enum xz_result load_dossier(struct engine_ctx *ctx, int64_t id, bool clear,
                                   struct dossier *d)
{
	json_t *person = NULL, *cadres = NULL, *parties = NULL, *careers = NULL;
	char *idcard = NULL, *family = NULL;
	struct lrmx_person *p = &d->p;
	memset(d, 0, sizeof(*d));
	enum xz_result r = engine_get(ctx, model_find("person"), id, &person);
	if (r)
		goto out;
	if (clear && (r = read_sealed(ctx, id, &idcard, &family)))
		goto out;
	if ((r = person_rows(ctx, "cadre", id, "id", &cadres)) ||
	    (r = person_rows(ctx, "party_member", id, "id", &parties)) ||
	    (r = person_rows(ctx, "career", id, "start_date", &careers)) ||
	    (r = read_photo(ctx, id, p, &d->photo_mime)))
		goto out;
	json_t *cadre = json_array_get(cadres, 0), *party = json_array_get(parties, 0);
	size_t i;

	p->name = dup_or_null(str(person, "name"));
	p->gender = dup_or_null(str(person, "gender"));
	p->birth = dup_or_null(str(person, "birth_date"));
	p->ethnicity = dup_or_null(str(person, "ethnicity"));
	p->native_place = dup_or_null(str(person, "native_place"));
	p->work_start = dup_or_null(str(person, "work_start"));
	p->title = dup_or_null(str(person, "title"));
	p->idcard = clear ? dup_or_null(idcard) : dup_or_null(str(person, "idcard"));
	const char *political = str(person, "political_status");
	if (political && strstr(political, "中共"))
		p->party_date = dup_or_null(str(party, "join_date"));
	else if (political && (!strcmp(political, "民主党派") || !strcmp(political, "无党派人士")))
		p->party_date = xstrdup(political); /* the form's field says it for non-members */
	p->ft_education = dup_or_null(str(person, "education"));
	p->ft_degree = dup_or_null(str(person, "degree"));
	p->ft_edu_school = lrmx_school_join(str(person, "school"), str(person, "major"));
	p->post = dup_or_null(str(cadre, "post"));
	json_t *tag;
	struct buf tags = BUF_INIT;
	json_array_foreach(json_object_get(cadre, "expertise"), i, tag)
		buf_printf(&tags, "%s%s", i ? "、" : "", json_string_value(tag));
	p->expertise = tags.len ? buf_steal(&tags) : NULL;
	buf_free(&tags);
	p->reporting_unit = dup_or_null(str(cadre, "unit"));
	char today[11];
	util_today(today, sizeof(today));
	p->age_date = xstrdup(today);
	p->fill_date = xstrdup(today);
	p->filled_by = dup_or_null(ctx->actor->username);
	json_array_foreach(careers, i, tag) career_lines(tag, p);
	if (clear && !empty(family))
		lrmx_family_from_text(family, p);
	d->family_hidden = !clear && !empty(str(person, "family"));
out:
	json_decref(person);
	json_decref(cadres);
	json_decref(parties);
	json_decref(careers);
	free(idcard);
	free(family);
	if (r)
		dossier_free(d);
	return r;
}

static enum xz_result need_reveal(struct engine_ctx *ctx)
{
	if (ctx->actor->perms & PERM_PII_REVEAL)
		return XZ_OK;
	snprintf(ctx->message, sizeof(ctx->message),
	         "任免审批表含身份证号和家庭成员等个人信息，需要“查看个人信息”权限");
	return XZ_ERR_FORBIDDEN;
}

static enum xz_result audit(struct engine_ctx *ctx, const char *action, int64_t id,
                            json_t *detail)
{
	enum xz_result r = audit_write(ctx->db, ctx->actor, action, "person", id, "ok", detail);
	json_decref(detail);
	return r;
}

enum xz_result lrmx_export(struct engine_ctx *ctx, int64_t person_id, char **data, size_t *len)
{
	struct dossier d;
	char msg[200] = "";
	*data = NULL;
	*len = 0;
	enum xz_result r = need_reveal(ctx);
	if (r)
		return r;
	if ((r = load_dossier(ctx, person_id, true, &d)))
		return r;
	r = lrmx_write(&d.p, data, len, msg, sizeof(msg));
	if (r)
		snprintf(ctx->message, sizeof(ctx->message), "%s", msg);
	else
		r = audit(ctx, "export_lrmx", person_id,
		          json_pack("{s:I, s:b}", "resume_lines", (json_int_t)d.p.nresume, "photo",
		                    d.p.photo_len > 0));
	if (r) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	dossier_free(&d);
	return r;
}

/* ---- the printable table ---- */

static void esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s);
		}
	}
}

/* a date shown as YYYY.MM, anything else as written */
static void esc_date(struct buf *b, const char *s)
{
	char shown[8];
	esc(b, lrmx_date_show(s, shown) ? shown : s);
}

static int age_at(const char *birth, const char *on)
{
	if (!birth || !on || strlen(birth) != 10 || strlen(on) != 10)
		return -1;
	int by = atoi(birth), ty = atoi(on);
	int age = ty - by - (strcmp(on + 5, birth + 5) < 0);
	return age >= 0 && age < 150 ? age : -1;
}

/* one <td>: label cells are bold-free and centred as on the paper form */
static void td(struct buf *b, const char *cls, int colspan, int rowspan, const char *text)
{
	buf_puts(b, "<td");
	if (cls)
		buf_printf(b, " class=\"%s\"", cls);
	if (colspan > 1)
		buf_printf(b, " colspan=\"%d\"", colspan);
	if (rowspan > 1)
		buf_printf(b, " rowspan=\"%d\"", rowspan);
	buf_putc(b, '>');
	esc(b, text);
	buf_puts(b, "</td>");
}

static void td_date(struct buf *b, const char *date)
{
	buf_puts(b, "<td>");
	esc_date(b, date);
	buf_puts(b, "</td>");
}

static const char style[] =
	"@page{size:A4;margin:18mm 20mm}"
	"body{margin:0;color:#000;font-size:12pt;font-family:\"FangSong\",\"仿宋\",\"FangSong_GB2312\","
	"\"STFangsong\",\"SimSun\",\"宋体\",\"Songti SC\",\"Noto Serif CJK SC\",\"Source Han Serif SC\","
	"\"Noto Serif SC\",serif}"
	"h1{margin:0 0 3mm;text-align:center;font-size:22pt;letter-spacing:.2em;"
	"font-family:\"FZXiaoBiaoSong-B05S\",\"方正小标宋简体\",\"SimSun\",\"宋体\",\"Songti SC\","
	"\"Noto Serif CJK SC\",serif}"
	".meta{display:flex;justify-content:space-between;font-size:10.5pt;margin:0 0 2mm}"
	"table{width:170mm;border-collapse:collapse;table-layout:fixed}"
	"td{border:1px solid #000;padding:1mm 1.2mm;height:11mm;text-align:center;"
	"vertical-align:middle;word-break:break-all;line-height:1.35;white-space:pre-line}"
	"td.l{text-align:left}"
	"td.photo{width:30mm}td.photo img{width:26mm;height:36mm;object-fit:cover}"
	"td.resume{height:150mm;text-align:left;vertical-align:top;white-space:pre-wrap;"
	"font-size:10.5pt;line-height:1.6}"
	"td.block{height:28mm;text-align:left;vertical-align:top;white-space:pre-wrap}"
	"td.opinion{height:32mm;text-align:right;vertical-align:bottom}"
	"td.vert{letter-spacing:.5em}"
	".page{break-after:page;page-break-after:always}"
	".page:last-child{break-after:auto;page-break-after:auto}"
	"@media screen{body{background:#e8e8e8}.page{width:170mm;margin:8mm auto;padding:18mm 20mm;"
	"background:#fff;box-shadow:0 0 3mm rgba(0,0,0,.25)}}";

static void page_one(struct buf *b, const struct dossier *d, const char *today)
{
	const struct lrmx_person *p = &d->p;
	char birth[64] = "";
	char shown[8];
	int age = age_at(p->birth, today);
	if (lrmx_date_show(p->birth, shown))
		snprintf(birth, sizeof(birth), age >= 0 ? "%s\n（%d岁）" : "%s", shown, age);
	else if (p->birth)
		snprintf(birth, sizeof(birth), "%.60s", p->birth);

	buf_puts(b, "<section class=\"page\"><h1>干部任免审批表</h1><div class=\"meta\"><span>身份证号：");
	esc(b, p->idcard);
	buf_puts(b, "</span><span>填表时间：");
	esc_date(b, today);
	buf_puts(b, "</span></div><table><colgroup><col style=\"width:20mm\"><col style=\"width:24mm\">"
	            "<col style=\"width:20mm\"><col style=\"width:26mm\"><col style=\"width:24mm\">"
	            "<col style=\"width:26mm\"><col style=\"width:30mm\"></colgroup>");
	buf_puts(b, "<tr>");
	td(b, NULL, 1, 1, "姓　名");
	td(b, NULL, 1, 1, p->name);
	td(b, NULL, 1, 1, "性　别");
	td(b, NULL, 1, 1, p->gender);
	td(b, NULL, 1, 1, "出生年月\n（　岁）");
	td(b, NULL, 1, 1, birth);
	buf_puts(b, "<td class=\"photo\" rowspan=\"4\">");
	if (p->photo_len && d->photo_mime && !strncmp(d->photo_mime, "image/", 6) &&
	    !strchr(d->photo_mime, '"')) {
		buf_printf(b, "<img alt=\"照片\" src=\"data:%s;base64,", d->photo_mime);
		lrmx_base64_encode(p->photo, p->photo_len, b);
		buf_puts(b, "\">");
	} else {
		buf_puts(b, "照　片");
	}
	buf_puts(b, "</td></tr><tr>");
	td(b, NULL, 1, 1, "民　族");
	td(b, NULL, 1, 1, p->ethnicity);
	td(b, NULL, 1, 1, "籍　贯");
	td(b, NULL, 1, 1, p->native_place);
	td(b, NULL, 1, 1, "出 生 地");
	td(b, NULL, 1, 1, p->birth_place);
	buf_puts(b, "</tr><tr>");
	td(b, NULL, 1, 1, "入　党\n时　间");
	td_date(b, p->party_date);
	td(b, NULL, 1, 1, "参加工\n作时间");
	td_date(b, p->work_start);
	td(b, NULL, 1, 1, "健康状况");
	td(b, NULL, 1, 1, p->health);
	buf_puts(b, "</tr><tr>");
	td(b, NULL, 1, 1, "专业技\n术职务");
	td(b, NULL, 2, 1, p->title);
	td(b, NULL, 1, 1, "熟悉专业\n有何专长");
	td(b, NULL, 2, 1, p->expertise);
	buf_puts(b, "</tr><tr>");
	td(b, NULL, 1, 2, "学　历\n学　位");
	td(b, NULL, 1, 1, "全日制\n教　育");
	struct buf edu = BUF_INIT;
	buf_printf(&edu, "%s%s%s", p->ft_education ? p->ft_education : "",
	           p->ft_education && p->ft_degree ? "\n" : "", p->ft_degree ? p->ft_degree : "");
	td(b, NULL, 2, 1, buf_cstr(&edu));
	td(b, NULL, 1, 1, "毕业院校\n系及专业");
	td(b, "l", 2, 1, p->ft_edu_school);
	buf_puts(b, "</tr><tr>");
	td(b, NULL, 1, 1, "在　职\n教　育");
	buf_reset(&edu);
	buf_printf(&edu, "%s%s%s", p->pt_education ? p->pt_education : "",
	           p->pt_education && p->pt_degree ? "\n" : "", p->pt_degree ? p->pt_degree : "");
	td(b, NULL, 2, 1, buf_cstr(&edu));
	buf_free(&edu);
	td(b, NULL, 1, 1, "毕业院校\n系及专业");
	td(b, "l", 2, 1, p->pt_edu_school);
	buf_puts(b, "</tr>");
	static const char *const posts[] = {"现 任 职 务", "拟 任 职 务", "拟 免 职 务"};
	const char *const values[] = {p->post, p->proposed_post, p->proposed_removal};
	for (int i = 0; i < 3; i++) {
		buf_puts(b, "<tr>");
		td(b, NULL, 2, 1, posts[i]);
		td(b, "l", 5, 1, values[i]);
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "<tr><td class=\"vert\">简<br><br><br>历</td><td class=\"resume\" colspan=\"6\">");
	for (size_t i = 0; i < p->nresume; i++) {
		if (i)
			buf_putc(b, '\n');
		esc(b, p->resume[i]);
	}
	buf_puts(b, "</td></tr></table></section>");
}

static void page_two(struct buf *b, const struct dossier *d, const char *today)
{
	const struct lrmx_person *p = &d->p;
	buf_puts(b, "<section class=\"page\"><table><colgroup><col style=\"width:20mm\">"
	            "<col style=\"width:18mm\"><col style=\"width:20mm\"><col style=\"width:14mm\">"
	            "<col style=\"width:22mm\"><col style=\"width:76mm\"></colgroup>");
	static const char *const blocks[] = {"奖\n惩\n情\n况", "年度考核\n结　　果", "任\n免\n理\n由"};
	const char *const values[] = {p->rewards, p->assessment, p->reason};
	for (int i = 0; i < 3; i++) {
		buf_puts(b, "<tr>");
		td(b, NULL, 1, 1, blocks[i]);
		td(b, "block", 5, 1, values[i]);
		buf_puts(b, "</tr>");
	}
	size_t rows = d->family_hidden ? 1 : p->nfamily < 6 ? 6 : p->nfamily;
	buf_printf(b, "<tr><td rowspan=\"%zu\">家庭主要成员及重要社会关系</td>", rows + 1);
	td(b, NULL, 1, 1, "称　谓");
	td(b, NULL, 1, 1, "姓　名");
	td(b, NULL, 1, 1, "年龄");
	td(b, NULL, 1, 1, "政治面貌");
	td(b, NULL, 1, 1, "工作单位及职务");
	buf_puts(b, "</tr>");
	if (d->family_hidden) {
		buf_puts(b, "<tr>");
		td(b, NULL, 5, 1, "（家庭成员为加密保存的个人信息，需“查看个人信息”权限方可打印）");
		buf_puts(b, "</tr>");
	}
	for (size_t i = 0; !d->family_hidden && i < rows; i++) {
		const struct lrmx_family *m = i < p->nfamily ? &p->family[i] : NULL;
		char age[64] = "";
		if (m && m->birth) {
			int a = age_at(m->birth, today);
			if (a >= 0)
				snprintf(age, sizeof(age), "%d", a);
			else
				snprintf(age, sizeof(age), "%.60s", m->birth);
		}
		buf_puts(b, "<tr>");
		td(b, NULL, 1, 1, m ? m->relation : NULL);
		td(b, NULL, 1, 1, m ? m->name : NULL);
		td(b, NULL, 1, 1, age);
		td(b, NULL, 1, 1, m ? m->political : NULL);
		td(b, "l", 1, 1, m ? m->work : NULL);
		buf_puts(b, "</tr>");
	}
	buf_puts(b, "<tr>");
	td(b, NULL, 1, 1, "呈\n报\n单\n位");
	buf_puts(b, "<td class=\"opinion\" colspan=\"5\"><div style=\"text-align:left\">");
	esc(b, p->reporting_unit);
	buf_puts(b, "</div>年　　月　　日（盖章）</td></tr><tr>");
	td(b, NULL, 1, 1, "审批机关\n意　　见");
	td(b, "opinion", 2, 1, "年　　月　　日（盖章）");
	td(b, NULL, 1, 1, "行政机关\n任免意见");
	td(b, "opinion", 2, 1, "年　　月　　日（盖章）");
	buf_puts(b, "</tr></table><p class=\"meta\"><span>填表人：");
	esc(b, p->filled_by);
	buf_puts(b, "</span></p></section>");
}

enum xz_result lrmx_print_html(struct engine_ctx *ctx, int64_t person_id, bool reveal,
                               char **html, size_t *len)
{
	struct dossier d;
	struct buf b = BUF_INIT;
	*html = NULL;
	*len = 0;
	enum xz_result r = reveal ? need_reveal(ctx) : XZ_OK;
	if (r || (r = load_dossier(ctx, person_id, reveal, &d)))
		return r;
	if (reveal &&
	    (r = audit(ctx, "print_lrmx", person_id, json_pack("{s:b}", "reveal", reveal)))) {
		dossier_free(&d);
		return r;
	}
	char today[11];
	util_today(today, sizeof(today));
	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
	esc(&b, d.p.name);
	buf_printf(&b, " 干部任免审批表</title><style>%s</style></head><body>", style);
	page_one(&b, &d, today);
	page_two(&b, &d, today);
	buf_puts(&b, "</body></html>\n");
	*len = b.len;
	*html = buf_steal(&b);
	dossier_free(&d);
	return XZ_OK;
}
