/*
 * libFuzzer harness for the CSV reader (src/io/csv.c behind table_open_mem
 * and table_open_file with TABLE_CSV): the bytes are an uploaded CSV/TSV
 * body in any of the encodings the reader accepts (UTF-8 with or without
 * BOM, GB18030, UTF-16 with BOM). Every row is read and checked
 * (fuzz_table.h); the body must read alike from memory and from a file,
 * through TABLE_AUTO, and with a tiny message buffer, so that truncating a
 * Chinese message is exercised too.
 *
 * The reader works in 64 KiB chunks, and small inputs never reach a second
 * one, where the encoding of a so-far ASCII file is decided and characters
 * and quoted fields are cut by the chunk end. So an input starting with the
 * byte 0x01 is read behind ASCII rows that end 1 to 64 bytes (the next
 * byte) before the first chunk does.
 */
#include "fuzz_table.h"

#define CHUNK (64 * 1024) /* TABLE_CHUNK in src/io/table_impl.h */

static void read_csv(const uint8_t *data, size_t size)
{
	struct fuzz_table_sum rows = fuzz_read_table(data, size, TABLE_CSV, NULL, 256);
	fuzz_check_file_alike(data, size, TABLE_CSV, NULL, rows);
	if (size >= 4 && (!memcmp(data, "PK\x03\x04", 4) || !memcmp(data, "PK\x05\x06", 4)))
		return; /* TABLE_AUTO reads that as xlsx: the other harness's business */
	struct fuzz_table_sum again = fuzz_read_table(data, size, TABLE_AUTO, NULL, 256);
	FUZZ_CHECK(again.rows == rows.rows && again.rc == rows.rc && again.hash == rows.hash);
	fuzz_read_table(data, size, TABLE_CSV, NULL, 1 + (size ? data[0] % 24 : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || data[0] != 0x01) {
		read_csv(data, size);
		return 0;
	}
	size_t pad = CHUNK - 1 - data[1] % 64, len = pad + size - 2;
	uint8_t *body = malloc(len);
	FUZZ_CHECK(body != NULL);
	for (size_t i = 0; i < pad; i++)
		body[i] = "x,y\n"[i % 4];
	memcpy(body + pad, data + 2, size - 2);
	read_csv(body, len);
	free(body);
	return 0;
}
