/*
 * Private to src/io: the per-format halves that table.c dispatches to, and a
 * few pure helpers exposed only so the unit tests can pin their edge cases.
 * Each *_open takes ownership of fd (closing it on failure too); fd is -1
 * when reading from memory, in which case data/len describe the body.
 */
#ifndef XZ_IO_TABLE_IMPL_H
#define XZ_IO_TABLE_IMPL_H

#include "io/table.h"

#include <stdbool.h>

#define TABLE_CHUNK  (64 * 1024)
#define TABLE_MAXCOL 16384 /* Excel's column limit (XFD); also caps hostile CSV records */

struct csv_reader;
struct xlsx_reader;
struct csv_writer;
struct xlsx_writer;

enum xz_result table_csv_open(int fd, const void *data, size_t len, struct csv_reader **out,
                              char *msg, size_t n);
enum xz_result table_csv_next(struct csv_reader *r, struct table_row *row, char *msg, size_t n);
const char *table_csv_encoding(const struct csv_reader *r);
void table_csv_progress(const struct csv_reader *r, uint64_t *done, uint64_t *total);
void table_csv_close(struct csv_reader *r);

enum xz_result table_xlsx_open(int fd, const void *data, size_t len, const char *sheet,
                               struct xlsx_reader **out, char *msg, size_t n);
enum xz_result table_xlsx_next(struct xlsx_reader *r, struct table_row *row, char *msg, size_t n);
void table_xlsx_progress(const struct xlsx_reader *r, uint64_t *done, uint64_t *total);
void table_xlsx_close(struct xlsx_reader *r);

struct csv_writer *table_csv_writer_open(const struct table_column *cols, size_t ncols);
void table_csv_writer_row(struct csv_writer *w, const char *const *cells);
void table_csv_writer_finish(struct csv_writer *w, char **data, size_t *len);
void table_csv_writer_free(struct csv_writer *w);

/* err (at least 256 bytes) receives the Chinese message of a failure. */
enum xz_result table_xlsx_writer_open(const char *sheet_name, const char *title,
                                      const struct table_column *cols, size_t ncols,
                                      struct xlsx_writer **out, char *err, size_t errlen);
enum xz_result table_xlsx_writer_row(struct xlsx_writer *w, const char *const *cells, char *err,
                                     size_t errlen);
enum xz_result table_xlsx_writer_instructions(struct xlsx_writer *w, const char *const *lines,
                                              size_t n, char *err, size_t errlen);
enum xz_result table_xlsx_writer_finish(struct xlsx_writer *w, char **data, size_t *len, char *err,
                                        size_t errlen);
void table_xlsx_writer_free(struct xlsx_writer *w);

/* ---- helpers of the xlsx reader, exposed for tests ---- */

enum numfmt_kind { NUMFMT_NUMBER, NUMFMT_DATE, NUMFMT_TIME };

/* What a cell with number format id (and, for custom ids, its format code, else NULL)
 * shows: a number, a date (maybe with a time), or a time of day / duration. */
enum numfmt_kind table_numfmt_kind(long id, const char *code);

/* Writes an Excel serial as Excel shows it (1900 system with its fictitious 1900-02-29, or
 * the 1904 system): "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" when there is a time of day, or for
 * NUMFMT_TIME "HH:MM:SS" (hours may exceed 24 for durations). false when the serial is outside
 * Excel's date range (the caller then shows the number). out needs 32 bytes. */
bool table_serial_text(double serial, bool date1904, enum numfmt_kind kind, char *out, size_t n);

/* A number the way Excel's General format would without locale: integers without ".0",
 * others with up to 15 significant digits. out needs 32 bytes. */
void table_number_text(double v, char *out, size_t n);

#endif
