/*
 * Logging to stderr with a level and a UTC timestamp. The level is set once
 * at start (XINZHI_LOG=debug|info|warn|error); logging is thread-safe because
 * each line is written by one fprintf call.
 */
#ifndef XZ_LOG_H
#define XZ_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_init_from_env(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
