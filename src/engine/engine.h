/*
 * The generic entity engine: list, get, create, update and delete over any
 * descriptor, with validation, data scope, optimistic concurrency, soft
 * delete, reference protection and audit applied the same way to every
 * entity. The engine knows nothing of HTTP; the HTTP and CLI faces call it
 * with an engine_ctx describing who acts.
 *
 * Ownership: JSON results (*out) belong to the caller (json_decref). The
 * ctx's errs.details / errs.warnings arrays are created by engine_ctx_init()
 * and released by engine_ctx_free(); on XZ_ERR_VALIDATION, XZ_ERR_DUPLICATE
 * and XZ_ERR_REFERENCED they say which fields or rows are at fault.
 */
#ifndef XZ_ENGINE_H
#define XZ_ENGINE_H

#include "core/result.h"
#include "model/model.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* The data scope kinds (数据权限), as stored in user.scope. SCOPE_DEFAULT
 * ('' in the database, and any zero-initialised actor) keeps the rule that
 * predates the kinds: SCOPE_REGION_TREE when the actor has a region, else
 * SCOPE_ALL. What each kind lets through is decided in one place,
 * query_scope() and its helpers in engine/query.h. */
enum scope_kind {
	SCOPE_DEFAULT = 0,
	SCOPE_ALL,         /* 全部数据 */
	SCOPE_CUSTOM,      /* 自定义区划: the listed regions and below */
	SCOPE_REGION,      /* 本区划: exactly the actor's region */
	SCOPE_REGION_TREE, /* 本区划及下级 */
	SCOPE_OWN,         /* 仅本人录入: rows the actor created */
};

#define SCOPE_MAX_REGIONS 32

/* Who acts: filled by auth from a session or token, or by the CLI. */
struct actor {
	int64_t user_id;         /* 0 for the system (CLI, demo seeding) */
	const char *username;
	const char *role;
	const char *ip;
	unsigned perms;          /* enum perm bits */
	const char *region_code; /* NULL: no region restriction */
	/* code prefix covering the region and below ("3202" for 320200);
	 * NULL when unrestricted */
	const char *region_prefix;
	/* true only for SCOPE_ALL, or SCOPE_REGION / SCOPE_REGION_TREE at the
	 * city level: who may write city-wide reference data */
	bool city_wide;
	enum scope_kind scope;
	/* SCOPE_CUSTOM: the listed region codes (nscope_regions of them; none
	 * means no scoped row at all) */
	const char *const *scope_regions;
	size_t nscope_regions;
};

struct engine_ctx {
	struct store *db;
	const struct actor *actor;
	bool confirm_warnings; /* accept warnings (e.g. a pilot-region credit code) */
	bool no_audit;         /* bulk seeding writes one summary row instead */
	/* Bulk mode, for imports: the caller holds the one transaction and rolls
	 * all of it back on any error, so a create takes no savepoint, does not
	 * read the row back (*out is just {id, version}) and writes no audit row
	 * of its own (the caller writes one for the whole file); references
	 * already checked are remembered in ref_seen. Updates are unchanged. */
	bool bulk;
	json_t *ref_seen;
	/* set by an importer that has just looked the record's natural key up
	 * in this transaction and found nothing: create skips that check */
	bool natkey_absent;
	struct model_errors errs;
	char message[256]; /* a specific message for the failure, or "" */
};

struct kv {
	const char *key, *value;
};

void engine_ctx_init(struct engine_ctx *ctx, struct store *db, const struct actor *actor);
void engine_ctx_free(struct engine_ctx *ctx);

/* The system actor: every permission, no region restriction. */
const struct actor *engine_system_actor(void);

/* List with filters, q, sort and paging given as query parameters.
 * *out = {items, total, page, size}. XZ_ERR_BAD_REQUEST with details for
 * unknown or malformed parameters. */
enum xz_result engine_list(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                           size_t nparams, json_t **out);
/* Calls fn for every row matching the list parameters (page and size are
 * ignored), in list order, streaming from the database; stops at the first
 * non-XZ_OK result of fn and returns it. Rows are masked when mask is set;
 * fn must not keep the row without json_incref. */
typedef enum xz_result (*engine_row_fn)(void *cls, json_t *row);
enum xz_result engine_scan(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                           size_t nparams, bool mask, engine_row_fn fn, void *cls);
/* XZ_ERR_NOT_FOUND when missing, deleted or out of the actor's scope. */
enum xz_result engine_get(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                          json_t **out);
enum xz_result engine_create(struct engine_ctx *ctx, const struct entity *e, json_t *in,
                             json_t **out);
/* patch must carry the "version" the client last read; XZ_ERR_CONFLICT when
 * the row has changed since. */
enum xz_result engine_update(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                             json_t *patch, json_t **out);
/* XZ_ERR_REFERENCED (details name the referring entities) when live rows
 * refer to it. Soft-deleting entities keep the row with deleted_at set. */
enum xz_result engine_delete(struct engine_ctx *ctx, const struct entity *e, int64_t id);

/* The clear value of a sensitive field of one row, as {id, field, value};
 * writes a "reveal" audit row. The caller checks the permission. */
enum xz_result engine_reveal(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                             const char *field, json_t **out);

/* A row with its sensitive values in clear, not audited: for callers that
 * hold PERM_PII_REVEAL and write their own audit row (exports, dossiers). */
enum xz_result engine_get_unmasked(struct engine_ctx *ctx, const struct entity *e, int64_t id,
                                   json_t **out);

/* Looks up a live row's id by its unique field value (e.g. region by code),
 * ignoring scope; 0 when not found. */
int64_t engine_find_id(struct store *db, const struct entity *e, const char *field,
                       const char *value);

/* Region code prefix covering a region and its subtree: "3202" for the city
 * 320200, "320281" for a county, the full code for a town. out needs
 * strlen(code)+1 bytes. */
void engine_region_prefix(const char *code, char *out);

/* "all", "custom", "region", "region_tree", "own" ("" for SCOPE_DEFAULT),
 * and back; engine_scope_parse() returns false for an unknown name. */
const char *engine_scope_name(enum scope_kind k);
bool engine_scope_parse(const char *name, enum scope_kind *out);
/* The kind in force: SCOPE_DEFAULT resolved by the actor's region. */
enum scope_kind engine_scope_effective(const struct actor *a);

#endif
