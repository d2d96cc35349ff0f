/*
 * Tables in and out: streaming readers of CSV/TSV and xlsx files that yield
 * rows of UTF-8 cells, and writers that produce xlsx or CSV bytes. This layer
 * knows nothing of entities or the database; the engine maps cells to fields.
 *
 * Ownership and lifetime:
 *  - A reader owns everything it hands out. row->cells and every cell string
 *    stay valid until the next table_next() or table_close() on that reader;
 *    copy what must live longer.
 *  - table_open_mem() neither copies nor frees the body: the caller keeps it
 *    alive and unchanged until table_close().
 *  - table_open_file() reads the file in chunks (CSV: 64 KiB at a time; xlsx:
 *    the sheet XML is inflated and parsed in chunks), so memory stays flat as
 *    files grow. xlsx shared strings are the one part held whole in memory.
 *  - table_writer_finish() hands over a malloc'd buffer (free with free()) and,
 *    on success, frees the writer. After any writer error, including one from
 *    table_writer_finish(), the writer is still the caller's: read
 *    table_writer_error() if wanted, then call table_writer_free(), which also
 *    removes the writer's temporary files.
 *  - msg/n: on failure a Chinese message for the user is written there (never
 *    overflowing it); on success it is left alone.
 *
 * Cell text conventions of the readers: CSV cells are exactly the text of the
 * file (no trimming; trailing empty columns kept). xlsx cells are shown as
 * Excel would, without locale: shared/inline/formula strings as is, booleans
 * "TRUE"/"FALSE", error cells empty, integers without ".0", other numbers with
 * up to 15 significant digits, dates "YYYY-MM-DD" (plus " HH:MM:SS" when the
 * value has a time of day), time-only formats "HH:MM:SS"; trailing empty
 * cells of an xlsx row are not reported (ncells counts up to the last
 * non-empty one). Rows whose cells are all empty are skipped by both.
 */
#ifndef XZ_IO_TABLE_H
#define XZ_IO_TABLE_H

#include "core/result.h"

#include <stddef.h>
#include <stdint.h>

/* ---- readers ---- */

struct table_reader;

struct table_row {
	char **cells; /* UTF-8, NUL-terminated; owned by the reader, valid until the next call */
	size_t ncells;
	long line; /* the row number as Excel shows it: for xlsx the sheet's row number; for
	              CSV the physical line where the record starts, counting the header and
	              skipped empty lines, so a quoted newline makes later numbers jump */
};

enum table_format { TABLE_AUTO, TABLE_CSV, TABLE_XLSX };

/* Opens a file for streaming. TABLE_AUTO tells xlsx (a zip) from CSV by the first bytes;
 * sheet (xlsx only) names the worksheet, NULL for the first visible one.
 * XZ_ERR_IO: cannot open/read; XZ_ERR_BAD_REQUEST: neither CSV nor xlsx (also .xls, a zip
 * that is no workbook, binary data); XZ_ERR_VALIDATION: no such sheet, damaged workbook. */
enum xz_result table_open_file(const char *path, enum table_format fmt, const char *sheet,
                               struct table_reader **out, char *msg, size_t n);

/* Opens an in-memory body (an HTTP upload); the reader does not copy data and does not own it. */
enum xz_result table_open_mem(const void *data, size_t len, enum table_format fmt,
                              const char *sheet, struct table_reader **out, char *msg, size_t n);

/* Next row: XZ_OK with *row filled, or XZ_OK with row->cells == NULL at the end. Errors are
 * final (later calls repeat them) and name the line, e.g. "第12行：引号未闭合" (XZ_ERR_VALIDATION),
 * or XZ_ERR_IO when the file cannot be read. Empty rows (all cells empty) are skipped. */
enum xz_result table_next(struct table_reader *r, struct table_row *row, char *msg, size_t n);

/* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", "UTF-16BE" (CSV) or "xlsx". A CSV whose bytes
 * so far are all ASCII reports "UTF-8" until a later chunk decides otherwise. */
const char *table_encoding(const struct table_reader *r);

/* The format actually being read (never TABLE_AUTO). */
enum table_format table_reader_format(const struct table_reader *r);

/* Progress for a progress bar: bytes consumed so far of *total (CSV: the file or body; xlsx:
 * the sheet's uncompressed XML). Either pointer may be NULL. */
void table_progress(const struct table_reader *r, uint64_t *done, uint64_t *total);

void table_close(struct table_reader *r); /* NULL is fine */

/* ---- writers ---- */

struct table_writer;

enum cell_kind {
	CELL_TEXT,   /* xlsx: a string cell; the column is formatted as text ("@") so that codes
	                typed into a template keep their leading zeros and all their digits */
	CELL_NUMBER, /* a plain decimal ("-12.5", "3e4") becomes a number cell, anything else text
	              */
	CELL_DATE,   /* "YYYY-MM-DD" (or "YYYY-MM-DD HH:MM:SS") text in, real Excel date out;
	                anything else is written as text */
	CELL_BOOL    /* "1"/"true"/"TRUE" and "0"/"false"/"FALSE" become Excel booleans (read back
	                as "TRUE"/"FALSE"); anything else, e.g. "是"/"否", is written as text */
};

struct table_column {
	const char *label;
	enum cell_kind kind;
	double width; /* in Excel character units; 0 = from the label and the data */
	const char *const
	    *choices; /* NULL-terminated: drop-down validation (xlsx); NULL for none */
};

/* xlsx: frozen header row, bold header with fill, column widths, dates formatted yyyy-mm-dd,
 * drop-down data validation for columns with choices (from the first data row to row 10000,
 * or further when there are more rows; long lists go to a hidden sheet "_choices"), optional
 * title row above the header when title != NULL (merged over the columns; the header is then
 * row 2 and the panes freeze under it), and an optional second "填写说明" (instructions) sheet.
 * Rows are streamed to a temporary file (libxlsxwriter constant_memory mode) in $TMPDIR or /tmp.
 * csv: UTF-8 with BOM, RFC 4180 quoting, CRLF line ends; sheet_name, title, widths, choices and
 * instructions do not apply. sheet_name NULL means "Sheet1". */
enum xz_result table_writer_open(enum table_format fmt, const char *sheet_name, const char *title,
                                 const struct table_column *cols, size_t ncols,
                                 struct table_writer **out);
/* One data row of ncols cells; a NULL cell is empty. XZ_ERR_VALIDATION when a cell cannot be
 * stored (text over Excel's 32767 characters, invalid UTF-8, more than 1,048,576 rows). */
enum xz_result table_writer_row(struct table_writer *w, const char *const *cells);
/* Adds the "填写说明" sheet with one line per row (xlsx; ignored for CSV). At most once. */
enum xz_result table_writer_instructions(struct table_writer *w, const char *const *lines,
                                         size_t n);
/* Finishes and hands the file bytes to the caller (free with free()). On success the writer is
 * freed; on failure it is not (call table_writer_free()). */
enum xz_result table_writer_finish(struct table_writer *w, char **data, size_t *len);
/* Chinese text of the writer's last error, "" when none. */
const char *table_writer_error(const struct table_writer *w);
void table_writer_free(struct table_writer *w); /* after an error; NULL is fine */

#endif
