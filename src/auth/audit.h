/*
 * The audit trail. Each row records who did what, when, from where, to
 * which record, the field-level change and the result, and carries the
 * SM3 hash of its content chained to the previous row's hash, so editing,
 * deleting or reordering any row breaks the chain that audit_verify() walks.
 *
 * audit_write() joins the caller's transaction when there is one (so a
 * change and its audit row commit together) and otherwise runs its own.
 */
#ifndef XZ_AUDIT_H
#define XZ_AUDIT_H

#include "core/result.h"
#include "engine/engine.h"

#include <jansson.h>

/* detail may be NULL; it is not consumed. */
enum xz_result audit_write(struct store *db, const struct actor *a, const char *action,
                           const char *entity, int64_t entity_id, const char *result,
                           json_t *detail);
/* Recomputes the chain (from the anchor a purge left, if any); *bad_id is
 * the first row that does not match (0 if all do), *rows the number checked.
 * An edited, deleted, inserted or reordered row breaks the chain there. */
enum xz_result audit_verify(struct store *db, int64_t *bad_id, int64_t *rows);

/* The retention floor: rows younger than this are never purged. */
#define AUDIT_MIN_RETENTION_DAYS 183

/* Deletes the rows of the chain's prefix written before the date before
 * ("YYYY-MM-DD", no later than AUDIT_MIN_RETENTION_DAYS ago, else
 * XZ_ERR_VALIDATION with a message), records the anchor, and writes an
 * audit_purge row; all in one transaction. */
enum xz_result audit_purge(struct store *db, const struct actor *a, const char *before,
                           int64_t *deleted, char *msg, size_t n);

#endif
