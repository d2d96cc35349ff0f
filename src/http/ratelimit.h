/*
 * A per-key (client IP) token-bucket rate limiter for the login route, kept
 * in memory with a fixed size: RATELIMIT_SETS × RATELIMIT_WAYS buckets in a
 * set-associative table, the least recently used bucket of a full set being
 * reused, so a flood of addresses cannot grow memory. A bucket holds up to
 * per_minute tokens and refills at per_minute per 60 seconds. Thread-safe
 * (one mutex). The struct is public so unit tests can own one; the server
 * uses the process-wide instance from ratelimit_login().
 */
#ifndef XZ_RATELIMIT_H
#define XZ_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>

#define RATELIMIT_SETS 1024
#define RATELIMIT_WAYS 4

struct rl_bucket {
	char key[64];
	double tokens;
	double last; /* seconds (monotonic) of the last refill */
};

struct ratelimit {
	pthread_mutex_t lock;
	struct rl_bucket b[RATELIMIT_SETS][RATELIMIT_WAYS];
};

void ratelimit_init(struct ratelimit *rl);
/* Takes one token for key at time now (seconds). false when none is left;
 * *retry_after then gets the whole seconds until one will be. per_minute
 * <= 0 always allows. */
bool ratelimit_take(struct ratelimit *rl, const char *key, double per_minute, double now,
                    int *retry_after);
/* The server's limiter for login attempts. */
struct ratelimit *ratelimit_login(void);

#endif
