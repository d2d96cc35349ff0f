/*
 * Core helpers that other layers trust: the log writes one line per
 * message whatever the message holds (control characters from user input
 * are escaped, so they cannot forge entries), and buf_printf formats output
 * longer than its first guess.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void log_escapes_control_characters(void **state)
{
	(void)state;
	char path[] = "/tmp/xz-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	log_set_level(LOG_INFO);
	log_info("login failed for %s", "ghost\n2026-01-01T00:00:00Z info ok\r\x1b[2J");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char text[512] = "";
	FILE *f = fopen(path, "r");
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	close(fd);
	unlink(path);
	text[n] = '\0';
	assert_non_null(strstr(text, "ghost\\x0a2026-01-01T00:00:00Z info ok\\x0d\\x1b[2J"));
	assert_ptr_equal(strchr(text, '\n'), text + n - 1); /* one line */
}

static void buf_printf_grows(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "%d-", 42);
	buf_printf(&b, "%s|%s", big, "end");
	assert_int_equal(b.len, 3 + 299 + 4);
	assert_string_equal(buf_cstr(&b) + 3 + 299, "|end");
	assert_int_equal(strncmp(buf_cstr(&b), "42-xxx", 6), 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_escapes_control_characters),
		cmocka_unit_test(buf_printf_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
