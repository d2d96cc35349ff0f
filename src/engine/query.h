/*
 * The list query builder: turns list parameters (filters, q, sort, page,
 * size) into SQL text with '?' placeholders and a parallel list of bound
 * values. Parameter values never enter the SQL text; field names do, but
 * only after they are matched against the descriptor. Exposed for the unit
 * tests; callers use engine_list().
 *
 * Ownership: query_free() releases the SQL text and bound values.
 */
#ifndef XZ_QUERY_H
#define XZ_QUERY_H

#include "core/buf.h"
#include "engine/engine.h"

enum sqlval_type { SV_NULL, SV_INT, SV_REAL, SV_TEXT };

struct sqlval {
	enum sqlval_type type;
	int64_t i;
	double d;
	char *s; /* owned */
};

struct sqlparams {
	struct sqlval *v;
	size_t n, cap;
};

void params_text(struct sqlparams *p, const char *s);
void params_int(struct sqlparams *p, int64_t i);
void params_real(struct sqlparams *p, double d);
void params_null(struct sqlparams *p);
void params_add(struct sqlparams *p, const struct sqlval *v); /* copies */
void params_bind(const struct sqlparams *p, struct store_stmt *st, int first);
void params_free(struct sqlparams *p);

struct list_query {
	struct buf where; /* " AND ..." conditions after the base WHERE */
	struct sqlparams where_params;
	struct buf order; /* "t.name ASC, t.id ASC" */
	int64_t page, size;
};

/* Parses params into q; errors go to errs->details (field = parameter). */
enum xz_result query_parse(struct store *db, const struct entity *e, const struct kv *params,
                           size_t n, struct list_query *q, struct model_errors *errs);
void query_free(struct list_query *q);

/* Appends " AND <row t is visible to actor>" (nothing for unrestricted
 * actors or unscoped entities), by the actor's scope kind (engine/scope.c). */
void query_scope(const struct entity *e, const struct actor *a, struct buf *sql,
                 struct sqlparams *p);
/* The same for domain SQL whose row of e is aliased alias ("p" in
 * "FROM project p"); bind p after the statement's earlier parameters. */
void query_scope_as(const struct entity *e, const struct actor *a, const char *alias,
                    struct buf *sql, struct sqlparams *p);
/* Whether query_scope() restricts entity e for actor a at all. */
bool query_scope_restricted(const struct actor *a, const struct entity *e);
/* For domain SQL: appends a condition, without a leading AND, that the
 * region code in column col (e.g. "r.code") lies in the actor's regions;
 * "1=1" when regions do not restrict the actor (all, own). */
void query_scope_region_sql(const struct actor *a, const char *col, struct buf *sql,
                            struct sqlparams *p);
/* For domain code holding a region code: whether the actor's regions reach
 * it (always true for all and own, whose rule is not a region). */
bool query_scope_region_visible(const struct actor *a, const char *region_code);
/* The region code new rows of the actor go to by default (its own region
 * when its scope reaches it, else its first custom region); NULL for none. */
const char *query_scope_home_region(const struct actor *a);
/* The ids of the live rows of e visible to a, sorted (for in-memory
 * indexes that hold no owner, e.g. matching under the own scope); the
 * caller frees *ids. query_scope_ids_has() looks one up. */
enum xz_result query_scope_ids(struct store *db, const struct entity *e, const struct actor *a,
                               int64_t **ids, size_t *n);
bool query_scope_ids_has(const int64_t *ids, size_t n, int64_t id);
/* The column holding the id of the user who created a row of e. */
const char *query_owner_column(const struct entity *e);
/* The actor's scope for messages: "本区划 320281", "自定义区划 320281、320282" … */
const char *query_scope_describe(const struct actor *a, char *out, size_t n);
/* The select list for a row: id, version, timestamps, fields, link arrays
 * and reference labels, in the order engine_row_json() reads them. */
void query_select(struct store *db, const struct entity *e, struct buf *sql);
json_t *query_row_json(const struct entity *e, struct store_stmt *st);
/* Replaces sensitive values with their masked form (lists and exports). */
void query_mask_row(const struct entity *e, json_t *row);

/* Converts a JSON value to a bindable value for field f, checking its type
 * and constraints; records an error and returns false when invalid. The
 * value null (or "") yields SV_NULL; required-ness is checked by the caller. */
bool query_coerce(const struct field *f, json_t *v, struct sqlval *out,
                  struct model_errors *errs);
/* The same for a text value from a query string or a CSV cell. */
bool query_coerce_text(const struct field *f, const char *s, struct sqlval *out,
                       struct model_errors *errs);
/* JSON for a stored value of field f */
json_t *query_value_json(const struct field *f, const struct sqlval *v);

#endif
