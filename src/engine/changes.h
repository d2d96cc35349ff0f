/*
 * The change feed: every committed write of an entity whose descriptor has
 * a `changed` hook is also written to the change_log table, in the write's
 * own transaction. A process keeps in-memory data derived from those rows
 * (the matching index), and its own writes reach it through the hook at
 * once; the feed carries the writes of the other processes serving the same
 * database, which it reads with changes_poll() before it uses the derived
 * data. A cursor that fell behind the rows still kept is told to rebuild.
 *
 * Ownership: nothing is handed out; a cursor is a plain value of the caller.
 */
#ifndef XZ_CHANGES_H
#define XZ_CHANGES_H

#include "engine/engine.h"

#include <stdint.h>

/* How many rows the log keeps: a process further behind rebuilds. */
#define CHANGES_KEEP 100000

struct change_cursor {
	int64_t seq; /* the last row applied; 0 before changes_start() */
};

/* Writes one row for a change of e (CHANGE_MANY with id 0 for an import)
 * inside the caller's transaction; nothing for an entity without a hook. */
enum xz_result changes_log(struct store *db, const struct entity *e, int64_t id,
                           enum change_kind kind);

/* Places the cursor at the newest row: call before reading the data the
 * derived structure is built from, so nothing committed in between is
 * missed (a change seen twice is harmless). */
enum xz_result changes_start(struct store *db, struct change_cursor *cur);

/* Hands every row after the cursor written by another process to its
 * entity's hook, oldest first, and moves the cursor; when rows the cursor
 * needs were already pruned, reports CHANGE_MANY to every hook instead.
 * Returns the store's error when the log cannot be read. */
enum xz_result changes_poll(struct store *db, struct change_cursor *cur);

#endif
