/*
 * Request counters and latency histograms per route, rendered in the
 * Prometheus text format. Updated with relaxed atomics from the server's
 * threads; a scrape may see a request counted in one series a moment before
 * another, which Prometheus tolerates.
 */
#include "http/http.h"

#include <stdint.h>

#define MAX_ROUTES 128
#define NBUCKETS 11

static const double bucket_le[NBUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,   0.25,   0.5,   1.0,  2.5};

struct route_metrics {
	uint64_t by_class[6]; /* 1xx..5xx, index 1..5 */
	uint64_t buckets[NBUCKETS];
	uint64_t count;
	uint64_t micros_sum;
};

static struct route_metrics metrics[MAX_ROUTES + 2];

void metrics_observe(size_t route_index, int status, double seconds)
{
	if (route_index >= MAX_ROUTES + 2)
		return;
	struct route_metrics *m = &metrics[route_index];
	int cls = status / 100;
	if (cls >= 1 && cls <= 5)
		__atomic_fetch_add(&m->by_class[cls], 1, __ATOMIC_RELAXED);
	for (int i = 0; i < NBUCKETS; i++)
		if (seconds <= bucket_le[i])
			__atomic_fetch_add(&m->buckets[i], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->micros_sum, (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
}

static void route_label(size_t i, char *out, size_t n)
{
	if (i < http_route_count)
		snprintf(out, n, "%s %s", http_routes[i].method, http_routes[i].path);
	else
		snprintf(out, n, "%s", i == http_route_count ? "static" : "unmatched");
}

void metrics_render(struct buf *out)
{
	char label[160];
	buf_puts(out, "# HELP xinzhi_http_requests_total HTTP requests by route and status class.\n"
	              "# TYPE xinzhi_http_requests_total counter\n");
	for (size_t i = 0; i < http_route_count + 2; i++) {
		route_label(i, label, sizeof(label));
		for (int c = 1; c <= 5; c++) {
			uint64_t v = __atomic_load_n(&metrics[i].by_class[c], __ATOMIC_RELAXED);
			if (v)
				buf_printf(out, "xinzhi_http_requests_total{route=\"%s\",status=\"%dxx\"} %llu\n",
				           label, c, (unsigned long long)v);
		}
	}
	buf_puts(out, "# HELP xinzhi_http_request_duration_seconds HTTP request latency by route.\n"
	              "# TYPE xinzhi_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < http_route_count + 2; i++) {
		uint64_t count = __atomic_load_n(&metrics[i].count, __ATOMIC_RELAXED);
		if (!count)
			continue;
		route_label(i, label, sizeof(label));
		for (int b = 0; b < NBUCKETS; b++)
			buf_printf(out,
			           "xinzhi_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
			           label, bucket_le[b],
			           (unsigned long long)__atomic_load_n(&metrics[i].buckets[b], __ATOMIC_RELAXED));
		buf_printf(out, "xinzhi_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
		           label, (unsigned long long)count);
		buf_printf(out, "xinzhi_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
		           (double)__atomic_load_n(&metrics[i].micros_sum, __ATOMIC_RELAXED) / 1e6);
		buf_printf(out, "xinzhi_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label,
		           (unsigned long long)count);
	}
}
