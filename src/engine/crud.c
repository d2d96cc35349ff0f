/*
 * Generic list/get/create/update/delete over descriptors. Every write runs in
 * one transaction together with its audit row, checks the actor's data scope
 * both before (the row must be visible) and after (the row must still be
 * visible, so nobody moves a record out of their own region), and reports
 * every invalid field at once rather than the first.
 */
#include "auth/audit.h"
#include "auth/crypto.h"
#include "core/mem.h"
#include "core/util.h"
#include "engine/engine.h"
#include "engine/changes.h"
#include "engine/workflow.h"
#include "engine/query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct actor system_actor = {
	.user_id = 0,
	.username = "system",
	.role = "system",
	.ip = "local",
	.perms = ~0u,
	.region_code = NULL,
	.region_prefix = NULL,
	.city_wide = true,
};

const struct actor *engine_system_actor(void)
{
	return &system_actor;
}

void engine_ctx_init(struct engine_ctx *ctx, struct store *db, const struct actor *actor)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->db = db;
	ctx->actor = actor;
	ctx->errs.details = json_array();
	ctx->errs.warnings = json_array();
}

void engine_ctx_free(struct engine_ctx *ctx)
{
	json_decref(ctx->errs.details);
	json_decref(ctx->errs.warnings);
	json_decref(ctx->ref_seen);
	ctx->errs.details = ctx->errs.warnings = ctx->ref_seen = NULL;
}

static bool soft(const struct entity *e)
{
	return e->flags & E_SOFT_DELETE;
}

static void base_where(const struct entity *e, struct buf *sql)
{
	buf_puts(sql, " WHERE 1=1");
	if (soft(e))
		buf_puts(sql, " AND t.deleted_at IS NULL");
}

static enum xz_result step_error(struct store_stmt *st)
{
	enum xz_result r = store_stmt_result(st);
	return r ? r : XZ_ERR_STORE;
}

/* ---- reads ---- */

static enum xz_result load_row(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                               json_t **out)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	*out = NULL;
	buf_puts(&sql, "SELECT ");
	query_select(ctx->db, e, &sql);
	buf_printf(&sql, " FROM %s t", e->table);
	base_where(e, &sql);
	buf_puts(&sql, " AND t.id = ?");
	params_int(&p, id);
	query_scope(e, ctx->actor, &sql, &p);
	enum xz_result r = store_prepare(ctx->db, buf_cstr(&sql), &st);
	if (r)
		goto out;
	params_bind(&p, st, 1);
	enum store_step s = store_step(st);
	if (s == STORE_ROW)
		*out = query_row_json(e, st);
	else
		r = s == STORE_DONE ? XZ_ERR_NOT_FOUND : step_error(st);
out:
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return r;
}

enum xz_result engine_get(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                          json_t **out)
{
	enum xz_result r = load_row(ctx, e, id, out);
	if (!r)
		query_mask_row(e, *out);
	return r;
}

enum xz_result engine_get_unmasked(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                   json_t **out)
{
	return load_row(ctx, e, id, out);
}

enum xz_result engine_reveal(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                             const char *field, json_t **out)
{
	const struct field *f = model_field(e, field);
	json_t *row = NULL;
	*out = NULL;
	if (!f || !(f->flags & F_SENSITIVE)) {
		model_error(&ctx->errs, "field", "not_sensitive", "“%s”不是需要授权查看的字段", field);
		return XZ_ERR_BAD_REQUEST;
	}
	enum xz_result r = load_row(ctx, e, id, &row);
	if (r)
		return r;
	json_t *d = json_pack("{s:s}", "field", field);
	r = audit_write(ctx->db, ctx->actor, "reveal", e->name, id, "ok", d);
	json_decref(d);
	if (!r)
		*out = json_pack("{s:I, s:s, s:O}", "id", (json_int_t)id, "field", field, "value",
		                 json_object_get(row, field));
	json_decref(row);
	return r;
}

/* The WHERE clause (scope, soft delete, filters, q) and ORDER BY of a list
 * request, shared by paged lists and full scans. */
static enum xz_result list_where(struct engine_ctx *ctx, const struct entity *e,
                                 const struct kv *params, size_t nparams, struct list_query *q,
                                 struct buf *where, struct sqlparams *p)
{
	enum xz_result r = query_parse(ctx->db, e, params, nparams, q, &ctx->errs);
	if (r)
		return r;
	base_where(e, where);
	query_scope(e, ctx->actor, where, p);
	buf_append(where, q->where.data ? q->where.data : "", q->where.len);
	for (size_t i = 0; i < q->where_params.n; i++)
		params_add(p, &q->where_params.v[i]);
	return XZ_OK;
}

enum xz_result engine_list(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                           size_t nparams, json_t **out)
{
	struct list_query q;
	struct buf sql = BUF_INIT, where = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	json_t *items = NULL;
	int64_t total = 0;
	*out = NULL;
	enum xz_result r = list_where(ctx, e, params, nparams, &q, &where, &p);
	if (r)
		goto out;
	buf_printf(&sql, "SELECT count(*) FROM %s t%s", e->table, buf_cstr(&where));
	if ((r = store_prepare(ctx->db, buf_cstr(&sql), &st)))
		goto out;
	params_bind(&p, st, 1);
	if (store_step(st) != STORE_ROW) {
		r = step_error(st);
		goto out;
	}
	total = store_column_int(st, 0);
	store_finalize(st);
	st = NULL;

	buf_reset(&sql);
	buf_puts(&sql, "SELECT ");
	query_select(ctx->db, e, &sql);
	buf_printf(&sql, " FROM %s t%s ORDER BY %s LIMIT ? OFFSET ?", e->table, buf_cstr(&where),
	           buf_cstr(&q.order));
	params_int(&p, q.size);
	params_int(&p, (q.page - 1) * q.size);
	if ((r = store_prepare(ctx->db, buf_cstr(&sql), &st)))
		goto out;
	params_bind(&p, st, 1);
	items = json_array();
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		json_t *row = query_row_json(e, st);
		query_mask_row(e, row);
		json_array_append_new(items, row);
	}
	if (s == STORE_FAIL) {
		r = step_error(st);
		goto out;
	}
	*out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "page",
	                 (json_int_t)q.page, "size", (json_int_t)q.size);
	items = NULL;
out:
	json_decref(items);
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	buf_free(&where);
	query_free(&q);
	return r;
}

enum xz_result engine_scan(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                           size_t nparams, bool mask, engine_row_fn fn, void *cls)
{
	struct list_query q;
	struct buf sql = BUF_INIT, where = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	enum xz_result r = list_where(ctx, e, params, nparams, &q, &where, &p);
	if (r)
		goto out;
	buf_puts(&sql, "SELECT ");
	query_select(ctx->db, e, &sql);
	buf_printf(&sql, " FROM %s t%s ORDER BY %s", e->table, buf_cstr(&where), buf_cstr(&q.order));
	if ((r = store_prepare(ctx->db, buf_cstr(&sql), &st)))
		goto out;
	params_bind(&p, st, 1);
	enum store_step s;
	while (!r && (s = store_step(st)) == STORE_ROW) {
		json_t *row = query_row_json(e, st);
		if (mask)
			query_mask_row(e, row);
		r = fn(cls, row);
		json_decref(row);
	}
	if (!r && s == STORE_FAIL)
		r = step_error(st);
out:
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	buf_free(&where);
	query_free(&q);
	return r;
}

int64_t engine_find_id(struct store *db, const struct entity *e, const char *field,
                       const char *value)
{
	char sql[256];
	int64_t id = 0;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s t WHERE t.%s = ?%s", e->table, field,
	         soft(e) ? " AND t.deleted_at IS NULL" : "");
	store_query_int(db, sql, &id, 1, &value);
	return id;
}

/* ---- validation of a change ---- */

struct change {
	const struct field *fields[64];
	struct sqlval vals[64];
	size_t n;
	const struct link *links[8];
	json_t *link_ids[8]; /* borrowed arrays of integers */
	size_t nlinks;
	/* columns without a descriptor field: lookup hashes of sealed values */
	char extra_names[8][72];
	struct sqlval extra_vals[8];
	size_t nextra;
};

static void change_free(struct change *c)
{
	for (size_t i = 0; i < c->nextra; i++)
		free(c->extra_vals[i].s);
	c->nextra = 0;
	for (size_t i = 0; i < c->n; i++)
		free(c->vals[i].s);
	c->n = 0;
}

static bool row_exists(struct engine_ctx *ctx, const struct entity *e, int64_t id, bool scoped)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	bool found = false;
	buf_printf(&sql, "SELECT 1 FROM %s t", e->table);
	base_where(e, &sql);
	buf_puts(&sql, " AND t.id = ?");
	params_int(&p, id);
	if (scoped)
		query_scope(e, ctx->actor, &sql, &p);
	if (!store_prepare(ctx->db, buf_cstr(&sql), &st)) {
		params_bind(&p, st, 1);
		found = store_step(st) == STORE_ROW;
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	return found;
}

/* how many checked references a bulk import remembers */
#define REF_SEEN_MAX 4096

static void check_refs(struct engine_ctx *ctx, const struct change *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct field *f = c->fields[i];
		if (f->type != FT_REF || c->vals[i].type != SV_INT)
			continue;
		const struct entity *target = model_find(f->ref);
		/* the scoped look only differs when the actor's scope restricts it */
		bool scoped = query_scope_restricted(ctx->actor, target);
		char seen[96] = "";
		if (ctx->bulk) {
			snprintf(seen, sizeof(seen), "%s:%" PRId64, target->name, c->vals[i].i);
			if (ctx->ref_seen && json_object_get(ctx->ref_seen, seen))
				continue;
		}
		if (!row_exists(ctx, target, c->vals[i].i, false))
			model_error(&ctx->errs, f->name, "invalid_reference", "%s：所选%s（ID %" PRId64
			            "）不存在或已删除", f->label, target->label, c->vals[i].i);
		else if (scoped && !row_exists(ctx, target, c->vals[i].i, true))
			model_error(&ctx->errs, f->name, "out_of_scope",
			            "%s：所选%s超出您的数据范围", f->label, target->label);
		else if (ctx->bulk) {
			/* bounded: the references that repeat (regions, chains) are
			 * found again at once; one per row (the row's own person)
			 * must not grow the cache with the file */
			if (!ctx->ref_seen)
				ctx->ref_seen = json_object();
			else if (json_object_size(ctx->ref_seen) >= REF_SEEN_MAX)
				json_object_clear(ctx->ref_seen);
			json_object_set_new(ctx->ref_seen, seen, json_true());
		}
	}
	for (size_t i = 0; i < c->nlinks; i++) {
		const struct link *l = c->links[i];
		const struct entity *target = model_find(l->entity);
		json_t *v;
		size_t k;
		json_array_foreach(c->link_ids[i], k, v) {
			if (!row_exists(ctx, target, json_integer_value(v), true))
				model_error(&ctx->errs, l->name, "invalid_reference",
				            "%s：%s（ID %" JSON_INTEGER_FORMAT "）不存在或已删除",
				            l->label, target->label, json_integer_value(v));
		}
	}
}

/* value of field f in the merged row as a bindable value */
static void merged_value(const struct field *f, json_t *row, struct sqlval *out)
{
	struct model_errors sink = {json_array(), json_array()};
	query_coerce(f, json_object_get(row, f->name), out, &sink);
	json_decref(sink.details);
	json_decref(sink.warnings);
}

static void check_unique(struct engine_ctx *ctx, const struct entity *e, int64_t id, json_t *row)
{
	bool natkey_known = ctx->natkey_absent && !id;
	/* single unique fields; a sensitive one is compared by its lookup hash */
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (!(f->flags & F_UNIQUE) || (natkey_known && (f->flags & F_NATKEY)))
			continue;
		struct sqlval v;
		merged_value(f, row, &v);
		bool sensitive = f->flags & F_SENSITIVE;
		if (v.type == SV_TEXT && sensitive) {
			char hash[65];
			crypto_lookup_hash(v.s, hash);
			free(v.s);
			v.s = xstrdup(hash);
		}
		if (v.type != SV_NULL) {
			char sql[256];
			snprintf(sql, sizeof(sql),
			         "SELECT count(*) FROM %s t WHERE t.%s%s = ? AND t.id <> ?%s", e->table,
			         f->name, sensitive ? "_hash" : "",
			         soft(e) ? " AND t.deleted_at IS NULL" : "");
			struct store_stmt *st = NULL;
			if (!store_prepare(ctx->db, sql, &st)) {
				struct sqlparams p = {0};
				params_add(&p, &v);
				params_int(&p, id);
				params_bind(&p, st, 1);
				if (store_step(st) == STORE_ROW && store_column_int(st, 0) > 0) {
					if (v.type == SV_TEXT && !sensitive)
						model_error(&ctx->errs, f->name, "duplicate",
						            "%s“%s”已存在", f->label, v.s);
					else
						model_error(&ctx->errs, f->name, "duplicate",
						            "该%s已有登记记录", f->label);
				}
				params_free(&p);
			}
			store_finalize(st);
		}
		free(v.s);
	}
	/* the natural key taken together, when it spans several fields */
	struct buf sql = BUF_INIT, labels = BUF_INIT;
	struct sqlparams p = {0};
	int nk = 0;
	const char *first = NULL;
	buf_printf(&sql, "SELECT count(*) FROM %s t WHERE t.id <> ?", e->table);
	params_int(&p, id);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (!(f->flags & F_NATKEY))
			continue;
		struct sqlval v;
		merged_value(f, row, &v);
		buf_printf(&sql, " AND t.%s = ?", f->name);
		buf_printf(&labels, "%s%s", nk ? "、" : "", f->label);
		params_add(&p, &v);
		free(v.s);
		first = first ? first : f->name;
		nk++;
	}
	if (soft(e))
		buf_puts(&sql, " AND t.deleted_at IS NULL");
	if (nk > 1 && !natkey_known) {
		struct store_stmt *st = NULL;
		if (!store_prepare(ctx->db, buf_cstr(&sql), &st)) {
			params_bind(&p, st, 1);
			if (store_step(st) == STORE_ROW && store_column_int(st, 0) > 0)
				model_error(&ctx->errs, first, "duplicate", "相同%s的%s已存在",
				            buf_cstr(&labels), e->label);
		}
		store_finalize(st);
	}
	params_free(&p);
	buf_free(&sql);
	buf_free(&labels);
}

static bool is_meta_key(const char *k)
{
	return !strcmp(k, "id") || !strcmp(k, "version") || !strcmp(k, "created_at") ||
	       !strcmp(k, "updated_at") || !strcmp(k, "_labels");
}

/* Collects and checks the fields of in; on update, existing is the current
 * row (NULL on create). Fills c and the merged row. */
static void collect(struct engine_ctx *ctx, const struct entity *e, json_t *in, json_t *existing,
                    struct change *c, json_t *merged)
{
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v) {
		if (is_meta_key(key))
			continue;
		const struct link *l = model_link(e, key);
		if (l) {
			bool ok = json_is_array(v);
			json_t *item;
			size_t k;
			json_array_foreach(v, k, item) ok &= json_is_integer(item);
			if (!ok) {
				model_error(&ctx->errs, key, "invalid_type", "%s应为记录ID数组", l->label);
			} else if (c->nlinks < 8) {
				c->links[c->nlinks] = l;
				c->link_ids[c->nlinks++] = v;
				json_object_set(merged, key, v);
			}
			continue;
		}
		const struct field *f = model_field(e, key);
		if (!f) {
			model_error(&ctx->errs, key, "unknown_field", "未知字段“%s”", key);
			continue;
		}
		if (f->flags & F_READONLY) {
			model_error(&ctx->errs, key, "readonly", "%s由系统维护，不能修改", f->label);
			continue;
		}
		struct sqlval val;
		if (!query_coerce(f, v, &val, &ctx->errs)) {
			free(val.s); /* a rejected text value is still owned by val */
			continue;
		}
		if (val.type == SV_NULL && (f->flags & F_REQUIRED)) {
			model_error(&ctx->errs, key, "required", "%s不能为空", f->label);
			free(val.s);
			continue;
		}
		if (c->n >= sizeof(c->vals) / sizeof(c->vals[0])) {
			free(val.s);
			continue;
		}
		c->fields[c->n] = f;
		c->vals[c->n++] = val;
		json_object_set_new(merged, key, query_value_json(f, &val));
	}
	if (!existing) {
		for (size_t i = 0; i < e->nfields; i++) {
			const struct field *f = &e->fields[i];
			if ((f->flags & F_REQUIRED) && !(f->flags & F_READONLY) &&
			    json_is_null(json_object_get(merged, f->name)) &&
			    !json_object_get(in, f->name))
				model_error(&ctx->errs, f->name, "required", "%s不能为空", f->label);
		}
	}
}

static json_t *diff(const struct entity *e, json_t *before, json_t *after)
{
	json_t *d = json_object();
	for (size_t i = 0; i < e->nfields + e->nlinks; i++) {
		const char *name = i < e->nfields ? e->fields[i].name : e->links[i - e->nfields].name;
		json_t *a = before ? json_object_get(before, name) : NULL;
		json_t *b = after ? json_object_get(after, name) : NULL;
		if (!a)
			a = json_null();
		if (!b)
			b = json_null();
		if (json_equal(a, b))
			continue;
		bool sensitive = i < e->nfields && (e->fields[i].flags & F_SENSITIVE);
		/* personal data never enters the audit trail in clear */
		json_object_set_new(d, name,
		                    sensitive ? json_pack("{s:s, s:s}", "old", json_is_null(a) ? "" : "***",
		                                          "new", json_is_null(b) ? "" : "***")
		                              : json_pack("{s:O, s:O}", "old", a, "new", b));
	}
	return d;
}

/* Whether e refers to itself (a parent in the same table): its rows are not
 * queued, since a row may refer to one queued under another column list. */
static bool self_referencing(const struct entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == FT_REF && !strcmp(e->fields[i].ref, e->name))
			return true;
	return false;
}

static bool seen_before(json_t *ids, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (json_integer_value(json_array_get(ids, j)) ==
		    json_integer_value(json_array_get(ids, k)))
			return true;
	return false;
}

/* The row's link rows, replacing any it had. A row created in bulk mode
 * has none to replace, and its link rows are queued with it (the ids
 * deduplicated here, as a queued INSERT has no ON CONFLICT). */
static enum xz_result write_links(struct engine_ctx *ctx, const struct change *c, int64_t id,
                                  bool created)
{
	bool queue = created && ctx->bulk;
	for (size_t i = 0; i < c->nlinks; i++) {
		const struct link *l = c->links[i];
		char sql[256];
		struct store_stmt *st = NULL;
		enum xz_result r;
		if (!queue) {
			snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?", l->table, l->self);
			if ((r = store_prepare(ctx->db, sql, &st)))
				return r;
			store_bind_int(st, 1, id);
			if (store_step(st) != STORE_DONE) {
				r = step_error(st);
				store_finalize(st);
				return r;
			}
			store_finalize(st);
		}
		snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, %s) VALUES (?, ?)%s", l->table, l->self,
		         l->other, queue ? "" : " ON CONFLICT DO NOTHING");
		if ((r = store_prepare_flags(ctx->db, sql, queue ? STORE_QUEUE : 0, &st)))
			return r;
		json_t *v;
		size_t k;
		json_array_foreach(c->link_ids[i], k, v) {
			if (queue && seen_before(c->link_ids[i], k))
				continue;
			store_bind_int(st, 1, id);
			store_bind_int(st, 2, json_integer_value(v));
			if (store_step(st) != STORE_DONE) {
				r = step_error(st);
				store_finalize(st);
				return r;
			}
			store_reset(st);
		}
		store_finalize(st);
	}
	return XZ_OK;
}

static enum xz_result check_writable(struct engine_ctx *ctx, const struct entity *e)
{
	if (e->flags & E_READONLY) {
		snprintf(ctx->message, sizeof(ctx->message), "%s只能查看，不能修改", e->label);
		return XZ_ERR_FORBIDDEN;
	}
	if (!e->scope && !ctx->actor->city_wide) {
		snprintf(ctx->message, sizeof(ctx->message),
		         "%s是全市共用的基础数据，只有市级用户可以修改", e->label);
		return XZ_ERR_FORBIDDEN;
	}
	return XZ_OK;
}

/* after the write, inside the transaction: the row must still be in scope */
static void check_still_visible(struct engine_ctx *ctx, const struct entity *e, int64_t id)
{
	/* an unrestricted actor sees every row it just wrote */
	if (!query_scope_restricted(ctx->actor, e) || row_exists(ctx, e, id, true))
		return;
	const char *field = e->scope && *e->scope ? e->scope : "code";
	char first[64], scope[160];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(field, "."), field);
	model_error(&ctx->errs, first, "out_of_scope", "保存后的记录将超出您的数据范围（%s）",
	            query_scope_describe(ctx->actor, scope, sizeof(scope)));
}

static void audit_failure(struct engine_ctx *ctx, const struct entity *e, const char *action,
                          int64_t id, enum xz_result r)
{
	if (ctx->no_audit)
		return;
	json_t *d = json_array_size(ctx->errs.details)
	                    ? json_pack("{s:O}", "errors", ctx->errs.details)
	                    : NULL;
	audit_write(ctx->db, ctx->actor, action, e->name, id, result_info(r)->code, d);
	json_decref(d);
}

static enum xz_result finish_validation(struct engine_ctx *ctx)
{
	if (json_array_size(ctx->errs.details))
		return XZ_ERR_VALIDATION;
	if (json_array_size(ctx->errs.warnings) && !ctx->confirm_warnings) {
		/* unconfirmed warnings block the write and are reported as details */
		json_array_extend(ctx->errs.details, ctx->errs.warnings);
		return XZ_ERR_VALIDATION;
	}
	return XZ_OK;
}

static int cmp_ids(const void *a, const void *b)
{
	json_int_t x = json_integer_value(*(json_t *const *)a);
	json_int_t y = json_integer_value(*(json_t *const *)b);
	return (x > y) - (x < y);
}

/* the same ids in any order */
static bool same_ids(json_t *a, json_t *b)
{
	size_t n = json_array_size(a);
	if (n != json_array_size(b))
		return false;
	json_t **x = xcalloc(n, sizeof(*x)), **y = xcalloc(n, sizeof(*y));
	for (size_t i = 0; i < n; i++)
		x[i] = json_array_get(a, i), y[i] = json_array_get(b, i);
	qsort(x, n, sizeof(*x), cmp_ids);
	qsort(y, n, sizeof(*y), cmp_ids);
	bool same = true;
	for (size_t i = 0; i < n && same; i++)
		same = json_integer_value(x[i]) == json_integer_value(y[i]);
	free(x);
	free(y);
	return same;
}

/* Whether applying c to the row before would change any value. */
static bool changes_anything(const struct change *c, json_t *before)
{
	for (size_t i = 0; i < c->n; i++) {
		json_t *now = query_value_json(c->fields[i], &c->vals[i]);
		json_t *was = json_object_get(before, c->fields[i]->name);
		bool same = was && (json_equal(now, was) ||
		                    (json_is_number(now) && json_is_number(was) &&
		                     json_number_value(now) == json_number_value(was)));
		json_decref(now);
		if (!same)
			return true;
	}
	for (size_t i = 0; i < c->nlinks; i++)
		if (!same_ids(c->link_ids[i], json_object_get(before, c->links[i]->name)))
			return true;
	return false;
}

/* Fields a validation hook filled in the merged row (a birth date taken
 * from the 身份证号) join the change like fields the client sent. */
static void add_derived(struct engine_ctx *ctx, const struct entity *e, struct change *c,
                        json_t *merged, json_t *before)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		bool present = false;
		for (size_t k = 0; k < c->n; k++)
			present |= c->fields[k] == f;
		json_t *now = json_object_get(merged, f->name);
		json_t *was = before ? json_object_get(before, f->name) : NULL;
		if (present || !now || json_is_null(now) || (was && json_equal(now, was)) ||
		    c->n >= sizeof(c->vals) / sizeof(c->vals[0]))
			continue;
		struct sqlval v;
		if (query_coerce(f, now, &v, &ctx->errs)) {
			c->fields[c->n] = f;
			c->vals[c->n++] = v;
		}
	}
}

/* Replaces sensitive values by their sealed form and adds the lookup hash
 * of unique ones; runs after validation, which needs the plain values. */
static enum xz_result seal_change(struct engine_ctx *ctx, struct change *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct field *f = c->fields[i];
		struct sqlval *v = &c->vals[i];
		if (!(f->flags & F_SENSITIVE) || v->type != SV_TEXT)
			continue;
		char *sealed = crypto_seal(v->s);
		if (!sealed) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "未加载数据密钥，不能保存%s等个人信息", f->label);
			return XZ_ERR_INTERNAL;
		}
		if ((f->flags & F_UNIQUE) && c->nextra < 8) {
			char hash[65];
			crypto_lookup_hash(v->s, hash);
			snprintf(c->extra_names[c->nextra], sizeof(c->extra_names[0]), "%s_hash",
			         f->name);
			c->extra_vals[c->nextra].type = SV_TEXT;
			c->extra_vals[c->nextra++].s = xstrdup(hash);
		}
		free(v->s);
		v->s = sealed;
	}
	return XZ_OK;
}

static void bind_change(const struct change *c, struct store_stmt *st, int *idx)
{
	for (size_t i = 0; i < c->n; i++) {
		struct sqlparams one = {(struct sqlval *)&c->vals[i], 1, 1};
		params_bind(&one, st, (*idx)++);
	}
	for (size_t i = 0; i < c->nextra; i++) {
		struct sqlparams one = {(struct sqlval *)&c->extra_vals[i], 1, 1};
		params_bind(&one, st, (*idx)++);
	}
}

/* The common end of create and update, inside their transaction: the row
 * must still be visible to the actor and its warnings confirmed; then the
 * audit row (field-level diff against before, NULL on create) is written
 * and the transaction committed. *after receives the saved row. */
static enum xz_result finish_write(struct engine_ctx *ctx, const struct entity *e,
                                   const char *action, int64_t id, json_t *before, json_t **after)
{
	check_still_visible(ctx, e, id);
	enum xz_result r = finish_validation(ctx);
	if (!r)
		r = load_row(ctx, e, id, after);
	if (!r)
		r = changes_log(ctx->db, e, id, strcmp(action, "create") ? CHANGE_UPDATE : CHANGE_CREATE);
	if (!r && !ctx->no_audit) {
		json_t *d = json_pack("{s:o, s:O?}", "changes", diff(e, before, *after), "version",
		                      json_object_get(*after, "version"));
		if (json_array_size(ctx->errs.warnings))
			json_object_set(d, "warnings", ctx->errs.warnings);
		r = audit_write(ctx->db, ctx->actor, action, e->name, id, "ok", d);
		json_decref(d);
	}
	return r ? r : store_commit(ctx->db);
}

enum xz_result engine_create(struct engine_ctx *ctx, const struct entity *e, json_t *in,
                             json_t **out)
{
	struct change c = {0};
	struct buf sql = BUF_INIT;
	struct store_stmt *st = NULL;
	json_t *merged = json_object(), *after = NULL;
	int64_t id = 0;
	*out = NULL;
	enum xz_result r = check_writable(ctx, e);
	if (r)
		goto out;
	if (!json_is_object(in)) {
		r = XZ_ERR_BAD_REQUEST;
		snprintf(ctx->message, sizeof(ctx->message), "请求体应为 JSON 对象");
		goto out;
	}
	for (size_t i = 0; i < e->nfields; i++)
		json_object_set_new(merged, e->fields[i].name, json_null());
	collect(ctx, e, in, NULL, &c, merged);
	if (!ctx->bulk && (r = store_begin(ctx->db)))
		goto out;
	check_refs(ctx, &c);
	check_unique(ctx, e, 0, merged);
	if (e->validate && !json_array_size(ctx->errs.details))
		e->validate(e, ctx->db, 0, merged, &ctx->errs);
	add_derived(ctx, e, &c, merged, NULL);
	if (e->frozen && !json_array_size(ctx->errs.details) &&
	    e->frozen(e, ctx->db, merged, "新增", ctx->message, sizeof(ctx->message))) {
		r = XZ_ERR_CONFLICT;
		goto fail;
	}
	if ((r = finish_validation(ctx)) || (r = seal_change(ctx, &c)))
		goto fail;

	char now[32];
	util_now_iso(now, sizeof(now));
	struct buf marks = BUF_INIT;
	buf_printf(&sql, "INSERT INTO %s (", e->table);
	for (size_t i = 0; i < c.n + c.nextra; i++) {
		if (i)
			buf_puts(&sql, ", ");
		buf_puts(&sql, i < c.n ? c.fields[i]->name : c.extra_names[i - c.n]);
		buf_puts(&marks, i ? ", ?" : "?");
	}
	if (!(e->flags & E_NO_TIMESTAMPS)) {
		bool any = c.n + c.nextra > 0;
		buf_puts(&sql, any ? ", created_at, updated_at" : "created_at, updated_at");
		buf_puts(&marks, any ? ", ?, ?" : "?, ?");
		/* who created the row: the own scope's rule (NULL for the system) */
		buf_printf(&sql, ", %s", query_owner_column(e));
		buf_puts(&marks, ", ?");
	}
	buf_printf(&sql, ") VALUES (%s)", buf_cstr(&marks));
	buf_free(&marks);
	/* an import's new rows may be queued and sent together (COPY on
	 * PostgreSQL): the importer tracks their natural keys meanwhile */
	int flags = ctx->bulk && !self_referencing(e) ? STORE_QUEUE : 0;
	if ((r = store_prepare_flags(ctx->db, buf_cstr(&sql), flags, &st)))
		goto fail;
	int idx = 1;
	bind_change(&c, st, &idx);
	if (!(e->flags & E_NO_TIMESTAMPS)) {
		store_bind_text(st, idx++, now);
		store_bind_text(st, idx++, now);
		if (ctx->actor->user_id)
			store_bind_int(st, idx++, ctx->actor->user_id);
		else
			store_bind_null(st, idx++);
	}
	if (store_step(st) != STORE_DONE) {
		r = step_error(st);
		goto fail;
	}
	id = store_last_insert_id(ctx->db);
	if ((r = write_links(ctx, &c, id, true)))
		goto fail;
	if (ctx->bulk) {
		check_still_visible(ctx, e, id);
		if ((r = finish_validation(ctx)))
			goto fail;
		after = json_pack("{s:I, s:i}", "id", (json_int_t)id, "version", 1);
	} else if ((r = finish_write(ctx, e, "create", id, NULL, &after))) {
		goto fail;
	}
	if (e->changed && !store_in_tx(ctx->db))
		e->changed(e, id, CHANGE_CREATE);
	query_mask_row(e, after);
	*out = after;
	after = NULL;
	goto out;
fail:
	if (!ctx->bulk) {
		store_rollback(ctx->db);
		audit_failure(ctx, e, "create", 0, r);
	}
out:
	store_finalize(st);
	change_free(&c);
	buf_free(&sql);
	json_decref(merged);
	json_decref(after);
	return r;
}

enum xz_result engine_update(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                             json_t *patch, json_t **out)
{
	struct change c = {0};
	struct buf sql = BUF_INIT;
	struct store_stmt *st = NULL;
	json_t *before = NULL, *merged = NULL, *after = NULL;
	*out = NULL;
	enum xz_result r = check_writable(ctx, e);
	if (r)
		goto out;
	if (!json_is_object(patch)) {
		r = XZ_ERR_BAD_REQUEST;
		snprintf(ctx->message, sizeof(ctx->message), "请求体应为 JSON 对象");
		goto out;
	}
	json_t *ver = json_object_get(patch, "version");
	if (!json_is_integer(ver)) {
		model_error(&ctx->errs, "version", "required",
		            "修改时须提交读取到的版本号 version，以防覆盖他人的修改");
		r = XZ_ERR_VALIDATION;
		goto out;
	}
	if ((r = store_begin(ctx->db)))
		goto out;
	if ((r = load_row(ctx, e, id, &before)))
		goto fail;
	if (json_integer_value(json_object_get(before, "version")) != json_integer_value(ver)) {
		r = XZ_ERR_CONFLICT;
		goto fail;
	}
	if ((r = workflow_check_editable(ctx, e, before, "修改")))
		goto fail;
	merged = json_deep_copy(before);
	collect(ctx, e, patch, before, &c, merged);
	check_refs(ctx, &c);
	check_unique(ctx, e, id, merged);
	if (e->validate && !json_array_size(ctx->errs.details))
		e->validate(e, ctx->db, id, merged, &ctx->errs);
	add_derived(ctx, e, &c, merged, before);
	if ((r = finish_validation(ctx)))
		goto fail;
	if (!changes_anything(&c, before)) {
		/* nothing to write: no new version, no audit row (a re-import
		 * of an unchanged export must leave the data as it was) */
		store_rollback(ctx->db);
		query_mask_row(e, before);
		*out = before;
		before = NULL;
		goto out;
	}
	if ((r = seal_change(ctx, &c)))
		goto fail;

	char now[32];
	util_now_iso(now, sizeof(now));
	buf_printf(&sql, "UPDATE %s SET ", e->table);
	for (size_t i = 0; i < c.n + c.nextra; i++)
		buf_printf(&sql, "%s = ?, ", i < c.n ? c.fields[i]->name : c.extra_names[i - c.n]);
	buf_puts(&sql, "version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
	if ((r = store_prepare(ctx->db, buf_cstr(&sql), &st)))
		goto fail;
	int idx = 1;
	bind_change(&c, st, &idx);
	store_bind_text(st, idx++, now);
	store_bind_int(st, idx++, id);
	store_bind_int(st, idx++, json_integer_value(ver));
	if (store_step(st) != STORE_DONE) {
		r = step_error(st);
		goto fail;
	}
	if (store_changes(ctx->db) != 1) {
		r = XZ_ERR_CONFLICT;
		goto fail;
	}
	if ((r = write_links(ctx, &c, id, false)))
		goto fail;
	if ((r = finish_write(ctx, e, "update", id, before, &after)))
		goto fail;
	if (e->changed && !store_in_tx(ctx->db))
		e->changed(e, id, CHANGE_UPDATE);
	query_mask_row(e, after);
	*out = after;
	after = NULL;
	goto out;
fail:
	store_rollback(ctx->db);
	if (r != XZ_ERR_NOT_FOUND)
		audit_failure(ctx, e, "update", id, r);
out:
	store_finalize(st);
	change_free(&c);
	buf_free(&sql);
	json_decref(before);
	json_decref(merged);
	json_decref(after);
	return r;
}

/* Counts live rows of every entity that refer to (e, id); adds a detail per
 * referring entity. */
static int64_t count_referrers(struct engine_ctx *ctx, const struct entity *e, int64_t id)
{
	int64_t total = 0;
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *o = model_at(i);
		/* read-only rows are history (catalog entries): a soft-deleted row
		 * stays, so their reference to it stays good and must not block */
		if ((o->flags & E_READONLY) && soft(e))
			continue;
		for (size_t k = 0; k < o->nfields; k++) {
			const struct field *f = &o->fields[k];
			if (f->type != FT_REF || strcmp(f->ref, e->name))
				continue;
			char sql[256], idbuf[24];
			const char *args[] = {idbuf};
			int64_t n = 0;
			snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s t WHERE t.%s = ?%s%s", o->table,
			         f->name, o->flags & E_SOFT_DELETE ? " AND t.deleted_at IS NULL" : "",
			         o == e ? " AND t.id <> ?" : "");
			const char *args2[] = {idbuf, idbuf};
			store_query_int(ctx->db, sql, &n, o == e ? 2 : 1, o == e ? args2 : args);
			if (n > 0) {
				model_error(&ctx->errs, o->name, "referenced",
				            "被 %" PRId64 " 条%s（%s）引用", n, o->label, f->label);
				total += n;
			}
		}
		for (size_t k = 0; k < o->nlinks; k++) {
			const struct link *l = &o->links[k];
			if (strcmp(l->entity, e->name))
				continue;
			char sql[512], idbuf[24];
			const char *args[] = {idbuf};
			int64_t n = 0;
			snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
			snprintf(sql, sizeof(sql),
			         "SELECT count(*) FROM %s x JOIN %s t ON t.id = x.%s WHERE x.%s = ?%s",
			         l->table, o->table, l->self, l->other,
			         o->flags & E_SOFT_DELETE ? " AND t.deleted_at IS NULL" : "");
			store_query_int(ctx->db, sql, &n, 1, args);
			if (n > 0) {
				model_error(&ctx->errs, o->name, "referenced",
				            "被 %" PRId64 " 条%s（%s）引用", n, o->label, l->label);
				total += n;
			}
		}
	}
	return total;
}

enum xz_result engine_delete(struct engine_ctx *ctx, const struct entity *e, int64_t id)
{
	json_t *before = NULL;
	struct store_stmt *st = NULL;
	enum xz_result r = check_writable(ctx, e);
	if (r)
		goto out;
	if ((r = store_begin(ctx->db)))
		goto out;
	if ((r = load_row(ctx, e, id, &before)))
		goto fail;
	if ((r = workflow_check_editable(ctx, e, before, "删除")))
		goto fail;
	if (count_referrers(ctx, e, id) > 0) {
		snprintf(ctx->message, sizeof(ctx->message), "该%s正被其他数据引用，不能删除：%s",
		         e->label,
		         json_string_value(json_object_get(json_array_get(ctx->errs.details, 0),
		                                           "message")));
		r = XZ_ERR_REFERENCED;
		goto fail;
	}
	char sql[256], now[32];
	util_now_iso(now, sizeof(now));
	if (soft(e))
		snprintf(sql, sizeof(sql),
		         "UPDATE %s SET deleted_at = ?, version = version + 1 WHERE id = ?", e->table);
	else
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ? AND ? IS NOT NULL", e->table);
	if ((r = store_prepare(ctx->db, sql, &st)))
		goto fail;
	if (soft(e)) {
		store_bind_text(st, 1, now);
		store_bind_int(st, 2, id);
	} else {
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, now);
	}
	if (store_step(st) != STORE_DONE) {
		r = step_error(st);
		goto fail;
	}
	if (!ctx->no_audit) {
		json_t *d = json_pack("{s:o, s:b}", "changes", diff(e, before, NULL), "soft", soft(e));
		r = audit_write(ctx->db, ctx->actor, "delete", e->name, id, "ok", d);
		json_decref(d);
		if (r)
			goto fail;
	}
	if ((r = changes_log(ctx->db, e, id, CHANGE_DELETE)))
		goto fail;
	r = store_commit(ctx->db);
	if (r)
		goto fail;
	if (e->changed && !store_in_tx(ctx->db))
		e->changed(e, id, CHANGE_DELETE);
	goto out;
fail:
	store_rollback(ctx->db);
	if (r != XZ_ERR_NOT_FOUND)
		audit_failure(ctx, e, "delete", id, r);
out:
	store_finalize(st);
	json_decref(before);
	return r;
}
