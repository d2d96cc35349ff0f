/*
 * SQLite schema, as versioned migrations. Never edit a released migration:
 * append a new one. Entity tables carry id, version (optimistic
 * concurrency), created_at/updated_at and, when soft-deleted, deleted_at;
 * uniqueness among live rows is a partial unique index. Column names match
 * the descriptors in src/model/entities.c (a unit test checks this).
 */
#include "store/migrate.h"

#define ENTITY_COLS                                                                    \
	"id INTEGER PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1, "                 \
	"created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), "    \
	"updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), "

static const char v1[] =
	"CREATE TABLE region (" ENTITY_COLS
	" deleted_at TEXT, code TEXT NOT NULL, name TEXT NOT NULL, level TEXT NOT NULL,"
	" parent_id INTEGER REFERENCES region(id));"
	"CREATE UNIQUE INDEX region_code ON region(code) WHERE deleted_at IS NULL;"
	"CREATE INDEX region_parent ON region(parent_id);"

	"CREATE TABLE cluster (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, tier TEXT NOT NULL, target_2025 REAL,"
	" sort_order INTEGER, description TEXT);"
	"CREATE UNIQUE INDEX cluster_name ON cluster(name) WHERE deleted_at IS NULL;"

	"CREATE TABLE cluster_stat (" ENTITY_COLS
	" cluster_id INTEGER NOT NULL REFERENCES cluster(id), year INTEGER NOT NULL,"
	" revenue REAL NOT NULL, strategic_share REAL, hightech_share REAL,"
	" enterprise_count INTEGER);"
	"CREATE UNIQUE INDEX cluster_stat_key ON cluster_stat(cluster_id, year);"

	"CREATE TABLE chain (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, cluster_id INTEGER NOT NULL REFERENCES cluster(id),"
	" chain_leader TEXT, description TEXT);"
	"CREATE UNIQUE INDEX chain_name ON chain(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX chain_cluster ON chain(cluster_id);"

	"CREATE TABLE segment (" ENTITY_COLS
	" deleted_at TEXT, chain_id INTEGER NOT NULL REFERENCES chain(id),"
	" parent_id INTEGER REFERENCES segment(id), name TEXT NOT NULL, stage TEXT NOT NULL,"
	" bottleneck INTEGER NOT NULL DEFAULT 0, sort_order INTEGER, description TEXT);"
	"CREATE INDEX segment_chain ON segment(chain_id);"
	"CREATE INDEX segment_parent ON segment(parent_id);"

	"CREATE TABLE park (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES region(id),"
	" level TEXT, kind TEXT, address TEXT);"
	"CREATE UNIQUE INDEX park_name ON park(name) WHERE deleted_at IS NULL;"
	"CREATE INDEX park_region ON park(region_id);"

	"CREATE TABLE enterprise (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, uscc TEXT NOT NULL,"
	" region_id INTEGER NOT NULL REFERENCES region(id), park_id INTEGER REFERENCES park(id),"
	" legal_rep TEXT, established TEXT, registered_capital REAL, employees INTEGER,"
	" revenue REAL, above_scale INTEGER NOT NULL DEFAULT 0,"
	" high_tech INTEGER NOT NULL DEFAULT 0, srdi INTEGER NOT NULL DEFAULT 0,"
	" main_products TEXT, address TEXT);"
	"CREATE UNIQUE INDEX enterprise_uscc ON enterprise(uscc) WHERE deleted_at IS NULL;"
	"CREATE INDEX enterprise_region ON enterprise(region_id);"
	"CREATE INDEX enterprise_park ON enterprise(park_id);"

	"CREATE TABLE enterprise_segment ("
	" enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),"
	" segment_id INTEGER NOT NULL REFERENCES segment(id),"
	" PRIMARY KEY (enterprise_id, segment_id)) WITHOUT ROWID;"
	"CREATE INDEX enterprise_segment_seg ON enterprise_segment(segment_id);"

	"CREATE TABLE institution (" ENTITY_COLS
	" deleted_at TEXT, name TEXT NOT NULL, kind TEXT NOT NULL, level TEXT,"
	" region_id INTEGER NOT NULL REFERENCES region(id),"
	" cluster_id INTEGER REFERENCES cluster(id), description TEXT);"
	"CREATE UNIQUE INDEX institution_name ON institution(name) WHERE deleted_at IS NULL;"

	"";

static const char v2[] =
	"CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
	" display_name TEXT, password_hash TEXT NOT NULL, role TEXT NOT NULL,"
	" region_id INTEGER REFERENCES region(id), must_change_password INTEGER NOT NULL DEFAULT 0,"
	" disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, last_login_at TEXT);"

	"CREATE TABLE session (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL REFERENCES user(id), csrf_token TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" ip TEXT, user_agent TEXT);"
	"CREATE INDEX session_user ON session(user_id);"

	"CREATE TABLE api_token (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL REFERENCES user(id), name TEXT NOT NULL,"
	" created_at TEXT NOT NULL, expires_at INTEGER, last_used_at TEXT);"

	"CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, user_id INTEGER,"
	" username TEXT, ip TEXT, action TEXT NOT NULL, entity TEXT, entity_id INTEGER,"
	" result TEXT NOT NULL, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_entity ON audit_log(entity, entity_id);"

	"CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

const struct migration migrations_sqlite[] = {
	{1, "regions, clusters, chains, segments, parks, enterprises, institutions", v1},
	{2, "users, sessions, api tokens, audit log, settings", v2},
};

const size_t migrations_sqlite_count = sizeof(migrations_sqlite) / sizeof(migrations_sqlite[0]);
