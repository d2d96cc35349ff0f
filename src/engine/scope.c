/*
 * Data scope (数据权限), in one place. An actor's scope kind decides which
 * rows of a scoped entity it may read and write: all of them, those whose
 * region is one of a custom list of regions or below, those exactly in its
 * region, those in its region or below, or only the rows it created itself.
 * The engine applies query_scope() to every list, get, update, delete,
 * import and export; domain code that reads the tables itself (matching,
 * staffing, catalogs, dossier import) asks query_scope_region_visible() about
 * a region code it holds, or appends query_scope_region_sql() to its own
 * SQL, so no module interprets an actor's region by itself. Entities
 * without a scope path are city-wide reference data: readable by everyone,
 * writable only by city-wide actors (engine/crud.c). The SQL built here is
 * plain SQL with bound parameters; LIKE patterns come from the store.
 */
#include "engine/query.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scope_names[] = {
    [SCOPE_DEFAULT] = "",
    [SCOPE_ALL] = "all",
    [SCOPE_CUSTOM] = "custom",
    [SCOPE_REGION] = "region",
    [SCOPE_REGION_TREE] = "region_tree",
    [SCOPE_OWN] = "own",
};

const char *engine_scope_name(enum scope_kind k)
{
	return (size_t)k < sizeof(scope_names) / sizeof(scope_names[0]) ? scope_names[k] : "";
}

bool engine_scope_parse(const char *name, enum scope_kind *out)
{
	for (size_t i = 0; i < sizeof(scope_names) / sizeof(scope_names[0]); i++) {
		if (name && !strcmp(name, scope_names[i])) {
			*out = (enum scope_kind)i;
			return true;
		}
	}
	return false;
}

enum scope_kind engine_scope_effective(const struct actor *a)
{
	if (a->scope != SCOPE_DEFAULT)
		return a->scope;
	return a->region_prefix || a->region_code ? SCOPE_REGION_TREE : SCOPE_ALL;
}

const char *query_owner_column(const struct entity *e)
{
	/* a descriptor that shows its creator's name as created_by keeps the
	 * creator's id beside it */
	return model_field(e, "created_by") ? "created_by_id" : "created_by";
}

bool query_scope_restricted(const struct actor *a, const struct entity *e)
{
	if (!e->scope)
		return false;
	switch (engine_scope_effective(a)) {
	case SCOPE_ALL:
		return false;
	case SCOPE_OWN:
		/* the regions themselves are not anybody's records */
		return *e->scope != '\0';
	default:
		return true;
	}
}

/* The subtree prefix of the actor's own region ("3202" for 320200). */
static void own_prefix(const struct actor *a, char *out, size_t n)
{
	if (a->region_prefix) {
		snprintf(out, n, "%s", a->region_prefix);
	} else if (a->region_code && strlen(a->region_code) < n) {
		engine_region_prefix(a->region_code, out);
	} else {
		out[0] = '\0';
	}
}

static void like_prefix(const char *col, const char *prefix, struct buf *sql, struct sqlparams *p)
{
	char *pattern = store_like_pattern(prefix, true);
	buf_printf(sql, "%s LIKE ? ESCAPE '\\'", col);
	params_text(p, pattern);
	free(pattern);
}

void query_scope_region_sql(const struct actor *a, const char *col, struct buf *sql,
                            struct sqlparams *p)
{
	char prefix[32];
	switch (engine_scope_effective(a)) {
	case SCOPE_ALL:
	case SCOPE_OWN:
		buf_puts(sql, "1=1");
		return;
	case SCOPE_REGION:
		if (!a->region_code) {
			buf_puts(sql, "1=0"); /* fail closed: a region scope needs a region */
			return;
		}
		buf_printf(sql, "%s = ?", col);
		params_text(p, a->region_code);
		return;
	case SCOPE_CUSTOM:
		if (!a->nscope_regions) {
			buf_puts(sql, "1=0");
			return;
		}
		buf_putc(sql, '(');
		for (size_t i = 0; i < a->nscope_regions; i++) {
			if (i)
				buf_puts(sql, " OR ");
			if (strlen(a->scope_regions[i]) >= sizeof(prefix)) {
				buf_puts(sql, "1=0");
				continue;
			}
			engine_region_prefix(a->scope_regions[i], prefix);
			like_prefix(col, prefix, sql, p);
		}
		buf_putc(sql, ')');
		return;
	case SCOPE_REGION_TREE:
	case SCOPE_DEFAULT:
		own_prefix(a, prefix, sizeof(prefix));
		if (!prefix[0]) {
			buf_puts(sql, "1=0");
			return;
		}
		like_prefix(col, prefix, sql, p);
		return;
	}
	buf_puts(sql, "1=0");
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool query_scope_region_visible(const struct actor *a, const char *region_code)
{
	char prefix[32];
	switch (engine_scope_effective(a)) {
	case SCOPE_ALL:
	case SCOPE_OWN:
		return true;
	case SCOPE_REGION:
		return a->region_code && region_code && !strcmp(a->region_code, region_code);
	case SCOPE_CUSTOM:
		for (size_t i = 0; region_code && i < a->nscope_regions; i++) {
			if (strlen(a->scope_regions[i]) >= sizeof(prefix))
				continue;
			engine_region_prefix(a->scope_regions[i], prefix);
			if (starts_with(region_code, prefix))
				return true;
		}
		return false;
	case SCOPE_REGION_TREE:
	case SCOPE_DEFAULT:
		own_prefix(a, prefix, sizeof(prefix));
		return prefix[0] && region_code && starts_with(region_code, prefix);
	}
	return false;
}

void query_scope_as(const struct entity *e, const struct actor *a, const char *alias,
                    struct buf *sql, struct sqlparams *p)
{
	if (!query_scope_restricted(a, e))
		return;
	if (engine_scope_effective(a) == SCOPE_OWN) {
		buf_printf(sql, " AND %s.%s = ?", alias, query_owner_column(e));
		params_int(p, a->user_id);
		return;
	}
	if (!*e->scope) {
		char col[64];
		snprintf(col, sizeof(col), "%s.code", alias);
		buf_puts(sql, " AND ");
		query_scope_region_sql(a, col, sql, p);
		return;
	}
	/* enterprise_id.region_id: t.enterprise_id IN (SELECT id FROM enterprise
	 * WHERE region_id IN (SELECT id FROM region WHERE <code in scope>)) */
	char path[128];
	snprintf(path, sizeof(path), "%s", e->scope);
	const struct entity *cur = e;
	int depth = 0;
	char *save = NULL;
	buf_puts(sql, " AND ");
	for (char *hop = strtok_r(path, ".", &save); hop; hop = strtok_r(NULL, ".", &save)) {
		const struct field *f = model_field(cur, hop);
		cur = model_find(f->ref);
		buf_printf(sql, "%s%s%s IN (SELECT id FROM %s WHERE ", depth ? "" : alias,
		           depth ? "" : ".", hop, cur->table);
		depth++;
	}
	query_scope_region_sql(a, "code", sql, p);
	for (int i = 0; i < depth; i++)
		buf_putc(sql, ')');
}

void query_scope(const struct entity *e, const struct actor *a, struct buf *sql,
                 struct sqlparams *p)
{
	query_scope_as(e, a, "t", sql, p);
}

const char *query_scope_home_region(const struct actor *a)
{
	if (a->region_code && query_scope_region_visible(a, a->region_code))
		return a->region_code;
	if (engine_scope_effective(a) == SCOPE_CUSTOM && a->nscope_regions)
		return a->scope_regions[0];
	return a->region_code;
}

const char *query_scope_describe(const struct actor *a, char *out, size_t n)
{
	switch (engine_scope_effective(a)) {
	case SCOPE_ALL:
		snprintf(out, n, "全部数据");
		break;
	case SCOPE_OWN:
		snprintf(out, n, "仅本人录入");
		break;
	case SCOPE_REGION:
		snprintf(out, n, "本区划 %s", a->region_code ? a->region_code : "");
		break;
	case SCOPE_CUSTOM: {
		size_t len = (size_t)snprintf(out, n, "自定义区划");
		for (size_t i = 0; i < a->nscope_regions && len < n; i++)
			len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "、" : " ",
			                        a->scope_regions[i]);
		break;
	}
	default:
		snprintf(out, n, "%s", a->region_code ? a->region_code : "");
		break;
	}
	return out;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

enum xz_result query_scope_ids(struct store *db, const struct entity *e, const struct actor *a,
                               int64_t **ids, size_t *n)
{
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	struct store_stmt *st = NULL;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	buf_printf(&sql, "SELECT t.id FROM %s t WHERE 1=1", e->table);
	if (e->flags & E_SOFT_DELETE)
		buf_puts(&sql, " AND t.deleted_at IS NULL");
	query_scope(e, a, &sql, &p);
	enum xz_result r = store_prepare(db, buf_cstr(&sql), &st);
	if (!r) {
		params_bind(&p, st, 1);
		enum store_step s;
		while ((s = store_step(st)) == STORE_ROW) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				*ids = xrealloc(*ids, cap * sizeof(**ids));
			}
			(*ids)[(*n)++] = store_column_int(st, 0);
		}
		if (s != STORE_DONE)
			r = store_stmt_result(st);
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	if (r) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	} else if (*n) {
		qsort(*ids, *n, sizeof(**ids), cmp_id);
	}
	return r;
}

bool query_scope_ids_has(const int64_t *ids, size_t n, int64_t id)
{
	return bsearch(&id, ids, n, sizeof(*ids), cmp_id) != NULL;
}
