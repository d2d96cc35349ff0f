/*
 * The change feed (changes.h): rows of change_log written beside each
 * write, and read by every server process to keep its in-memory data in
 * step with writes made by the others. Each process tags its rows with a
 * random origin, so it skips its own (its hooks saw them already).
 */
#include "engine/changes.h"

#include "core/log.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

static int64_t origin;
static pthread_once_t origin_once = PTHREAD_ONCE_INIT;

static void pick_origin(void)
{
	randombytes_buf(&origin, sizeof(origin));
	origin &= INT64_MAX;
	if (!origin)
		origin = 1;
}

static int64_t my_origin(void)
{
	pthread_once(&origin_once, pick_origin);
	return origin;
}

static const char *kind_name(enum change_kind k)
{
	switch (k) {
	case CHANGE_CREATE:
		return "create";
	case CHANGE_UPDATE:
		return "update";
	case CHANGE_DELETE:
		return "delete";
	case CHANGE_MANY:
		break;
	}
	return "many";
}

static enum change_kind kind_of(const char *s)
{
	if (!strcmp(s, "create"))
		return CHANGE_CREATE;
	if (!strcmp(s, "update"))
		return CHANGE_UPDATE;
	if (!strcmp(s, "delete"))
		return CHANGE_DELETE;
	return CHANGE_MANY;
}

enum xz_result changes_log(struct store *db, const struct entity *e, int64_t id,
                           enum change_kind kind)
{
	if (!e->changed)
		return XZ_OK;
	struct store_stmt *st = NULL;
	enum xz_result r = store_prepare(
	        db, "INSERT INTO change_log (origin, entity, entity_id, kind) VALUES (?, ?, ?, ?)", &st);
	if (r)
		return r;
	store_bind_int(st, 1, my_origin());
	store_bind_text(st, 2, e->name);
	store_bind_int(st, 3, id);
	store_bind_text(st, 4, kind_name(kind));
	if (store_step(st) != STORE_DONE)
		r = store_stmt_result(st) ? store_stmt_result(st) : XZ_ERR_STORE;
	store_finalize(st);
	int64_t seq = store_last_insert_id(db);
	if (!r && seq % 1000 == 0) { /* now and then, drop what no cursor should still need */
		if (!(r = store_prepare(db, "DELETE FROM change_log WHERE seq <= ?", &st))) {
			store_bind_int(st, 1, seq - CHANGES_KEEP);
			if (store_step(st) != STORE_DONE)
				r = store_stmt_result(st) ? store_stmt_result(st) : XZ_ERR_STORE;
			store_finalize(st);
		}
	}
	return r;
}

enum xz_result changes_start(struct store *db, struct change_cursor *cur)
{
	int64_t seq = 0;
	enum xz_result r =
	        store_query_int(db, "SELECT coalesce(max(seq), 0) FROM change_log", &seq, 0, NULL);
	if (!r)
		cur->seq = seq;
	return r;
}

/* every hook told that anything may have changed */
static void all_changed(void)
{
	const struct entity *e;
	for (size_t i = 0; (e = model_at(i)); i++)
		if (e->changed)
			e->changed(e, 0, CHANGE_MANY);
}

enum xz_result changes_poll(struct store *db, struct change_cursor *cur)
{
	struct store_stmt *st = NULL;
	int64_t oldest = 0;
	enum xz_result r = store_query_int(db, "SELECT coalesce(min(seq), 0) FROM change_log",
	                                   &oldest, 0, NULL);
	if (r)
		return r;
	if (oldest > cur->seq + 1) {
		log_info("change feed: %" PRId64 " is older than the log (from %" PRId64 "): rebuild",
		         cur->seq, oldest);
		all_changed();
		return changes_start(db, cur);
	}
	if ((r = store_prepare(db,
	                       "SELECT seq, origin, entity, entity_id, kind FROM change_log"
	                       " WHERE seq > ? ORDER BY seq",
	                       &st)))
		return r;
	store_bind_int(st, 1, cur->seq);
	int64_t me = my_origin();
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW) {
		cur->seq = store_column_int(st, 0);
		if (store_column_int(st, 1) == me)
			continue;
		const char *name = store_column_text(st, 2);
		const struct entity *e = name ? model_find(name) : NULL;
		if (e && e->changed)
			e->changed(e, store_column_int(st, 3), kind_of(store_column_text(st, 4)));
	}
	if (s == STORE_FAIL)
		r = store_stmt_result(st) ? store_stmt_result(st) : XZ_ERR_STORE;
	store_finalize(st);
	return r;
}
