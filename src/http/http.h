/*
 * The HTTP face: a libmicrohttpd server, one static route table, and the
 * request object handlers work on. A request owns an arena (req->arena)
 * from which handlers take what they need without freeing it; the reply
 * body (req->reply) is a JSON value the dispatcher serializes and frees.
 */
#ifndef XZ_HTTP_H
#define XZ_HTTP_H

#include "auth/auth.h"
#include "core/buf.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "store/store.h"

#include <jansson.h>
#include <microhttpd.h>

struct server_config {
	const char *db_url;
	const char *listen; /* "127.0.0.1:8080" */
	const char *web_dir; /* built front end, or NULL */
	int threads;
	size_t max_body;   /* bytes, for JSON bodies */
	size_t max_upload; /* bytes, for ROUTE_UPLOAD routes (imports) */
	const char *tls_cert, *tls_key; /* PEM files: serve HTTPS (with HSTS) */
	unsigned timeout;               /* seconds a connection may stay idle */
	unsigned per_ip_connections;    /* simultaneous connections per client IP */
	/* comma-separated addresses of reverse proxies whose X-Real-IP header
	 * names the client (audit, rate limits); NULL: the header is ignored */
	const char *trusted_proxies;
};

struct request;
typedef enum xz_result (*route_fn)(struct request *req);

enum route_flag {
	ROUTE_PUBLIC = 1u << 0,    /* no sign-in needed */
	ROUTE_PW_CHANGE = 1u << 1, /* allowed while a password change is pending */
	ROUTE_ENTITY = 1u << 2,    /* :entity must name a descriptor */
	ROUTE_UPLOAD = 1u << 3,    /* takes a file body up to server_config.max_upload */
	ROUTE_TOTP_ENROL = 1u << 4, /* allowed while TOTP enrolment is pending (as are PW_CHANGE ones) */
};

struct route {
	const char *method;
	const char *path; /* segments; ":name" captures one */
	route_fn fn;
	unsigned perm; /* enum perm; PERM_ENTITY_* resolve through the entity */
	unsigned flags;
	const char *summary; /* zh-CN, for OpenAPI */
};

extern const struct route http_routes[];
extern const size_t http_route_count;

struct request {
	struct MHD_Connection *conn;
	const char *method, *url;
	struct arena arena;
	struct buf body;
	bool too_large;
	bool no_memory; /* the body could not be held: answered XZ_ERR_NOMEM */
	size_t max_body; /* limit for this request's route */
	struct store *db;
	struct principal who;
	bool signed_in;
	const struct route *route;
	size_t route_index;
	const struct entity *entity;
	int64_t id;
	const char *path_params[4];
	struct kv *args;
	size_t nargs;
	char bad_arg[64]; /* name of a malformed query argument ("?" if unprintable) */
	char ip[64];
	double started;
	/* reply */
	int status;
	json_t *reply;
	struct buf text;          /* a non-JSON reply body, when text_type is set */
	const char *text_type;
	char disposition[512];    /* Content-Disposition of a download, or "" */
	char set_cookie[256];
	json_t *details;          /* error details (owned), e.g. invalid fields */
	char message[256];        /* error message overriding the code's default */
	int retry_after;          /* seconds, sent as Retry-After with a 429 */
};

/* Runs the server until SIGINT/SIGTERM. */
int http_serve(const struct server_config *cfg);

/* The value of query argument name, or NULL. */
const char *http_arg(struct request *req, const char *name);
/* The end of a handler that ran domain or engine code with ctx: on failure
 * the ctx's message and field details go to the error reply; ctx is freed
 * either way; returns r. */
enum xz_result http_finish(struct request *req, struct engine_ctx *ctx, enum xz_result r);
/* Parses the request body as a JSON object; XZ_ERR_BAD_REQUEST (message set)
 * when it is not. Caller owns *out. */
enum xz_result http_json_body(struct request *req, json_t **out);
/* Makes the reply a file download: bytes (taken over, free()d later) with
 * a content type and a file name (UTF-8, encoded per RFC 5987). */
void http_download(struct request *req, char *bytes, size_t len, const char *type,
                   const char *filename);
/* Builds the {error:{code,message,details}} body for r. */
json_t *http_error_body(enum xz_result r, const char *message, json_t *details);

/* Metrics */
void metrics_observe(size_t route_index, int status, double seconds);
void metrics_render(struct buf *out);

/* OpenAPI 3 document for the route table and descriptors; caller owns. */
json_t *openapi_document(void);

#endif
