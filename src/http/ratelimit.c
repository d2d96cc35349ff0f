/*
 * Token buckets per client address in a bounded, set-associative table.
 */
#include "http/ratelimit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void ratelimit_init(struct ratelimit *rl)
{
	memset(rl->b, 0, sizeof(rl->b));
	pthread_mutex_init(&rl->lock, NULL);
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

bool ratelimit_take(struct ratelimit *rl, const char *key, double per_minute, double now,
                    int *retry_after)
{
	*retry_after = 0;
	if (per_minute <= 0)
		return true;
	char k[64];
	snprintf(k, sizeof(k), "%s", key);
	double rate = per_minute / 60.0;
	pthread_mutex_lock(&rl->lock);
	struct rl_bucket *set = rl->b[fnv1a(k) % RATELIMIT_SETS], *b = NULL, *victim = NULL;
	for (int i = 0; i < RATELIMIT_WAYS && !b; i++)
		if (set[i].key[0] && !strcmp(set[i].key, k))
			b = &set[i];
	for (int i = 0; i < RATELIMIT_WAYS && !b; i++) {
		if (!set[i].key[0]) { /* a free bucket first */
			victim = &set[i];
			break;
		}
		if (!victim || set[i].last < victim->last) /* else the least recently used */
			victim = &set[i];
	}
	if (!b) {
		b = victim;
		snprintf(b->key, sizeof(b->key), "%s", k);
		b->tokens = per_minute;
		b->last = now;
	}
	b->tokens += (now - b->last) * rate;
	if (b->tokens > per_minute)
		b->tokens = per_minute;
	b->last = now;
	bool ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	else
		*retry_after = (int)ceil((1.0 - b->tokens) / rate);
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

static struct ratelimit login_limiter;
static pthread_once_t login_once = PTHREAD_ONCE_INIT;

static void login_init(void)
{
	ratelimit_init(&login_limiter);
}

struct ratelimit *ratelimit_login(void)
{
	pthread_once(&login_once, login_init);
	return &login_limiter;
}
