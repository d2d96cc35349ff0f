/*
 * The main() that turns a libFuzzer harness into a plain program for the
 * ordinary (gcc, ASan/UBSan) builds: it runs LLVMFuzzerTestOneInput once on
 * every file named on the command line, or inside a directory named there
 * (not recursively, in name order so runs are repeatable). ctest uses it to
 * replay the committed corpora fuzz/corpus/<name>/ on every `make test`, so
 * a crash once found and fixed stays fixed. Exits 1 when nothing was run,
 * which catches a misplaced corpus.
 */
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

static size_t run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	for (size_t k; buf && (k = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += k;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	/* an exact-size copy, so reading one byte past the input is caught as under libFuzzer */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		exit(1);
	}
	char **names = NULL;
	size_t n = 0, cap = 0, ran = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			abort();
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			ran += run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	size_t ran = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		ran += S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
	}
	printf("replayed %zu inputs\n", ran);
	return ran ? 0 : 1;
}
