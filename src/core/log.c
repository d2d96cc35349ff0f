/*
 * Line-oriented stderr logging.
 */
#include "core/log.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level current = LOG_INFO;

void log_set_level(enum log_level level)
{
	current = level;
}

void log_init_from_env(void)
{
	const char *v = getenv("XINZHI_LOG");
	if (!v)
		return;
	if (!strcmp(v, "debug"))
		current = LOG_DEBUG;
	else if (!strcmp(v, "warn"))
		current = LOG_WARN;
	else if (!strcmp(v, "error"))
		current = LOG_ERROR;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < current)
		return;
	char ts[32], line[2048];
	util_now_iso(ts, sizeof(ts));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one message, one line: control characters from user input (a user name
	 * with a newline) are shown escaped, so they cannot forge log entries */
	char safe[4 * sizeof(line)];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)line; *p && o + 5 < sizeof(safe); p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(safe + o, sizeof(safe) - o, "\\x%02x", *p);
		else
			safe[o++] = (char)*p;
	}
	safe[o] = '\0';
	fprintf(stderr, "%s %s %s\n", ts, names[level], safe);
}
