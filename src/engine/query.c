/*
 * List query building, value coercion and row decoding for the engine.
 * Every value a client sends is bound as a parameter; identifiers in the
 * SQL text come only from descriptors, after a client-supplied name has
 * been matched against them, so no request can change the shape of a query.
 */
#include "engine/query.h"
#include "auth/crypto.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGE_SIZE 200
#define MAX_Q_TERMS 8

/* ---- bound values ---- */

static struct sqlval *params_push(struct sqlparams *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	struct sqlval *v = &p->v[p->n++];
	memset(v, 0, sizeof(*v));
	return v;
}

void params_text(struct sqlparams *p, const char *s)
{
	struct sqlval *v = params_push(p);
	v->type = s ? SV_TEXT : SV_NULL;
	v->s = s ? xstrdup(s) : NULL;
}

void params_int(struct sqlparams *p, int64_t i)
{
	struct sqlval *v = params_push(p);
	v->type = SV_INT;
	v->i = i;
}

void params_real(struct sqlparams *p, double d)
{
	struct sqlval *v = params_push(p);
	v->type = SV_REAL;
	v->d = d;
}

void params_null(struct sqlparams *p)
{
	params_push(p)->type = SV_NULL;
}

void params_add(struct sqlparams *p, const struct sqlval *src)
{
	struct sqlval *v = params_push(p);
	*v = *src;
	v->s = src->s ? xstrdup(src->s) : NULL;
}

void params_bind(const struct sqlparams *p, struct store_stmt *st, int first)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct sqlval *v = &p->v[i];
		int idx = first + (int)i;
		switch (v->type) {
		case SV_NULL:
			store_bind_null(st, idx);
			break;
		case SV_INT:
			store_bind_int(st, idx, v->i);
			break;
		case SV_REAL:
			store_bind_double(st, idx, v->d);
			break;
		case SV_TEXT:
			store_bind_text(st, idx, v->s);
			break;
		}
	}
}

void params_free(struct sqlparams *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].s);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

/* ---- coercion ---- */

static bool parse_int(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_real(const char *s, double *out)
{
	if (!*s)
		return false;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool check_range(const struct field *f, double v, struct model_errors *errs)
{
	if (f->min < f->max && (v < f->min || v > f->max)) {
		model_error(errs, f->name, "out_of_range", "%s应在 %g 到 %g 之间", f->label, f->min,
		            f->max);
		return false;
	}
	return true;
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

/* Checks a text value for field f; takes ownership of s into out. */
static bool coerce_string(const struct field *f, char *s, struct sqlval *out,
                          struct model_errors *errs)
{
	char msg[256], today[11];
	out->type = SV_TEXT;
	out->s = s;
	switch (f->type) {
	case FT_TEXT: {
		size_t max = f->max_len ? (size_t)f->max_len : 200;
		if (util_utf8_len(s) > max) {
			model_error(errs, f->name, "too_long", "%s不能超过%zu个字", f->label, max);
			return false;
		}
		return true;
	}
	case FT_DATE:
		if (!valid_date(s)) {
			model_error(errs, f->name, "invalid_date",
			            "%s应为有效日期，格式为 YYYY-MM-DD", f->label);
			return false;
		}
		return true;
	case FT_ENUM:
		for (const char *const *v = f->enum_values; *v; v++)
			if (!strcmp(*v, s))
				return true;
		{
			struct buf b = BUF_INIT;
			for (const char *const *v = f->enum_values; *v; v++)
				buf_printf(&b, "%s%s", v == f->enum_values ? "" : "、", *v);
			model_error(errs, f->name, "invalid_enum", "%s只能是：%s", f->label,
			            buf_cstr(&b));
			buf_free(&b);
		}
		return false;
	case FT_IDCARD:
		upper(s);
		util_today(today, sizeof(today));
		if (valid_idcard(s, today, msg, sizeof(msg)) != VALID_OK) {
			model_error(errs, f->name, "invalid_idcard", "%s", msg);
			return false;
		}
		return true;
	case FT_USCC:
		upper(s);
		switch (valid_uscc(s, msg, sizeof(msg))) {
		case VALID_OK:
			return true;
		case VALID_BAD_CHECKSUM:
			/* Some pilot-region codes predate the check rule: accept only
			 * when the caller confirms the warning. */
			model_warning(errs, f->name, "uscc_checksum",
			              "%s。若确为试点地区早期代码，请确认后保存", msg);
			return true;
		default:
			model_error(errs, f->name, "invalid_uscc", "%s", msg);
			return false;
		}
	case FT_MOBILE:
		if (valid_mobile(s, msg, sizeof(msg)) != VALID_OK) {
			model_error(errs, f->name, "invalid_mobile", "%s", msg);
			return false;
		}
		return true;
	default:
		break;
	}
	return true;
}

bool query_coerce_text(const struct field *f, const char *raw, struct sqlval *out,
                       struct model_errors *errs)
{
	memset(out, 0, sizeof(*out));
	char *s = xstrtrim(raw);
	if (!*s) {
		free(s);
		out->type = SV_NULL;
		return true;
	}
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		out->type = SV_INT;
		if (!parse_int(s, &out->i)) {
			model_error(errs, f->name, "invalid_integer", "%s应为整数", f->label);
			free(s);
			return false;
		}
		free(s);
		return f->type == FT_REF || check_range(f, (double)out->i, errs);
	case FT_DECIMAL:
		out->type = SV_REAL;
		if (!parse_real(s, &out->d)) {
			model_error(errs, f->name, "invalid_number", "%s应为数字", f->label);
			free(s);
			return false;
		}
		free(s);
		return check_range(f, out->d, errs);
	case FT_BOOL:
		out->type = SV_INT;
		if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "是")) {
			out->i = 1;
		} else if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "否")) {
			out->i = 0;
		} else {
			model_error(errs, f->name, "invalid_bool", "%s应为“是”或“否”", f->label);
			free(s);
			return false;
		}
		free(s);
		return true;
	case FT_TAGS: {
		/* a single tag, as in a filter; lists come as JSON arrays */
		json_t *arr = json_pack("[s]", s);
		free(s);
		out->type = SV_TEXT;
		out->s = json_dumps(arr, JSON_COMPACT);
		json_decref(arr);
		return true;
	}
	case FT_DATETIME:
		out->type = SV_TEXT;
		out->s = s;
		return true;
	default:
		return coerce_string(f, s, out, errs);
	}
}

bool query_coerce(const struct field *f, json_t *v, struct sqlval *out, struct model_errors *errs)
{
	memset(out, 0, sizeof(*out));
	if (!v || json_is_null(v)) {
		out->type = SV_NULL;
		return true;
	}
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		if (json_is_integer(v)) {
			out->type = SV_INT;
			out->i = json_integer_value(v);
			return f->type == FT_REF || check_range(f, (double)out->i, errs);
		}
		break;
	case FT_DECIMAL:
		if (json_is_number(v)) {
			out->type = SV_REAL;
			out->d = json_number_value(v);
			return check_range(f, out->d, errs);
		}
		break;
	case FT_BOOL:
		if (json_is_boolean(v)) {
			out->type = SV_INT;
			out->i = json_is_true(v);
			return true;
		}
		break;
	case FT_TAGS:
		if (json_is_array(v)) {
			json_t *clean = json_array(), *item;
			size_t i;
			json_array_foreach(v, i, item) {
				if (!json_is_string(item) || util_utf8_len(json_string_value(item)) > 50 ||
				    !*json_string_value(item)) {
					model_error(errs, f->name, "invalid_tag",
					            "%s的每一项应为1到50个字的文字", f->label);
					json_decref(clean);
					return false;
				}
				bool dup = false;
				json_t *seen;
				size_t k;
				json_array_foreach(clean, k, seen) dup |= json_equal(seen, item);
				if (!dup)
					json_array_append(clean, item);
			}
			out->type = SV_TEXT;
			out->s = json_dumps(clean, JSON_COMPACT);
			json_decref(clean);
			return true;
		}
		break;
	default:
		if (json_is_string(v))
			return query_coerce_text(f, json_string_value(v), out, errs);
		break;
	}
	if (json_is_string(v) && f->type != FT_TAGS)
		return query_coerce_text(f, json_string_value(v), out, errs);
	static const char *expect[] = {
		[FT_INT] = "整数", [FT_REF] = "记录ID（整数）", [FT_DECIMAL] = "数字",
		[FT_BOOL] = "true 或 false", [FT_TAGS] = "文字数组",
	};
	const char *want = (f->type < sizeof(expect) / sizeof(*expect) && expect[f->type])
	                           ? expect[f->type]
	                           : "文字";
	model_error(errs, f->name, "invalid_type", "%s应为%s", f->label, want);
	return false;
}

json_t *query_value_json(const struct field *f, const struct sqlval *v)
{
	if (v->type == SV_NULL)
		return json_null();
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		return json_integer(v->type == SV_INT ? v->i : (int64_t)v->d);
	case FT_DECIMAL:
		return json_real(v->type == SV_REAL ? v->d : (double)v->i);
	case FT_BOOL:
		return json_boolean(v->i);
	case FT_TAGS: {
		json_t *j = v->s ? json_loads(v->s, 0, NULL) : NULL;
		return j ? j : json_array();
	}
	default:
		return json_string(v->s ? v->s : "");
	}
}

/* ---- masking of sensitive values in lists ---- */

static json_t *masked(const struct field *f, const char *s)
{
	size_t n = strlen(s);
	if (f->type != FT_IDCARD && f->type != FT_MOBILE)
		return json_string("******");
	struct buf b = BUF_INIT;
	size_t keep_head = f->type == FT_IDCARD ? 3 : f->type == FT_MOBILE ? 3 : 1;
	size_t keep_tail = f->type == FT_IDCARD || f->type == FT_MOBILE ? 4 : 0;
	if (n <= keep_head + keep_tail) {
		buf_puts(&b, "****");
	} else {
		buf_append(&b, s, keep_head);
		for (size_t i = keep_head; i < n - keep_tail; i++)
			buf_putc(&b, '*');
		buf_append(&b, s + n - keep_tail, keep_tail);
	}
	json_t *j = json_string(buf_cstr(&b));
	buf_free(&b);
	return j;
}

/* ---- select list and row decoding ---- */

void query_select(struct store *db, const struct entity *e, struct buf *sql)
{
	buf_puts(sql, "t.id");
	if (!(e->flags & E_NO_TIMESTAMPS))
		buf_puts(sql, ", t.version, t.created_at, t.updated_at");
	for (size_t i = 0; i < e->nfields; i++)
		buf_printf(sql, ", t.%s", e->fields[i].name);
	for (size_t i = 0; i < e->nlinks; i++) {
		const struct link *l = &e->links[i];
		buf_puts(sql, ", ");
		store_sql_id_array(db, sql, l->other, l->table, l->self);
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->type != FT_REF)
			continue;
		const struct entity *r = model_find(f->ref);
		buf_printf(sql, ", (SELECT r.%s FROM %s r WHERE r.id = t.%s)", r->display, r->table,
		           f->name);
	}
}

json_t *query_row_json(const struct entity *e, struct store_stmt *st)
{
	json_t *row = json_object();
	int col = 0;
	json_object_set_new(row, "id", json_integer(store_column_int(st, col++)));
	if (!(e->flags & E_NO_TIMESTAMPS)) {
		json_object_set_new(row, "version", json_integer(store_column_int(st, col++)));
		json_object_set_new(row, "created_at", json_string(store_column_text(st, col++)));
		json_object_set_new(row, "updated_at", json_string(store_column_text(st, col++)));
	}
	for (size_t i = 0; i < e->nfields; i++, col++) {
		const struct field *f = &e->fields[i];
		struct sqlval v = {0};
		switch (store_column_type(st, col)) {
		case STORE_NULL:
			v.type = SV_NULL;
			break;
		case STORE_INT:
			v.type = SV_INT;
			v.i = store_column_int(st, col);
			v.d = (double)v.i;
			break;
		case STORE_FLOAT:
			v.type = SV_REAL;
			v.d = store_column_double(st, col);
			v.i = (int64_t)v.d;
			break;
		case STORE_TEXT:
			v.type = SV_TEXT;
			v.s = (char *)store_column_text(st, col);
			break;
		}
		if ((f->flags & F_SENSITIVE) && v.type == SV_TEXT && crypto_is_sealed(v.s)) {
			char *plain = NULL;
			if (crypto_open(v.s, &plain) != XZ_OK)
				log_error("%s.%s of row %lld cannot be decrypted with this key file",
				          e->name, f->name, (long long)json_integer_value(json_object_get(row, "id")));
			json_object_set_new(row, f->name, plain ? json_string(plain) : json_string("（无法解密）"));
			free(plain);
			continue;
		}
		json_object_set_new(row, f->name, query_value_json(f, &v));
	}
	for (size_t i = 0; i < e->nlinks; i++, col++) {
		const char *s = store_column_text(st, col);
		json_t *ids = s ? json_loads(s, 0, NULL) : NULL;
		json_object_set_new(row, e->links[i].name, ids ? ids : json_array());
	}
	json_t *labels = json_object();
	for (size_t i = 0; i < e->nfields; i++) {
		if (e->fields[i].type != FT_REF)
			continue;
		const char *s = store_column_text(st, col++);
		if (s)
			json_object_set_new(labels, e->fields[i].name, json_string(s));
	}
	json_object_set_new(row, "_labels", labels);
	return row;
}

/* Replaces sensitive values with their masked form; lists and exports call this. */
void query_mask_row(const struct entity *e, json_t *row)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		json_t *v = json_object_get(row, f->name);
		if ((f->flags & F_SENSITIVE) && json_is_string(v))
			json_object_set_new(row, f->name, masked(f, json_string_value(v)));
	}
}

/* ---- scope ---- */

void engine_region_prefix(const char *code, char *out)
{
	size_t n = strlen(code);
	strcpy(out, code);
	if (n == 6) {
		while (n > 2 && out[n - 1] == '0' && out[n - 2] == '0')
			n -= 2;
	} else if (n > 6) {
		while (n > 6 && out[n - 1] == '0' && out[n - 2] == '0' && out[n - 3] == '0')
			n -= 3;
	}
	out[n] = '\0';
}

/* query_scope() and the other scope rules live in engine/scope.c */

/* ---- list parameters ---- */

static bool sortable(const struct entity *e, const char *name)
{
	if (!strcmp(name, "id"))
		return true;
	if (!(e->flags & E_NO_TIMESTAMPS) &&
	    (!strcmp(name, "created_at") || !strcmp(name, "updated_at")))
		return true;
	const struct field *f = model_field(e, name);
	return f && f->type != FT_TAGS && !(f->flags & F_SENSITIVE);
}

static void parse_sort(const struct entity *e, const char *spec, struct list_query *q,
                       struct model_errors *errs)
{
	char *copy = xstrdup(spec), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool desc = *tok == '-';
		const char *name = desc || *tok == '+' ? tok + 1 : tok;
		if (!sortable(e, name)) {
			model_error(errs, "sort", "invalid_sort", "不能按“%s”排序", name);
			continue;
		}
		buf_printf(&q->order, "%st.%s %s", q->order.len ? ", " : "", name,
		           desc ? "DESC" : "ASC");
	}
	free(copy);
}

static void parse_q(struct store *db, const struct entity *e, const char *text,
                    struct list_query *q, struct model_errors *errs)
{
	if (util_utf8_len(text) > 100) {
		model_error(errs, "q", "too_long", "搜索词不能超过100个字");
		return;
	}
	char *copy = xstrdup(text), *save = NULL;
	/* an ideographic space (U+3000) separates terms like an ASCII one */
	for (char *sp = strstr(copy, "\xE3\x80\x80"); sp; sp = strstr(sp, "\xE3\x80\x80"))
		memset(sp, ' ', 3);
	int terms = 0;
	for (char *tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), terms++) {
		if (terms == MAX_Q_TERMS) {
			model_error(errs, "q", "too_many_terms", "搜索词最多%d个", MAX_Q_TERMS);
			break;
		}
		char *pattern = store_like_pattern(tok, false);
		buf_puts(&q->where, " AND (");
		int n = 0;
		for (size_t i = 0; i < e->nfields; i++) {
			const struct field *f = &e->fields[i];
			if (!(f->flags & F_SEARCH) || (f->flags & F_SENSITIVE))
				continue;
			char col[80];
			snprintf(col, sizeof(col), "t.%s", f->name);
			if (n++)
				buf_puts(&q->where, " OR ");
			store_sql_like(db, &q->where, col);
			params_text(&q->where_params, pattern);
		}
		if (!n)
			buf_puts(&q->where, "1 = 0");
		buf_putc(&q->where, ')');
		free(pattern);
	}
	free(copy);
}

/* "field", "field.gte", "field.lte", "field.ne", "field.like", "field.null" */
static void parse_filter(struct store *db, const struct entity *e, const char *key,
                         const char *value, struct list_query *q, struct model_errors *errs)
{
	char name[64];
	const char *dot = strchr(key, '.');
	const char *op = dot ? dot + 1 : "eq";
	size_t nlen = dot ? (size_t)(dot - key) : strlen(key);
	if (nlen >= sizeof(name)) {
		model_error(errs, key, "unknown_parameter", "未知的查询参数");
		return;
	}
	memcpy(name, key, nlen);
	name[nlen] = '\0';

	const struct link *l = model_link(e, name);
	if (l && !strcmp(op, "eq")) {
		/* IN rather than a correlated EXISTS: the planner then starts
		 * from the link table's index instead of scanning every row;
		 * "3,5,8" matches rows linked to any of them */
		buf_printf(&q->where, " AND t.id IN (SELECT x.%s FROM %s x WHERE x.%s IN (", l->self,
		           l->table, l->other);
		char *copy = xstrdup(value), *save = NULL;
		int n = 0;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int64_t id;
			if (!parse_int(tok, &id) || n >= 200) {
				model_error(errs, key, "invalid_integer", "%s应为记录ID（至多200个，逗号分隔）",
				            l->label);
				break;
			}
			buf_puts(&q->where, n++ ? ", ?" : "?");
			params_int(&q->where_params, id);
		}
		free(copy);
		if (!n) {
			buf_puts(&q->where, "NULL");
			if (!*value)
				model_error(errs, key, "invalid_integer", "%s应为记录ID", l->label);
		}
		buf_puts(&q->where, "))");
		return;
	}
	const struct field *f = model_field(e, name);
	bool is_id = !strcmp(name, "id");
	static const struct field id_field = {"id", FT_INT, "ID", 0, .min = 0, .max = 0};
	if (is_id)
		f = &id_field;
	if (!f) {
		model_error(errs, key, "unknown_parameter", "未知的查询参数“%s”", key);
		return;
	}
	if (f->flags & F_SENSITIVE) {
		/* a unique sensitive value (身份证号) is found by its keyed hash */
		if (!(f->flags & F_UNIQUE) || strcmp(op, "eq")) {
			model_error(errs, key, "not_filterable", "%s只能按完整号码查找", f->label);
			return;
		}
		struct sqlval v;
		struct model_errors local = {json_array(), json_array()};
		if (query_coerce_text(f, value, &v, &local) && v.type == SV_TEXT) {
			char hash[65];
			crypto_lookup_hash(v.s, hash);
			buf_printf(&q->where, " AND t.%s_hash = ?", f->name);
			params_text(&q->where_params, hash);
		} else {
			json_t *d = json_array_get(local.details, 0);
			model_error(errs, key, "invalid_filter", "%s",
			            d ? json_string_value(json_object_get(d, "message")) : "值不能为空");
		}
		free(v.s);
		json_decref(local.details);
		json_decref(local.warnings);
		return;
	}
	if (!strcmp(op, "null")) {
		buf_printf(&q->where, " AND t.%s IS %sNULL", f->name,
		           strcmp(value, "0") && strcmp(value, "false") ? "" : "NOT ");
		return;
	}
	if (!strcmp(op, "like")) {
		char col[80];
		snprintf(col, sizeof(col), "t.%s", f->name);
		buf_puts(&q->where, " AND ");
		store_sql_like(db, &q->where, col);
		char *pattern = store_like_pattern(value, false);
		params_text(&q->where_params, pattern);
		free(pattern);
		return;
	}
	const char *sqlop = !strcmp(op, "eq") ? "=" : !strcmp(op, "ne") ? "<>" :
	                    !strcmp(op, "gte") ? ">=" : !strcmp(op, "lte") ? "<=" : NULL;
	if (!sqlop) {
		model_error(errs, key, "unknown_operator", "不支持的筛选方式“%s”", op);
		return;
	}
	if (f->type == FT_TAGS) {
		if (strcmp(op, "eq")) {
			model_error(errs, key, "unknown_operator", "标签只支持包含筛选");
			return;
		}
		char col[80];
		snprintf(col, sizeof(col), "t.%s", f->name);
		buf_puts(&q->where, " AND ");
		store_sql_tag_contains(db, &q->where, col);
		params_text(&q->where_params, value);
		return;
	}
	/* a comma list is a set for equality on enums, refs and integers */
	bool set = !strcmp(op, "eq") && strchr(value, ',') &&
	           (f->type == FT_ENUM || f->type == FT_REF || f->type == FT_INT);
	char *copy = xstrdup(value), *save = NULL;
	int n = 0;
	buf_printf(&q->where, " AND t.%s %s ", f->name, set ? "IN (" : sqlop);
	for (char *tok = set ? strtok_r(copy, ",", &save) : copy; tok;
	     tok = set ? strtok_r(NULL, ",", &save) : NULL) {
		struct sqlval v;
		struct model_errors local = {json_array(), json_array()};
		bool ok = query_coerce_text(f, tok, &v, &local);
		if (!ok || v.type == SV_NULL) {
			json_t *d = json_array_get(local.details, 0);
			model_error(errs, key, "invalid_filter", "筛选条件“%s”无效：%s", key,
			            d ? json_string_value(json_object_get(d, "message"))
			              : "值不能为空");
		}
		json_decref(local.details);
		json_decref(local.warnings);
		buf_printf(&q->where, "%s?", n++ ? ", " : "");
		params_add(&q->where_params, &v);
		free(v.s);
		if (!set)
			break;
	}
	if (set)
		buf_putc(&q->where, ')');
	free(copy);
}

enum xz_result query_parse(struct store *db, const struct entity *e, const struct kv *params,
                           size_t n, struct list_query *q, struct model_errors *errs)
{
	memset(q, 0, sizeof(*q));
	q->page = 1;
	q->size = 20;
	size_t before = json_array_size(errs->details);
	for (size_t i = 0; i < n; i++) {
		const char *k = params[i].key, *v = params[i].value ? params[i].value : "";
		if (!strcmp(k, "page")) {
			if (!parse_int(v, &q->page) || q->page < 1 || q->page > 1000000)
				model_error(errs, "page", "invalid_page", "页码应为正整数");
		} else if (!strcmp(k, "size")) {
			if (!parse_int(v, &q->size) || q->size < 1)
				model_error(errs, "size", "invalid_size", "每页条数应为1到%d之间的整数",
				            MAX_PAGE_SIZE);
			else if (q->size > MAX_PAGE_SIZE)
				q->size = MAX_PAGE_SIZE;
		} else if (!strcmp(k, "sort")) {
			parse_sort(e, v, q, errs);
		} else if (!strcmp(k, "q")) {
			parse_q(db, e, v, q, errs);
		} else if (k[0] == '_') {
			continue; /* cache busters and client-side markers */
		} else {
			parse_filter(db, e, k, v, q, errs);
		}
	}
	if (!q->order.len && e->default_sort)
		parse_sort(e, e->default_sort, q, errs);
	buf_puts(&q->order, q->order.len ? ", t.id ASC" : "t.id ASC");
	return json_array_size(errs->details) > before ? XZ_ERR_BAD_REQUEST : XZ_OK;
}

void query_free(struct list_query *q)
{
	buf_free(&q->where);
	buf_free(&q->order);
	params_free(&q->where_params);
}
