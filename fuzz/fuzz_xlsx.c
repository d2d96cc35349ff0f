/*
 * libFuzzer harness for the xlsx reader (src/io/xlsx_read.c behind
 * table_open_mem and table_open_file). Mutating a zip byte by byte mostly breaks its CRCs and
 * deflate streams, so the harness takes two kinds of input:
 *  - bytes starting with a zip signature are read as an uploaded workbook,
 *    as TABLE_XLSX, as TABLE_AUTO and from a file, which must all agree;
 *  - anything else is a list of package parts separated by "@@@@" (the
 *    package rels, workbook, workbook rels, sheet1, shared strings, styles,
 *    sheet2, in that order), which the harness stores uncompressed in a zip
 *    made with libzip, so the fuzzer mutates the XML the reader parses. The
 *    first part's first byte, when odd, also asks for the sheet "数据" by
 *    name instead of the first visible one; the zip is read from memory
 *    and from a file alike.
 * Every row is read and checked (fuzz_table.h).
 */
#include "fuzz_table.h"

#include <zip.h>

static const char *const part_names[] = {
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet2.xml",
};
#define NPARTS (sizeof(part_names) / sizeof(part_names[0]))
#define SEP    "@@@@"

/* A zip holding the parts, uncompressed; NULL when libzip refuses. Caller frees *out. */
static uint8_t *build_zip(const uint8_t *data, size_t size, size_t *out_len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	FUZZ_CHECK(mem != NULL);
	zip_source_keep(mem);
	zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
	FUZZ_CHECK(z != NULL);
	const uint8_t *p = data, *end = data + size;
	for (size_t i = 0; i < NPARTS && p <= end; i++) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		size_t len = sep ? (size_t)(sep - p) : (size_t)(end - p);
		zip_source_t *s = zip_source_buffer(z, p, len, 0);
		FUZZ_CHECK(s != NULL);
		zip_int64_t idx = zip_file_add(z, part_names[i], s, ZIP_FL_OVERWRITE);
		FUZZ_CHECK(idx >= 0);
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		if (!sep)
			break;
		p = sep + strlen(SEP);
	}
	uint8_t *buf = NULL;
	if (zip_close(z) != 0) {
		zip_discard(z);
	} else if (zip_source_open(mem) == 0) {
		zip_source_seek(mem, 0, SEEK_END);
		zip_int64_t n = zip_source_tell(mem);
		zip_source_seek(mem, 0, SEEK_SET);
		buf = malloc(n > 0 ? (size_t)n : 1);
		FUZZ_CHECK(buf && zip_source_read(mem, buf, (zip_uint64_t)n) == n);
		*out_len = (size_t)n;
		zip_source_close(mem);
	}
	zip_source_free(mem);
	zip_error_fini(&ze);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && (!memcmp(data, "PK\x03\x04", 4) || !memcmp(data, "PK\x05\x06", 4))) {
		struct fuzz_table_sum rows = fuzz_read_table(data, size, TABLE_XLSX, NULL, 256);
		struct fuzz_table_sum again = fuzz_read_table(data, size, TABLE_AUTO, NULL, 256);
		FUZZ_CHECK(again.rows == rows.rows && again.rc == rows.rc &&
		           again.hash == rows.hash);
		fuzz_check_file_alike(data, size, TABLE_XLSX, NULL, rows);
		return 0;
	}
	size_t len = 0;
	uint8_t *zip = build_zip(data, size, &len);
	if (!zip)
		return 0;
	const char *sheet = size && (data[0] & 1) ? "数据" : NULL;
	struct fuzz_table_sum rows = fuzz_read_table(zip, len, TABLE_XLSX, sheet, 256);
	fuzz_check_file_alike(zip, len, TABLE_XLSX, sheet, rows);
	fuzz_read_table(zip, len, TABLE_XLSX, sheet, 1 + (size ? data[0] % 40 : 0));
	free(zip);
	return 0;
}
