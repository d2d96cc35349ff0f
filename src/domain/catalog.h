/*
 * The talent-shortage catalog (紧缺人才需求目录): compiled once a year (with
 * draft revisions) from the open needs and the talent pool, per chain and
 * post, published (then frozen), compared and exported in the layout of
 * published catalogs. The method — weights, bands and version — is stored
 * with each catalog so a published one can be reproduced from the same
 * data, entry for entry. Catalogs are city-wide: compiling and publishing
 * need a caller not bound to a district or town.
 *
 * Ownership: *out JSON and *data buffers belong to the caller (json_decref,
 * free).
 */
#ifndef XZ_CATALOG_H
#define XZ_CATALOG_H

#include "engine/engine.h"

#include <stddef.h>
#include <stdint.h>

enum catalog_format { CATALOG_XLSX, CATALOG_HTML };

/* Compiles a new draft for year from the open needs (status 开放) and the
 * talents in the city (status 在锡). Needs are aged against YYYY-12-31 of
 * the year, so the same data always gives the same entries. */
enum xz_result catalog_compile(struct engine_ctx *ctx, int year, int64_t *catalog_id);

/* Draft → published. XZ_ERR_CONFLICT when it is already published. */
enum xz_result catalog_publish(struct engine_ctx *ctx, int64_t id);

/* The catalog row with its entry count: {id, year, title, status, ...}. */
enum xz_result catalog_summary(struct engine_ctx *ctx, int64_t id, json_t **out);

/* Changes from catalog old_id to catalog new_id, entries matched by chain
 * and post: {from, to, new:[entry], gone:[entry], up:[change], down:[change],
 * unchanged:n}; a change is {chain_id, chain, post_name, from, to, delta}. */
enum xz_result catalog_diff(struct engine_ctx *ctx, int64_t old_id, int64_t new_id,
                            json_t **out);

/* The catalog as an xlsx workbook or a printable A4 HTML page. */
enum xz_result catalog_export(struct engine_ctx *ctx, int64_t id, enum catalog_format fmt,
                              char **data, size_t *len);

#endif
