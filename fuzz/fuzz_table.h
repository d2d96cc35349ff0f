/*
 * The reader checks the CSV and xlsx harnesses share: open a body, read
 * every row, and hold the reader to what src/io/table.h promises: cells are
 * valid UTF-8, rows with only empty cells are skipped, errors are final and
 * their messages are whole UTF-8 inside the buffer, progress never passes
 * the total. The same body read from a file (a memfd, through
 * table_open_file's chunked reads) must give the same rows and outcome as
 * from memory.
 */
#ifndef XZ_FUZZ_TABLE_H
#define XZ_FUZZ_TABLE_H

#include "fuzz.h"

#include "core/util.h"
#include "io/table.h"

#include <sys/mman.h>
#include <unistd.h>

/* What a read produced: rows, a hash of every cell and line, the final result. */
struct fuzz_table_sum {
	size_t rows;
	uint64_t hash;
	enum xz_result rc;
};

static inline void fuzz_check_text(const char *s)
{
	FUZZ_CHECK(util_utf8_valid(s, strlen(s)));
}

static inline uint64_t fuzz_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211u; /* FNV-1a */
	return h;
}

/* Reads an opened reader to its end or first error. */
static inline struct fuzz_table_sum fuzz_drain(struct table_reader *r, enum table_format fmt,
                                               char *msg, size_t msg_size)
{
	struct fuzz_table_sum sum = {0, 14695981039346656037u, XZ_OK};
	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(table_encoding(r) != NULL);
	enum table_format got = table_reader_format(r);
	FUZZ_CHECK(got == TABLE_CSV || got == TABLE_XLSX);
	FUZZ_CHECK(fmt == TABLE_AUTO || got == fmt);
	long last_line = 0;
	for (;;) {
		struct table_row row;
		enum xz_result rc = table_next(r, &row, msg, msg_size);
		if (rc != XZ_OK) {
			fuzz_check_msg(msg, msg_size);
			fuzz_check_text(msg);
			/* errors are final */
			struct table_row again;
			FUZZ_CHECK(table_next(r, &again, msg, msg_size) == rc);
			FUZZ_CHECK(again.cells == NULL);
			sum.rc = rc;
			break;
		}
		/* a damaged xlsx is caught reading past its size, so only while all is well */
		uint64_t done = 0, total = 0;
		table_progress(r, &done, &total);
		FUZZ_CHECK(done <= total);
		if (!row.cells)
			break;
		sum.rows++;
		FUZZ_CHECK(row.ncells > 0);
		bool nonempty = false;
		for (size_t i = 0; i < row.ncells; i++) {
			FUZZ_CHECK(row.cells[i] != NULL);
			fuzz_check_text(row.cells[i]);
			nonempty |= row.cells[i][0] != '\0';
			sum.hash = fuzz_hash(sum.hash, row.cells[i], strlen(row.cells[i]) + 1);
		}
		FUZZ_CHECK(nonempty);
		FUZZ_CHECK(row.line > 0);
		if (got ==
		    TABLE_CSV) /* physical lines only grow; xlsx row numbers are the file's */
			FUZZ_CHECK(row.line > last_line);
		last_line = row.line;
		sum.hash = fuzz_hash(sum.hash, &row.line, sizeof(row.line));
	}
	return sum;
}

/* Reads a body from memory; on failure to open, rows 0 and rc the open's result. */
static inline struct fuzz_table_sum fuzz_read_table(const uint8_t *data, size_t size,
                                                    enum table_format fmt, const char *sheet,
                                                    size_t msg_size)
{
	char *msg = malloc(msg_size); /* exact size: an overflow is an ASan report */
	if (!msg)
		abort();
	memset(msg, 'z', msg_size);
	msg[msg_size - 1] = '\0';
	struct table_reader *r = NULL;
	struct fuzz_table_sum sum = {0, 0, XZ_OK};
	sum.rc = table_open_mem(data, size, fmt, sheet, &r, msg, msg_size);
	if (sum.rc != XZ_OK) {
		fuzz_check_msg(msg, msg_size);
		fuzz_check_text(msg);
	} else {
		sum = fuzz_drain(r, fmt, msg, msg_size);
		table_close(r);
	}
	free(msg);
	return sum;
}

/* The same body through table_open_file (a memfd named by /proc/self/fd) must read alike. */
static inline void fuzz_check_file_alike(const uint8_t *data, size_t size, enum table_format fmt,
                                         const char *sheet, struct fuzz_table_sum mem)
{
	int fd = memfd_create("fuzz-table", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	char path[64], msg[256];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct table_reader *r = NULL;
	struct fuzz_table_sum sum = {0, 0, XZ_OK};
	sum.rc = table_open_file(path, fmt, sheet, &r, msg, sizeof(msg));
	if (sum.rc == XZ_OK) {
		sum = fuzz_drain(r, fmt, msg, sizeof(msg));
		table_close(r);
	}
	close(fd);
	if (sum.rows != mem.rows || sum.rc != mem.rc || (sum.rc == XZ_OK && sum.hash != mem.hash))
		fprintf(stderr, "file read: %zu rows, %d; memory: %zu rows, %d\n", sum.rows,
		        (int)sum.rc, mem.rows, (int)mem.rc);
	FUZZ_CHECK(sum.rows == mem.rows && sum.rc == mem.rc);
	FUZZ_CHECK(sum.rc != XZ_OK || sum.hash == mem.hash);
}

#endif
