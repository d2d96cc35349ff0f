/*
 * Pure-read benchmark of xinzhi's table readers (src/io/table.h): opens a file
 * the way `xinzhi import` does (table_open_file, TABLE_AUTO: xlsx or CSV) and
 * walks every row with table_next, touching every cell so that nothing can be
 * skipped. No validation, no database. Prints one line:
 *
 *     rows=N cells=N bytes=N seconds=S rows_per_s=R format=xlsx|csv
 *
 * rows counts the data rows and the header row alike (every non-empty row the
 * reader yields), bytes the UTF-8 bytes of all cells. Built by bench/run
 * against build/libxzcore.a.
 */
#include "io/table.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xlsx_read_bench FILE.xlsx|FILE.csv\n");
		return 2;
	}
	char msg[256] = "";
	double t0 = now();
	struct table_reader *r = NULL;
	if (table_open_file(argv[1], TABLE_AUTO, NULL, &r, msg, sizeof(msg))) {
		fprintf(stderr, "xlsx_read_bench: %s\n", msg);
		return 1;
	}
	uint64_t rows = 0, cells = 0, bytes = 0;
	struct table_row row;
	enum xz_result res;
	while (!(res = table_next(r, &row, msg, sizeof(msg))) && row.cells) {
		rows++;
		cells += row.ncells;
		for (size_t i = 0; i < row.ncells; i++)
			bytes += strlen(row.cells[i]);
	}
	const char *fmt = table_reader_format(r) == TABLE_XLSX ? "xlsx" : "csv";
	table_close(r);
	double secs = now() - t0;
	if (res) {
		fprintf(stderr, "xlsx_read_bench: %s\n", msg);
		return 1;
	}
	printf("rows=%llu cells=%llu bytes=%llu seconds=%.3f rows_per_s=%.0f format=%s\n",
	       (unsigned long long)rows, (unsigned long long)cells, (unsigned long long)bytes, secs,
	       secs > 0 ? (double)rows / secs : 0.0, fmt);
	return 0;
}
