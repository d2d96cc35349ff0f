/*
 * Versioned schema migrations, one list per dialect. store_open() applies
 * those newer than the database's schema_version, each in its own
 * transaction, so a failed migration leaves the previous version intact.
 */
#ifndef XZ_MIGRATE_H
#define XZ_MIGRATE_H

#include <stddef.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations_sqlite[];
extern const size_t migrations_sqlite_count;
extern const struct migration migrations_pg[];
extern const size_t migrations_pg_count;

#endif
