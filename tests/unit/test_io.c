/*
 * Unit tests of src/io: the CSV reader (UTF-8 with and without BOM, GBK and
 * GB18030 built here with iconv, UTF-16, quoted commas/quotes/newlines, CRLF,
 * empty rows, unclosed quotes, TSV, characters cut by the 64 KiB chunk
 * boundary, an ASCII start followed by GBK), the xlsx reader (files from our
 * writer, from python3-openpyxl, and parts crafted byte by byte with libzip
 * to reach shared and rich strings, phonetic runs, date formats, the 1900 and
 * 1904 systems, sparse cells and prefixed namespaces), format sniffing and
 * its refusals, both writers, and a 100,000-row xlsx written and read back
 * in bounded memory. Fixtures are generated into a private temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/mem.h"
#include "core/util.h"
#include "io/table.h"
#include "io/table_impl.h"

#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zip.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define PYTHON "/usr/bin/python3"

static char tmpdir[64];
static char msg[512];

/* ---- helpers ---- */

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = xmalloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* UTF-8 text re-encoded (GBK, GB18030, UTF-16LE, ...); caller frees. */
static char *encode(const char *utf8, const char *to, size_t *len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t in_left = strlen(utf8), cap = in_left * 4 + 16, out_left = cap;
	char *out = xmalloc(cap), *op = out, *ip = (char *)utf8;
	assert_int_not_equal(iconv(cd, &ip, &in_left, &op, &out_left), (size_t)-1);
	iconv_close(cd);
	*len = cap - out_left;
	return out;
}

static struct table_reader *open_mem(const void *data, size_t len)
{
	struct table_reader *r = NULL;
	enum xz_result rc = table_open_mem(data, len, TABLE_AUTO, NULL, &r, msg, sizeof(msg));
	if (rc != XZ_OK)
		print_error("open failed: %s\n", msg);
	assert_int_equal(rc, XZ_OK);
	return r;
}

static struct table_reader *open_str(const char *s)
{
	return open_mem(s, strlen(s));
}

static struct table_reader *open_path(const char *path, const char *sheet)
{
	struct table_reader *r = NULL;
	enum xz_result rc = table_open_file(path, TABLE_AUTO, sheet, &r, msg, sizeof(msg));
	if (rc != XZ_OK)
		print_error("open failed: %s\n", msg);
	assert_int_equal(rc, XZ_OK);
	return r;
}

static void expect_row_(struct table_reader *r, long line, size_t n, const char *const *want)
{
	struct table_row row;
	enum xz_result rc = table_next(r, &row, msg, sizeof(msg));
	if (rc != XZ_OK)
		print_error("table_next failed: %s\n", msg);
	assert_int_equal(rc, XZ_OK);
	assert_non_null(row.cells);
	assert_int_equal(row.line, line);
	if (row.ncells != n) {
		for (size_t i = 0; i < row.ncells; i++)
			print_error("  cell %zu: [%s]\n", i, row.cells[i]);
	}
	assert_int_equal(row.ncells, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(row.cells[i], want[i]);
}

#define EXPECT_ROW(r, line, ...)                                                                   \
	do {                                                                                       \
		const char *const want_[] = {__VA_ARGS__};                                         \
		expect_row_(r, line, sizeof(want_) / sizeof(want_[0]), want_);                     \
	} while (0)

static void expect_end(struct table_reader *r)
{
	struct table_row row;
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_OK);
	assert_null(row.cells);
	/* the end is sticky */
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_OK);
	assert_null(row.cells);
}

/* Reads to the end and returns how many rows there were. */
static long count_rows(struct table_reader *r)
{
	struct table_row row;
	long n = 0;
	for (;;) {
		enum xz_result rc = table_next(r, &row, msg, sizeof(msg));
		if (rc != XZ_OK)
			print_error("table_next failed: %s\n", msg);
		assert_int_equal(rc, XZ_OK);
		if (!row.cells)
			return n;
		n++;
	}
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int have_openpyxl(void)
{
	return access(PYTHON, X_OK) == 0 &&
	       system(PYTHON " -c 'import openpyxl' >/dev/null 2>&1") == 0;
}

/* Runs a Python script with one argument; prints its output when it fails. */
static void run_python(const char *script, const char *arg)
{
	char *py = tmp_path("script.py"), *log = tmp_path("script.log");
	write_file(py, script, strlen(script));
	char *cmd = xasprintf(PYTHON " %s %s >%s 2>&1", py, arg, log);
	int rc = system(cmd);
	if (rc != 0) {
		size_t n;
		char *out = read_file(log, &n);
		print_error("python failed (%d):\n%.*s\n", rc, (int)n, out);
		free(out);
	}
	assert_int_equal(rc, 0);
	unlink(py);
	unlink(log);
	free(cmd);
	free(py);
	free(log);
}

/* A zip of the given parts (name, text, name, text, ..., NULL). */
static char *make_zip(const char *name, size_t *len, ...)
{
	char *path = tmp_path(name);
	int err = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	va_list ap;
	va_start(ap, len);
	for (const char *part; (part = va_arg(ap, const char *));) {
		const char *text = va_arg(ap, const char *);
		zip_source_t *src = zip_source_buffer(z, text, strlen(text), 0);
		assert_non_null(src);
		assert_true(zip_file_add(z, part, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	va_end(ap);
	assert_int_equal(zip_close(z), 0);
	char *data = read_file(path, len);
	unlink(path);
	free(path);
	return data;
}

/* ---- CSV ---- */

static void test_csv_utf8(void **state)
{
	struct table_reader *r = open_str("姓名,身份证号,备注\n"
	                                  "张三,11010519491231002X,\n"
	                                  "李四,110105194912310029,好\n");
	assert_string_equal(table_encoding(r), "UTF-8");
	assert_int_equal(table_reader_format(r), TABLE_CSV);
	EXPECT_ROW(r, 1, "姓名", "身份证号", "备注");
	EXPECT_ROW(r, 2, "张三", "11010519491231002X", ""); /* trailing empty column kept */
	EXPECT_ROW(r, 3, "李四", "110105194912310029", "好");
	expect_end(r);
	uint64_t done, total;
	table_progress(r, &done, &total);
	assert_true(done == total && total > 0);
	table_close(r);
}

static void test_csv_bom(void **state)
{
	struct table_reader *r = open_str("\xEF\xBB\xBF姓名,年龄\r\n王五,30\r\n 赵六 ,\r\n");
	assert_string_equal(table_encoding(r), "UTF-8 BOM");
	EXPECT_ROW(r, 1, "姓名", "年龄");
	EXPECT_ROW(r, 2, "王五", "30");
	EXPECT_ROW(r, 3, " 赵六 ", ""); /* spaces are data */
	expect_end(r);
	table_close(r);
}

static void test_csv_gbk_and_gb18030(void **state)
{
	const char *text = "姓名,身份证号,单位\n张三,11010519491231002X,无锡市委组织部\n"
	                   "\"李,四\",110105194912310029,\"江阴\"\"高新区\"\"\"\n";
	static const char *const encodings[] = {"GBK", "GB18030", "CP936"};
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *bytes = encode(text, encodings[i], &len);
		assert_true(len < strlen(text)); /* really two bytes per character */
		struct table_reader *r = open_mem(bytes, len);
		assert_string_equal(table_encoding(r), "GB18030");
		EXPECT_ROW(r, 1, "姓名", "身份证号", "单位");
		EXPECT_ROW(r, 2, "张三", "11010519491231002X", "无锡市委组织部");
		EXPECT_ROW(r, 3, "李,四", "110105194912310029", "江阴\"高新区\"");
		expect_end(r);
		table_close(r);
		free(bytes);
	}
	/* a character outside GBK: four bytes in GB18030 */
	size_t len;
	char *bytes = encode("名字,备注\n𠮷野家,€\n", "GB18030", &len);
	struct table_reader *r = open_mem(bytes, len);
	assert_string_equal(table_encoding(r), "GB18030");
	EXPECT_ROW(r, 1, "名字", "备注");
	EXPECT_ROW(r, 2, "𠮷野家", "€");
	expect_end(r);
	table_close(r);
	free(bytes);
}

static void test_csv_utf16(void **state)
{
	size_t len;
	char *body = encode("姓名\t年龄\r\n张三\t30\r\n", "UTF-16LE", &len);
	char *bytes = xmalloc(len + 2);
	memcpy(bytes, "\xFF\xFE", 2);
	memcpy(bytes + 2, body, len);
	struct table_reader *r = open_mem(bytes, len + 2);
	assert_string_equal(table_encoding(r), "UTF-16LE");
	EXPECT_ROW(r, 1, "姓名", "年龄");
	EXPECT_ROW(r, 2, "张三", "30");
	expect_end(r);
	table_close(r);
	free(bytes);
	free(body);
}

static void test_csv_quoted(void **state)
{
	struct table_reader *r = open_str("a,b,c\n"
	                                  "\"x,1\",\"he said \"\"hi\"\"\",\"line1\nline2\nline3\"\n"
	                                  "\"p\",q,\"\"\n"
	                                  "\"\"\"\",'single',\"a\"\"b\"\n");
	EXPECT_ROW(r, 1, "a", "b", "c");
	EXPECT_ROW(r, 2, "x,1", "he said \"hi\"", "line1\nline2\nline3");
	EXPECT_ROW(r, 5, "p", "q", ""); /* the record started two lines after the last one */
	EXPECT_ROW(r, 6, "\"", "'single'", "a\"b");
	expect_end(r);
	table_close(r);

	/* quoted line breaks across many chunks keep the line numbers exact */
	enum { N = 30000 };
	char *b = xmalloc(N * 16 + 16), *p = b;
	p += sprintf(p, "h1,h2\n");
	for (int i = 0; i < N; i++)
		p += sprintf(p, "%d,\"x\r\ny\"\r\n", i % 10);
	assert_true((size_t)(p - b) > 3 * TABLE_CHUNK);
	r = open_mem(b, (size_t)(p - b));
	EXPECT_ROW(r, 1, "h1", "h2");
	for (int i = 0; i < N; i++) {
		char c0[4];
		snprintf(c0, sizeof(c0), "%d", i % 10);
		EXPECT_ROW(r, 2 + 2 * i, c0, "x\r\ny");
	}
	expect_end(r);
	table_close(r);
	free(b);
}

static void test_csv_crlf(void **state)
{
	struct table_reader *r = open_str("a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n3,\"\r\n\"\r\n4,w");
	EXPECT_ROW(r, 1, "a", "b");
	EXPECT_ROW(r, 2, "1", "x\r\ny");
	EXPECT_ROW(r, 5, "2", "z"); /* line 4 is empty */
	EXPECT_ROW(r, 6, "3", "\r\n");
	EXPECT_ROW(r, 8, "4", "w"); /* no final line break */
	expect_end(r);
	table_close(r);

	r = open_str("a,b\r1,2\r\r3,4\r"); /* classic Mac line ends */
	EXPECT_ROW(r, 1, "a", "b");
	EXPECT_ROW(r, 2, "1", "2");
	EXPECT_ROW(r, 4, "3", "4");
	expect_end(r);
	table_close(r);
}

static void test_csv_empty_rows(void **state)
{
	struct table_reader *r = open_str("\nh1,h2\n\n,\n\"\",\"\"\nv1,v2\n,,\n,x\n\n\n");
	EXPECT_ROW(r, 2, "h1", "h2");
	EXPECT_ROW(r, 6, "v1", "v2");
	EXPECT_ROW(r, 8, "", "x");
	expect_end(r);
	table_close(r);

	r = open_str("");
	expect_end(r);
	table_close(r);
}

static void test_csv_unclosed_quote(void **state)
{
	struct table_reader *r = open_str("a,b\n1,2\n3,\"oops\n4,5\n6,7\n");
	EXPECT_ROW(r, 1, "a", "b");
	EXPECT_ROW(r, 2, "1", "2");
	struct table_row row;
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_null(row.cells);
	assert_string_equal(msg, "第3行：引号未闭合");
	msg[0] = '\0';
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_string_equal(msg, "第3行：引号未闭合");
	table_close(r);

	/* in a big file the open quote is caught long before the end */
	size_t len = 4 * 1024 * 1024;
	char *b = xmalloc(len);
	memset(b, 'x', len);
	memcpy(b, "a,b\nc,\"", 7);
	for (size_t i = 100; i < len; i += 100)
		b[i] = '\n';
	r = open_mem(b, len);
	EXPECT_ROW(r, 1, "a", "b");
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_string_equal(msg, "第2行：单元格内容超过 1 MiB（可能有未闭合的引号）");
	uint64_t done, total;
	table_progress(r, &done, &total);
	assert_true(done < total / 2);
	table_close(r);
	free(b);
}

static void test_csv_tsv(void **state)
{
	struct table_reader *r = open_str("姓名\t年龄\t备注\n张三\t30\t有,逗号\n\"a\tb\"\t\t\n");
	EXPECT_ROW(r, 1, "姓名", "年龄", "备注");
	EXPECT_ROW(r, 2, "张三", "30", "有,逗号");
	EXPECT_ROW(r, 3, "a\tb", "", "");
	expect_end(r);
	table_close(r);

	/* a header with commas stays CSV even when it has a tab */
	r = open_str("a\tb,c\n1\t2,3\n");
	EXPECT_ROW(r, 1, "a\tb", "c");
	EXPECT_ROW(r, 2, "1\t2", "3");
	expect_end(r);
	table_close(r);
}

/* "中" starts at byte 65535, so its three bytes straddle the first chunk boundary. */
static void test_csv_chunk_boundary_utf8(void **state)
{
	const char *header = "名称,值\n";
	size_t hl = strlen(header), fill = TABLE_CHUNK - 1 - hl;
	struct {
		char *data;
		size_t len;
	} b = {xmalloc(TABLE_CHUNK * 3), 0};
	memcpy(b.data, header, hl);
	memset(b.data + hl, 'A', fill);
	b.len = hl + fill;
	assert_int_equal(b.len, TABLE_CHUNK - 1);
	const char *tail = "中文,1\n";
	memcpy(b.data + b.len, tail, strlen(tail));
	b.len += strlen(tail);
	for (int i = 0; i < 2000; i++) {
		int k = snprintf(b.data + b.len, 64, "张三%d,第%d行\n", i, i + 3);
		b.len += (size_t)k;
	}
	assert_true(b.len > TABLE_CHUNK + 20000);
	char *path = tmp_path("boundary.csv");
	write_file(path, b.data, b.len);
	char *first = xmalloc(fill + 8);
	memset(first, 'A', fill);
	strcpy(first + fill, "中文");

	for (int from_file = 0; from_file < 2; from_file++) {
		struct table_reader *r =
		    from_file ? open_path(path, NULL) : open_mem(b.data, b.len);
		assert_string_equal(table_encoding(r), "UTF-8");
		EXPECT_ROW(r, 1, "名称", "值");
		EXPECT_ROW(r, 2, first, "1");
		for (int i = 0; i < 2000; i++) {
			char c0[32], c1[32];
			snprintf(c0, sizeof(c0), "张三%d", i);
			snprintf(c1, sizeof(c1), "第%d行", i + 3);
			EXPECT_ROW(r, i + 3, c0, c1);
		}
		expect_end(r);
		table_close(r);
	}
	/* all ASCII before the cut character: the decision waits for it */
	memcpy(b.data, "name,v\n", 7);
	memset(b.data + 7, 'A', hl - 7);
	struct table_reader *r = open_mem(b.data, b.len);
	EXPECT_ROW(r, 1, "name", "v");
	assert_int_equal(count_rows(r), 2001);
	assert_string_equal(table_encoding(r), "UTF-8");
	table_close(r);
	unlink(path);
	free(path);
	free(first);
	free(b.data);
}

/* Index of a GBK character start at or after pos: 1 if a two-byte character starts at pos. */
static int gbk_char_starts_at(const unsigned char *s, size_t pos)
{
	size_t i = 0;
	while (i < pos)
		i += s[i] >= 0x81 ? 2 : 1;
	return i == pos && s[i] >= 0x81;
}

static void test_csv_chunk_boundary_gbk(void **state)
{
	/* rows of fixed GBK length; a prefix of 0 or 1 byte puts a lead byte at 65535 */
	for (int shift = 0; shift < 2; shift++) {
		char *utf8 = xmalloc(400000);
		size_t n = (size_t)sprintf(utf8, "%s姓名,身份证号,单位\n", shift ? "x" : "");
		for (int i = 0; i < 4000; i++)
			n += (size_t)sprintf(utf8 + n, "张三,%06d,江苏省无锡市委组织部人才办\n", i);
		size_t len;
		char *gbk = encode(utf8, "GBK", &len);
		assert_true(len > 2 * TABLE_CHUNK);
		if (!gbk_char_starts_at((unsigned char *)gbk, TABLE_CHUNK - 1)) {
			free(utf8);
			free(gbk);
			continue;
		}
		char *path = tmp_path("gbk.csv");
		write_file(path, gbk, len);
		struct table_reader *r = open_path(path, NULL);
		assert_string_equal(table_encoding(r), "GB18030");
		EXPECT_ROW(r, 1, shift ? "x姓名" : "姓名", "身份证号", "单位");
		for (int i = 0; i < 4000; i++) {
			char id[16];
			snprintf(id, sizeof(id), "%06d", i);
			EXPECT_ROW(r, i + 2, "张三", id, "江苏省无锡市委组织部人才办");
		}
		expect_end(r);
		table_close(r);
		unlink(path);
		free(path);
		free(utf8);
		free(gbk);
		return;
	}
	fail_msg("no shift put a GBK lead byte at the chunk boundary");
}

static void test_csv_ascii_then_gbk(void **state)
{
	char *utf8 = xmalloc(200000);
	size_t n = (size_t)sprintf(utf8, "name,id\n");
	for (int i = 0; i < 8000; i++)
		n += (size_t)sprintf(utf8 + n, "person,%06d\n", i);
	assert_true(n > TABLE_CHUNK);
	n += (size_t)sprintf(utf8 + n, "王五,无锡\n");
	size_t len;
	char *gbk = encode(utf8, "GBK", &len);
	struct table_reader *r = open_mem(gbk, len);
	assert_string_equal(table_encoding(r), "UTF-8"); /* all ASCII so far */
	assert_int_equal(count_rows(r), 8002);
	assert_string_equal(table_encoding(r), "GB18030");
	table_close(r);
	r = open_mem(gbk, len);
	struct table_row row;
	for (int i = 0; i < 8002; i++)
		assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_OK);
	assert_string_equal(row.cells[0], "王五");
	assert_string_equal(row.cells[1], "无锡");
	assert_int_equal(row.line, 8002);
	table_close(r);
	free(gbk);
	free(utf8);
}

static void test_csv_mixed_encoding(void **state)
{
	/* UTF-8 decided on the first chunk, then a GBK line far below */
	char *b = xmalloc(300000);
	size_t n = (size_t)sprintf(b, "姓名,单位\n");
	for (int i = 0; i < 6000; i++)
		n += (size_t)sprintf(b + n, "张三,组织部\n");
	size_t glen;
	char *g = encode("李四,人才办\n", "GBK", &glen);
	memcpy(b + n, g, glen);
	n += glen;
	struct table_reader *r = open_mem(b, n);
	assert_string_equal(table_encoding(r), "UTF-8");
	struct table_row row;
	for (int i = 0; i < 6001; i++)
		assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_OK);
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "第6002行"));
	assert_non_null(strstr(msg, "UTF-8"));
	table_close(r);
	free(g);
	free(b);
}

static void test_csv_write_roundtrip(void **state)
{
	static const struct table_column cols[] = {
	    {"姓名", CELL_TEXT, 0, NULL},
	    {"备注, 含逗号", CELL_TEXT, 0, NULL},
	    {"数量", CELL_NUMBER, 0, NULL},
	};
	static const char *const rows[][3] = {
	    {"张三", "他说\"好\"", "1"},
	    {"李四", "第一行\n第二行\r\n第三行", "2.5"},
	    {" 前后空格 ", "", "-3"},
	    {"=1+1", "a,b,c", "007"},
	};
	struct table_writer *w = NULL;
	assert_int_equal(table_writer_open(TABLE_CSV, NULL, "ignored", cols, 3, &w), XZ_OK);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(table_writer_row(w, rows[i]), XZ_OK);
	const char *const with_null[] = {"王五", NULL, NULL};
	assert_int_equal(table_writer_row(w, with_null), XZ_OK);
	assert_int_equal(table_writer_instructions(w, with_null, 1), XZ_OK);
	char *data;
	size_t len;
	assert_int_equal(table_writer_finish(w, &data, &len), XZ_OK);
	const char *header = "\xEF\xBB\xBF姓名,\"备注, 含逗号\",数量\r\n";
	assert_memory_equal(data, header, strlen(header));
	assert_non_null(strstr(data, "\"他说\"\"好\"\"\""));
	assert_non_null(strstr(data, "王五,,\r\n"));

	struct table_reader *r = open_mem(data, len);
	assert_string_equal(table_encoding(r), "UTF-8 BOM");
	EXPECT_ROW(r, 1, "姓名", "备注, 含逗号", "数量");
	EXPECT_ROW(r, 2, rows[0][0], rows[0][1], rows[0][2]);
	EXPECT_ROW(r, 3, rows[1][0], rows[1][1], rows[1][2]);
	EXPECT_ROW(r, 6, rows[2][0], rows[2][1], rows[2][2]);
	/* text that Excel would run as a formula is written with an apostrophe
	 * (the importer drops it); a number column is left alone */
	EXPECT_ROW(r, 7, "'=1+1", rows[3][1], rows[3][2]);
	EXPECT_ROW(r, 8, "王五", "", "");
	expect_end(r);
	table_close(r);
	free(data);
}

/* ---- sniffing and refusals ---- */

static void expect_open_fails(const void *data, size_t len, enum table_format fmt,
                              enum xz_result want, const char *fragment)
{
	struct table_reader *r = (struct table_reader *)&r;
	msg[0] = '\0';
	assert_int_equal(table_open_mem(data, len, fmt, NULL, &r, msg, sizeof(msg)), want);
	assert_null(r);
	if (!strstr(msg, fragment))
		print_error("message: %s\n", msg);
	assert_non_null(strstr(msg, fragment));
}

static void test_refusals(void **state)
{
	expect_open_fails("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0", 11, TABLE_AUTO,
	                  XZ_ERR_BAD_REQUEST, ".xls");
	expect_open_fails("\x89PNG\r\n\x1A\n\0\0", 10, TABLE_AUTO, XZ_ERR_BAD_REQUEST,
	                  "不是 CSV 或 xlsx");
	expect_open_fails("a,b\n\0\0\0\x01", 8, TABLE_AUTO, XZ_ERR_BAD_REQUEST, "不是 CSV 或 xlsx");
	expect_open_fails("a,b\n1,2\n", 8, TABLE_XLSX, XZ_ERR_BAD_REQUEST, "xlsx");
	expect_open_fails("PK\x03\x04garbage-that-is-no-zip", 26, TABLE_AUTO, XZ_ERR_BAD_REQUEST,
	                  "不是有效的 xlsx");

	size_t len;
	char *zip = make_zip("plain.zip", &len, "hello.txt", "hi", NULL);
	expect_open_fails(zip, len, TABLE_AUTO, XZ_ERR_BAD_REQUEST, "不是 xlsx");
	expect_open_fails(zip, len, TABLE_CSV, XZ_ERR_BAD_REQUEST, "不是 CSV");
	free(zip);

	struct table_reader *r = NULL;
	assert_int_equal(
	    table_open_file("/nonexistent/x.csv", TABLE_AUTO, NULL, &r, msg, sizeof(msg)),
	    XZ_ERR_IO);
	assert_non_null(strstr(msg, "无法打开文件"));
	assert_int_equal(table_open_file(tmpdir, TABLE_AUTO, NULL, &r, msg, sizeof(msg)),
	                 XZ_ERR_IO);
	assert_null(r);

	/* tiny message buffers are never overflowed, nor left with half a character */
	for (size_t size = 1; size < 12; size++) {
		char small[12];
		assert_int_equal(table_open_mem("\x89PNG", 4, TABLE_AUTO, NULL, &r, small, size),
		                 XZ_ERR_BAD_REQUEST);
		assert_true(strlen(small) < size);
		assert_true(util_utf8_valid(small, strlen(small)));
		assert_true(strncmp(small, "不是 CSV 或 xlsx 文件", strlen(small)) == 0);
		assert_true(strlen(small) + 3 >= size - 1); /* no more than one character dropped */
	}
}

/* ---- the xlsx helpers ---- */

static void test_serials_and_formats(void **state)
{
	char out[32];
	static const struct {
		double serial;
		const char *text;
	} dates[] = {
	    {1, "1900-01-01"},
	    {59, "1900-02-28"},
	    {60, "1900-02-29"},
	    {61, "1900-03-01"},
	    {25569, "1970-01-01"},
	    {45292, "2024-01-01"},
	    {45292.5, "2024-01-01 12:00:00"},
	    {45351, "2024-02-29"},
	    {2958465, "9999-12-31"},
	    {0.99999999999, "1900-01-01"},
	    {44197.999999, "2021-01-02"},
	    {43831.000011574, "2020-01-01 00:00:01"},
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		assert_true(
		    table_serial_text(dates[i].serial, false, NUMFMT_DATE, out, sizeof(out)));
		assert_string_equal(out, dates[i].text);
	}
	assert_false(table_serial_text(-1, false, NUMFMT_DATE, out, sizeof(out)));
	assert_false(table_serial_text(2958466, false, NUMFMT_DATE, out, sizeof(out)));
	assert_true(table_serial_text(0, true, NUMFMT_DATE, out, sizeof(out)));
	assert_string_equal(out, "1904-01-01");
	assert_true(table_serial_text(43830, true, NUMFMT_DATE, out, sizeof(out)));
	assert_string_equal(out, "2024-01-01");
	assert_true(table_serial_text(0.75, false, NUMFMT_TIME, out, sizeof(out)));
	assert_string_equal(out, "18:00:00");
	assert_true(table_serial_text(1.5, false, NUMFMT_TIME, out, sizeof(out)));
	assert_string_equal(out, "36:00:00");

	static const struct {
		double v;
		const char *text;
	} nums[] = {
	    {0, "0"},
	    {-0.0, "0"},
	    {42, "42"},
	    {-7, "-7"},
	    {1e12, "1000000000000"},
	    {0.1 + 0.2, "0.3"},
	    {12345.67, "12345.67"},
	    {1.0 / 3, "0.333333333333333"},
	    {320281199001011234.0, "3.20281199001011e+17"},
	    {1e-7, "1e-07"},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		table_number_text(nums[i].v, out, sizeof(out));
		assert_string_equal(out, nums[i].text);
	}

	assert_int_equal(table_numfmt_kind(0, NULL), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(14, NULL), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(22, NULL), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(31, NULL), NUMFMT_DATE); /* yyyy"年"m"月"d"日" */
	assert_int_equal(table_numfmt_kind(20, NULL), NUMFMT_TIME);
	assert_int_equal(table_numfmt_kind(46, NULL), NUMFMT_TIME);
	assert_int_equal(table_numfmt_kind(49, NULL), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "yyyy/m/d"), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(164, "yyyy\"年\"m\"月\"d\"日\""), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(164, "[$-F800]dddd, mmmm dd, yyyy"), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(164, "mmm-yy"), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(164, "h:mm:ss"), NUMFMT_TIME);
	assert_int_equal(table_numfmt_kind(164, "[h]:mm"), NUMFMT_TIME);
	assert_int_equal(table_numfmt_kind(164, "mm:ss.0"), NUMFMT_TIME);
	assert_int_equal(table_numfmt_kind(164, "yyyy-mm-dd hh:mm"), NUMFMT_DATE);
	assert_int_equal(table_numfmt_kind(164, "0.00%"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "#,##0.00\"元\";[Red]-#,##0.00"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "\"day\" 0"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "[Red]0.00"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "0.00E+00"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "General"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "@"), NUMFMT_NUMBER);
	assert_int_equal(table_numfmt_kind(164, "_(* #,##0_)"), NUMFMT_NUMBER);
}

/* ---- xlsx crafted part by part ---- */

static const char *const content_types =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

static const char *const root_rels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>";

static const char *const workbook_rels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"./worksheets/../worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"/xl/styles.xml\"/>"
    "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/hyperlink\" Target=\"http://example.com/\" TargetMode=\"External\"/>"
    "</Relationships>";

static const char *const shared_strings =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"
    "<si><t>姓名</t></si>"
    "<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space=\"preserve\">文本 </t></r></si>"
    "<si><t>汉字</t><rPh sb=\"0\" eb=\"2\"><t>カンジ</t></rPh><phoneticPr fontId=\"1\"/></si>"
    "<si><t>a&amp;b &lt;c&gt;</t></si>"
    "</sst>";

static const char *const styles =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;"
    "d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"h:mm:ss\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"0.00%\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"31\"><alignment/></xf>"
    "<xf numFmtId=\"166\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>";

static const char *const sheet1 =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<x:dimension ref=\"A1:Z7\"/><x:sheetData>"
    "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c>"
    "<x:c r=\"C1\" t=\"inlineStr\"><x:is><x:t>内联</x:t></x:is></x:c></x:row>"
    "<x:row r=\"3\" spans=\"1:7\"><x:c r=\"A3\" t=\"s\"><x:v>1</x:v></x:c>"
    "<x:c r=\"B3\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"C3\" s=\"1\"><x:v>45292</x:v></x:c>"
    "<x:c r=\"D3\" s=\"2\"><x:v>45292.75</x:v></x:c><x:c r=\"E3\" s=\"3\"><x:v>0.5</x:v></x:c>"
    "<x:c r=\"F3\" s=\"4\"><x:v>61</x:v></x:c><x:c r=\"G3\" s=\"5\"><x:v>0.125</x:v></x:c>"
    "</x:row>"
    "<x:row r=\"4\"><x:c t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>姓名x</x:v></x:c>"
    "<x:c t=\"b\"><x:v>1</x:v></x:c><x:c t=\"e\"><x:v>#DIV/0!</x:v></x:c>"
    "<x:c><x:v>1E+3</x:v></x:c><x:c><x:v>1.0000000000000002</x:v></x:c>"
    "<x:c s=\"6\"><x:v>60</x:v></x:c><x:c s=\"1\"><x:v>59</x:v></x:c>"
    "<x:c t=\"s\"><x:v>3</x:v></x:c></x:row>"
    "<x:row r=\"5\"><x:c r=\"A5\" s=\"1\"/><x:c r=\"B5\" t=\"s\"/><x:c r=\"C5\" t=\"e\">"
    "<x:v>#N/A</x:v></x:c></x:row>"
    "<x:row r=\"7\"><x:c r=\"B7\"><x:v>-0</x:v></x:c>"
    "<x:c r=\"Z7\" t=\"d\"><x:v>2024-03-01T00:00:00</x:v></x:c></x:row>"
    "<x:row><x:c><x:v>8</x:v></x:c></x:row>"
    "</x:sheetData><x:mergeCells count=\"1\"><x:mergeCell ref=\"A1:B1\"/></x:mergeCells>"
    "<x:garbage-after-data-is-ignored/>"
    "</x:worksheet>";

static const char *const sheet2 =
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<sheetData><row r=\"2\"><c r=\"A2\"><v>3.5</v></c><c r=\"B2\" s=\"1\"><v>0</v></c>"
    "</row></sheetData></worksheet>";

static char *crafted_workbook(bool date1904, const char *sheet1_xml, size_t *len)
{
	char *wb = xasprintf(
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	    "xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "<workbookPr%s/><sheets>"
	    "<sheet name=\"隐藏\" sheetId=\"2\" state=\"hidden\" rel:id=\"rId3\"/>"
	    "<sheet name=\"数据\" sheetId=\"1\" rel:id=\"rId1\"/></sheets></workbook>",
	    date1904 ? " date1904=\"1\"" : "");
	char *zip = make_zip("crafted.xlsx", len, "[Content_Types].xml", content_types,
	                     "_rels/.rels", root_rels, "xl/workbook.xml", wb,
	                     "xl/_rels/workbook.xml.rels", workbook_rels, "xl/sharedStrings.xml",
	                     shared_strings, "xl/styles.xml", styles, "xl/worksheets/sheet1.xml",
	                     sheet1_xml, "xl/worksheets/sheet2.xml", sheet2, NULL);
	free(wb);
	return zip;
}

static void test_xlsx_crafted(void **state)
{
	size_t len;
	char *zip = crafted_workbook(false, sheet1, &len);
	struct table_reader *r = open_mem(zip, len);
	assert_string_equal(table_encoding(r), "xlsx");
	assert_int_equal(table_reader_format(r), TABLE_XLSX);
	/* the first visible sheet, "数据", although the hidden one comes first */
	EXPECT_ROW(r, 1, "姓名", "", "内联");
	EXPECT_ROW(r, 3, "富文本 ", "汉字", "2024-01-01", "2024-01-01 18:00:00", "12:00:00",
	           "1900-03-01", "0.125");
	EXPECT_ROW(r, 4, "姓名x", "TRUE", "", "1000", "1", "1900-02-29", "1900-02-28", "a&b <c>");
	EXPECT_ROW(r, 7, "", "0", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
	           "", "", "", "", "", "", "", "2024-03-01");
	EXPECT_ROW(r, 8, "8"); /* a row without r follows the previous one */
	expect_end(r);
	uint64_t done, total;
	table_progress(r, &done, &total);
	assert_true(total > 0 && done <= total);
	table_close(r);

	r = NULL;
	assert_int_equal(table_open_mem(zip, len, TABLE_XLSX, "隐藏", &r, msg, sizeof(msg)), XZ_OK);
	EXPECT_ROW(r, 2, "3.5", "1900-01-00");
	expect_end(r);
	table_close(r);

	r = NULL;
	assert_int_equal(table_open_mem(zip, len, TABLE_AUTO, "没有", &r, msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_null(r);
	assert_string_equal(msg, "工作表“没有”不存在（文件中的工作表：隐藏、数据）");
	free(zip);

	zip = crafted_workbook(true, sheet1, &len);
	r = open_mem(zip, len);
	EXPECT_ROW(r, 1, "姓名", "", "内联");
	EXPECT_ROW(r, 3, "富文本 ", "汉字", "2028-01-02", "2028-01-02 18:00:00", "12:00:00",
	           "1904-03-02", "0.125");
	table_close(r);
	free(zip);
}

static void test_xlsx_damaged(void **state)
{
	size_t len;
	const char *bad =
	    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<sheetData><row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>2</v></row>"
	    "</sheetData></worksheet>";
	char *zip = crafted_workbook(false, bad, &len);
	struct table_reader *r = open_mem(zip, len);
	EXPECT_ROW(r, 1, "1");
	struct table_row row;
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "第2行附近"));
	table_close(r);
	free(zip);

	const char *bad_index =
	    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<sheetData><row r=\"9\"><c t=\"s\"><v>99</v></c></row></sheetData></worksheet>";
	zip = crafted_workbook(false, bad_index, &len);
	r = open_mem(zip, len);
	assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "第9行"));
	table_close(r);

	/* a cut-off upload */
	expect_open_fails(zip, len / 2, TABLE_AUTO, XZ_ERR_BAD_REQUEST, "不是有效的 xlsx");
	free(zip);
}

/* ---- xlsx written by us ---- */

static const char *const sexes[] = {"男", "女", NULL};
static const char *const ranks[] = {
    "一级巡视员",
    "二级巡视员",
    "一级调研员",
    "二级调研员",
    "三级调研员",
    "四级调研员",
    "一级主任科员",
    "二级主任科员",
    "三级主任科员",
    "四级主任科员",
    "一级科员",
    "二级科员",
    "办事员",
    "正处级领导职务",
    "副处级领导职务",
    "正科级领导职务",
    "副科级领导职务",
    "正局级领导职务",
    "副局级领导职务",
    "试用期人员",
    "其他（请在备注中说明，含逗号,引号\"）",
    NULL,
};

static const struct table_column people_cols[] = {
    {"姓名", CELL_TEXT, 0, NULL},     {"性别", CELL_TEXT, 0, sexes}, {"年龄", CELL_NUMBER, 0, NULL},
    {"出生日期", CELL_DATE, 0, NULL}, {"党员", CELL_BOOL, 0, NULL},  {"职级", CELL_TEXT, 18, ranks},
    {"备注", CELL_TEXT, 0, NULL},
};

static const char *const people[][7] = {
    {"张三", "男", "30", "1990-05-17", "1", "一级科员", "多行\n文本"},
    {"李四", "女", "12.5", "2024-02-29 08:30:00", "FALSE", NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"王五", "", "abc", "1990-02-30", "是", "", "x"},
    {"007", "", "007", "", "", "", "=1+1"},
    {"赵六", NULL, "-0.001", NULL, "0", NULL, "尾"},
};

static char *write_people(size_t *len, bool title)
{
	struct table_writer *w = NULL;
	assert_int_equal(table_writer_open(TABLE_XLSX, "人员名单", title ? "2025年干部名单" : NULL,
	                                   people_cols, 7, &w),
	                 XZ_OK);
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		assert_int_equal(table_writer_row(w, people[i]), XZ_OK);
	const char *const help[] = {"填写说明", "1. 带 * 的列必须填写。", "",
	                            "2. 日期格式为 YYYY-MM-DD。"};
	assert_int_equal(table_writer_instructions(w, help, 4), XZ_OK);
	assert_int_equal(table_writer_instructions(w, help, 4), XZ_ERR_INTERNAL);
	assert_string_not_equal(table_writer_error(w), "");
	char *data;
	assert_int_equal(table_writer_finish(w, &data, len), XZ_OK);
	assert_memory_equal(data, "PK\x03\x04", 4);
	return data;
}

static void test_xlsx_ours_roundtrip(void **state)
{
	size_t len;
	char *data = write_people(&len, true);
	char *path = tmp_path("people.xlsx");
	write_file(path, data, len);
	for (int from_file = 0; from_file < 2; from_file++) {
		struct table_reader *r = from_file ? open_path(path, NULL) : open_mem(data, len);
		EXPECT_ROW(r, 1, "2025年干部名单");
		EXPECT_ROW(r, 2, "姓名", "性别", "年龄", "出生日期", "党员", "职级", "备注");
		EXPECT_ROW(r, 3, "张三", "男", "30", "1990-05-17", "TRUE", "一级科员",
		           "多行\n文本");
		EXPECT_ROW(r, 4, "李四", "女", "12.5", "2024-02-29 08:30:00", "FALSE");
		/* row 5 was empty */
		EXPECT_ROW(r, 6, "王五", "", "abc", "1990-02-30", "是", "", "x");
		EXPECT_ROW(r, 7, "007", "", "007", "", "", "", "=1+1");
		EXPECT_ROW(r, 8, "赵六", "", "-0.001", "", "FALSE", "", "尾");
		expect_end(r);
		table_close(r);
	}
	struct table_reader *r = open_path(path, "填写说明");
	EXPECT_ROW(r, 1, "填写说明");
	EXPECT_ROW(r, 2, "1. 带 * 的列必须填写。");
	EXPECT_ROW(r, 4, "2. 日期格式为 YYYY-MM-DD。");
	expect_end(r);
	table_close(r);
	unlink(path);
	free(path);
	free(data);

	/* without a title the header is row 1 */
	data = write_people(&len, false);
	r = open_mem(data, len);
	EXPECT_ROW(r, 1, "姓名", "性别", "年龄", "出生日期", "党员", "职级", "备注");
	EXPECT_ROW(r, 2, "张三", "男", "30", "1990-05-17", "TRUE", "一级科员", "多行\n文本");
	table_close(r);
	free(data);
}

static void test_xlsx_writer_errors(void **state)
{
	static const struct table_column one[] = {{"x", CELL_TEXT, 0, NULL}};
	static const char *const one_row[] = {"值"};
	struct table_writer *w = NULL;
	assert_int_equal(table_writer_open(TABLE_XLSX, "a[b]:c*?/\\'", NULL, one, 1, &w), XZ_OK);
	const char *bad[] = {"\xE4\xB8"};
	assert_int_equal(table_writer_row(w, bad), XZ_ERR_VALIDATION);
	assert_non_null(strstr(table_writer_error(w), "UTF-8"));
	char *huge = xmalloc(40000);
	memset(huge, 'x', 39999);
	huge[39999] = '\0';
	const char *big[] = {huge};
	assert_int_equal(table_writer_row(w, big), XZ_ERR_VALIDATION);
	assert_non_null(strstr(table_writer_error(w), "32767"));
	free(huge);
	table_writer_free(w);
	table_writer_free(NULL);

	/* an abandoned writer leaves no temporary file behind, nor an open one */
	int fds = open_fds();
	w = NULL;
	assert_int_equal(table_writer_open(TABLE_XLSX, NULL, "标题", one, 1, &w), XZ_OK);
	assert_int_equal(table_writer_row(w, one_row), XZ_OK);
	assert_int_equal(table_writer_instructions(w, one_row, 1), XZ_OK);
	table_writer_free(w);
	assert_int_equal(open_fds(), fds);
	char *cmd = xasprintf("ls %s/xinzhi-xlsx-* >/dev/null 2>&1", tmpdir);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
}

/* Our file as openpyxl sees it: values, frozen panes, merged title, validations, sheets. */
static void test_xlsx_ours_read_by_openpyxl(void **state)
{
	if (!have_openpyxl()) {
		print_message("SKIPPED: " PYTHON " cannot import openpyxl\n");
		skip();
	}
	size_t len;
	char *data = write_people(&len, true);
	char *path = tmp_path("ours.xlsx");
	write_file(path, data, len);
	run_python(
	    "import sys, datetime, openpyxl\n"
	    "wb = openpyxl.load_workbook(sys.argv[1])\n"
	    "assert wb.sheetnames == ['人员名单', '_choices', '填写说明'], wb.sheetnames\n"
	    "assert wb['_choices'].sheet_state == 'hidden'\n"
	    "ws = wb['人员名单']\n"
	    "assert ws.freeze_panes == 'A3', ws.freeze_panes\n"
	    "assert [str(m) for m in ws.merged_cells.ranges] == ['A1:G1'], ws.merged_cells\n"
	    "assert ws['A1'].value == '2025年干部名单'\n"
	    "assert ws['A2'].value == '姓名' and ws['A2'].font.b\n"
	    "assert ws['A2'].fill.fgColor.rgb.endswith('DDEBF7'), ws['A2'].fill.fgColor.rgb\n"
	    "row = [c.value for c in ws[3]]\n"
	    "assert row == ['张三', '男', 30, datetime.datetime(1990, 5, 17), True, '一级科员',\n"
	    "               '多行\\n文本'], row\n"
	    "assert ws['D3'].number_format == 'yyyy-mm-dd', ws['D3'].number_format\n"
	    "assert ws['D4'].value == datetime.datetime(2024, 2, 29, 8, 30), ws['D4'].value\n"
	    "assert ws['C4'].value == 12.5 and ws['E4'].value is False\n"
	    "assert ws['A6'].value == '王五' and ws['C6'].value == 'abc' and ws['D6'].value == "
	    "'1990-02-30'\n"
	    "assert ws['A7'].value == '007' and ws['C7'].value == '007' and ws['G7'].value == "
	    "'=1+1'\n"
	    "assert ws['G7'].data_type == 's', ws['G7'].data_type\n"
	    "assert ws['C8'].value == -0.001\n"
	    "assert 17.9 < ws.column_dimensions['F'].width < 19, ws.column_dimensions['F'].width\n"
	    "assert 10 <= ws.column_dimensions['D'].width <= 60\n"
	    "dv = {str(v.sqref): v for v in ws.data_validations.dataValidation}\n"
	    "assert set(dv) == {'B3:B10000', 'F3:F10000'}, set(dv)\n"
	    "assert dv['B3:B10000'].type == 'list' and dv['B3:B10000'].formula1 == '\"男,女\"'\n"
	    "assert dv['F3:F10000'].formula1 == \"'_choices'!$A$1:$A$21\", "
	    "dv['F3:F10000'].formula1\n"
	    "ch = wb['_choices']\n"
	    "assert ch['A1'].value == '一级巡视员' and ch['A21'].value.startswith('其他')\n"
	    "assert wb['填写说明']['A2'].value == '1. 带 * 的列必须填写。'\n",
	    path);
	unlink(path);
	free(path);
	free(data);
}

/* openpyxl's file, then made as Excel would save it: two cells moved to shared strings (one of
 * them rich text), as openpyxl itself writes every string inline. */
static void test_xlsx_from_openpyxl(void **state)
{
	if (!have_openpyxl()) {
		print_message("SKIPPED: " PYTHON " cannot import openpyxl\n");
		skip();
	}
	char *path = tmp_path("openpyxl.xlsx");
	run_python(
	    "import sys, re, datetime, zipfile, openpyxl\n"
	    "wb = openpyxl.Workbook()\n"
	    "ws = wb.active\n"
	    "ws.title = '需求'\n"
	    "ws.append(['2024年人才需求汇总表'])\n"
	    "ws.merge_cells('A1:E1')\n"
	    "ws.append(['姓名', '入职日期', '人数', '薪资', '备注'])\n"
	    "ws.append(['张三', datetime.date(2024, 1, 15), 42, 12345.67, '内联'])\n"
	    "ws.append(['李四', datetime.datetime(2023, 12, 31, 8, 30), -7, 0.1, None])\n"
	    "ws.append([])\n"
	    "ws.append(['王五', datetime.date(1900, 3, 1), 10**12, 3.14159265358979, "
	    "'多行\\n备注'])\n"
	    "ws['B6'].number_format = 'yyyy\"年\"m\"月\"d\"日\"'\n"
	    "ws.append([None, None, None, 1/3, True])\n"
	    "ws2 = wb.create_sheet('附表')\n"
	    "ws2['B2'] = '第二表'\n"
	    "ws2['D5'] = 5\n"
	    "tmp = sys.argv[1] + '.tmp'\n"
	    "wb.save(tmp)\n"
	    "src = zipfile.ZipFile(tmp)\n"
	    "out = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n"
	    "def shared(s, ref, idx):\n"
	    "    s2, n = re.subn(r'<c r=\"%s\"([^>]*) t=\"inlineStr\"><is><t>[^<]*</t></is></c>' % "
	    "ref,\n"
	    "                    r'<c r=\"%s\"\\1 t=\"s\"><v>%d</v></c>' % (ref, idx), s)\n"
	    "    assert n == 1, ref\n"
	    "    return s2\n"
	    "for item in src.infolist():\n"
	    "    data = src.read(item.filename)\n"
	    "    if item.filename == 'xl/worksheets/sheet1.xml':\n"
	    "        data = shared(shared(data.decode(), 'A3', 0), 'A4', 1).encode()\n"
	    "    elif item.filename == 'xl/_rels/workbook.xml.rels':\n"
	    "        data = data.replace(b'</Relationships>', b'<Relationship Id=\"rIdS\" '\n"
	    "            "
	    "b'Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'\n"
	    "            b'sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>')\n"
	    "    elif item.filename == '[Content_Types].xml':\n"
	    "        data = data.replace(b'</Types>', b'<Override "
	    "PartName=\"/xl/sharedStrings.xml\" '\n"
	    "            "
	    "b'ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.'\n"
	    "            b'sharedStrings+xml\"/></Types>')\n"
	    "    out.writestr(item, data)\n"
	    "out.writestr('xl/sharedStrings.xml', '<sst "
	    "xmlns=\"http://schemas.openxmlformats.org/'\n"
	    "    'spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\"><si><t>张三</t></si>'\n"
	    "    '<si><r><t>李</t></r><r><rPr><b/></rPr><t>四</t></r></si></sst>')\n"
	    "out.close()\n"
	    "check = openpyxl.load_workbook(sys.argv[1])['需求']\n"
	    "assert check['A3'].value == '张三' and check['E3'].value == '内联', "
	    "check['A3'].value\n",
	    path);
	char *tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	free(tmp);

	struct table_reader *r = open_path(path, NULL);
	EXPECT_ROW(r, 1, "2024年人才需求汇总表");
	EXPECT_ROW(r, 2, "姓名", "入职日期", "人数", "薪资", "备注");
	EXPECT_ROW(r, 3, "张三", "2024-01-15", "42", "12345.67", "内联");
	EXPECT_ROW(r, 4, "李四", "2023-12-31 08:30:00", "-7", "0.1");
	EXPECT_ROW(r, 6, "王五", "1900-03-01", "1000000000000", "3.14159265358979", "多行\n备注");
	EXPECT_ROW(r, 7, "", "", "", "0.333333333333333", "TRUE");
	expect_end(r);
	table_close(r);

	r = open_path(path, "附表");
	EXPECT_ROW(r, 2, "", "第二表");
	EXPECT_ROW(r, 5, "", "", "", "5");
	expect_end(r);
	table_close(r);
	unlink(path);
	free(path);
}

/* ---- scale ---- */

#ifdef __SANITIZE_ADDRESS__
/* ASan parks freed memory in a 256 MB quarantine, which ru_maxrss would count against the
 * streaming test below; a small quarantine keeps that measurement about our code. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=4";
}
#endif

/* Peak RSS in KiB since the last reset_peak(). */
static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Linux resets the peak to the current RSS on "5" in clear_refs; where that is refused the
 * peak stays the process's, which only makes the checks below weaker. */
static long reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
	return maxrss_kib();
}

/* Runs first, so that the peak it measures is its own. */
static void test_xlsx_100k_rows_streaming(void **state)
{
	enum { ROWS = 100000 };
	long before = reset_peak();
	static const struct table_column cols[] = {
	    {"编号", CELL_NUMBER, 0, NULL},   {"姓名", CELL_TEXT, 0, NULL},
	    {"身份证号", CELL_TEXT, 0, NULL}, {"出生日期", CELL_DATE, 0, NULL},
	    {"单位", CELL_TEXT, 0, NULL},     {"工资", CELL_NUMBER, 0, NULL},
	    {"党员", CELL_BOOL, 0, NULL},     {"备注", CELL_TEXT, 0, NULL},
	};
	struct table_writer *w = NULL;
	assert_int_equal(table_writer_open(TABLE_XLSX, "人才", NULL, cols, 8, &w), XZ_OK);
	for (int i = 0; i < ROWS; i++) {
		char id[16], idcard[24], date[16], pay[32], note[64];
		snprintf(id, sizeof(id), "%d", i + 1);
		snprintf(idcard, sizeof(idcard), "320281%08d%04d", 19800101 + i % 28, i % 10000);
		snprintf(date, sizeof(date), "19%02d-%02d-%02d", 60 + i % 40, 1 + i % 12,
		         1 + i % 28);
		snprintf(pay, sizeof(pay), "%d.%02d", 5000 + i % 20000, i % 100);
		snprintf(note, sizeof(note), "第%d位人才，来自无锡市第%d产业链", i + 1, i % 465);
		const char *cells[] = {id,  "张三丰",          idcard, date, "无锡市委组织部",
		                       pay, i % 2 ? "1" : "0", note};
		assert_int_equal(table_writer_row(w, cells), XZ_OK);
	}
	char *data;
	size_t len;
	assert_int_equal(table_writer_finish(w, &data, &len), XZ_OK);
	char *path = tmp_path("100k.xlsx");
	write_file(path, data, len);
	free(data);
	long write_kib = maxrss_kib() - before;
	before = reset_peak();

	struct table_reader *r = open_path(path, NULL);
	struct table_row row;
	long n = 0;
	for (;; n++) {
		assert_int_equal(table_next(r, &row, msg, sizeof(msg)), XZ_OK);
		if (!row.cells)
			break;
		assert_int_equal(row.line, n + 1);
		assert_int_equal(row.ncells, 8);
		if (n == 50001) {
			assert_string_equal(row.cells[0], "50001");
			assert_string_equal(row.cells[2], "320281198001210000");
			assert_string_equal(row.cells[3], "1960-09-21");
			assert_string_equal(row.cells[5], "15000");
			assert_string_equal(row.cells[6], "FALSE");
			assert_string_equal(row.cells[7], "第50001位人才，来自无锡市第245产业链");
		}
	}
	assert_int_equal(n, ROWS + 1);
	table_close(r);
	unlink(path);
	free(path);
	long read_kib = maxrss_kib() - before;
	print_message("xlsx of %d rows: %zu bytes; peak RSS +%ld KiB writing, +%ld KiB reading\n",
	              ROWS, len, write_kib, read_kib);
	if (RUNNING_ON_VALGRIND)
		return; /* valgrind's allocator holds freed blocks back: the numbers mean little */
	/* the sheet XML alone is ~40 MB, and holding every cell would take far more; writing
	 * includes the 5 MB file handed back */
	assert_true(write_kib < 32 * 1024);
	assert_true(read_kib < 16 * 1024);
}

/* ---- setup ---- */

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/xz-io-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("TMPDIR", tmpdir, 1); /* the xlsx writer's temporary files go here too */
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xlsx_100k_rows_streaming),
	    cmocka_unit_test(test_csv_utf8),
	    cmocka_unit_test(test_csv_bom),
	    cmocka_unit_test(test_csv_gbk_and_gb18030),
	    cmocka_unit_test(test_csv_utf16),
	    cmocka_unit_test(test_csv_quoted),
	    cmocka_unit_test(test_csv_crlf),
	    cmocka_unit_test(test_csv_empty_rows),
	    cmocka_unit_test(test_csv_unclosed_quote),
	    cmocka_unit_test(test_csv_tsv),
	    cmocka_unit_test(test_csv_chunk_boundary_utf8),
	    cmocka_unit_test(test_csv_chunk_boundary_gbk),
	    cmocka_unit_test(test_csv_ascii_then_gbk),
	    cmocka_unit_test(test_csv_mixed_encoding),
	    cmocka_unit_test(test_csv_write_roundtrip),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_serials_and_formats),
	    cmocka_unit_test(test_xlsx_crafted),
	    cmocka_unit_test(test_xlsx_damaged),
	    cmocka_unit_test(test_xlsx_ours_roundtrip),
	    cmocka_unit_test(test_xlsx_writer_errors),
	    cmocka_unit_test(test_xlsx_ours_read_by_openpyxl),
	    cmocka_unit_test(test_xlsx_from_openpyxl),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
