/*
 * Import and export of entities as spreadsheets, over the io layer's table
 * readers and writers: header matching by Chinese label or field name,
 * references resolved by code or name, upsert by natural key, one
 * transaction for a whole file, errors naming the row as Excel shows it and
 * the column, an xlsx of the bad rows, templates with drop-downs, and
 * exports masked unless the caller may reveal (then audited).
 *
 * Ownership: report arrays belong to the report (import_report_free());
 * byte buffers returned through data/len belong to the caller (free()).
 */
#ifndef XZ_TRANSFER_H
#define XZ_TRANSFER_H

#include "engine/engine.h"
#include "io/table.h"

struct import_report {
	int64_t rows, inserted, updated, unchanged;
	json_t *errors;   /* [{row, column, field, code, message}] */
	json_t *warnings; /* [{row?, column?, message}] e.g. ignored columns */
	json_t *bad_rows; /* [{row, cells:[…], reason}] for the error workbook */
	json_t *header;   /* the header cells as read */
	bool truncated;   /* more errors than were kept */
	bool dry_run;
	const char *encoding;
};

/* rows so far, and bytes read of total (for a progress bar) */
typedef void (*import_progress_fn)(void *cls, int64_t rows, uint64_t done, uint64_t total);

/* Imports every row of r into e. XZ_OK only when every row was valid and
 * (unless dry_run) all were written; XZ_ERR_VALIDATION when any row was
 * bad, with nothing written; other codes for failures of the file or the
 * database. An "import" audit row records the outcome. */
enum xz_result engine_import(struct engine_ctx *ctx, const struct entity *e, struct table_reader *r,
                             const char *source_name, bool dry_run, struct import_report *rep,
                             import_progress_fn progress, void *cls);
void import_report_free(struct import_report *rep);
/* {inserted, updated, unchanged, rows, dry_run, encoding, errors, warnings, truncated}; caller owns */
json_t *import_report_json(const struct import_report *rep);
/* An xlsx of the bad rows as read, with a 错误原因 column. */
enum xz_result import_error_workbook(const struct import_report *rep, char **data, size_t *len);

/* Exports the rows matching the list parameters. Sensitive columns are
 * masked unless reveal is set, which the caller grants only with
 * PERM_PII_REVEAL; either way an "export" audit row is written. */
enum xz_result engine_export(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                             size_t nparams, enum table_format fmt, bool reveal, char **data,
                             size_t *len);
/* An empty xlsx with the import columns, drop-downs for enums and flags,
 * and a 填写说明 sheet. */
enum xz_result engine_template(const struct entity *e, char **data, size_t *len);

#endif
