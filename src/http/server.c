/*
 * The libmicrohttpd server: accepts requests on a thread pool sized to the
 * cores, collects bodies up to a limit, authenticates, checks CSRF and
 * permissions from the route table, dispatches, and serializes replies.
 * Anything outside /api/ and the probes is the built front end, with
 * history-mode routes falling back to index.html.
 */
#include "auth/audit.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/match.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS 64
#define METRIC_STATIC (http_route_count)
#define METRIC_UNMATCHED (http_route_count + 1)

static struct store_pool *pool;
static const struct server_config *config;

/* ---- helpers for handlers ---- */

const char *http_arg(struct request *req, const char *name)
{
	for (size_t i = 0; i < req->nargs; i++)
		if (!strcmp(req->args[i].key, name))
			return req->args[i].value;
	return NULL;
}

enum xz_result http_json_body(struct request *req, json_t **out)
{
	json_error_t err;
	*out = NULL;
	if (!req->body.len) {
		snprintf(req->message, sizeof(req->message), "请求体为空，应为 JSON 对象");
		return XZ_ERR_BAD_REQUEST;
	}
	json_t *j = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		snprintf(req->message, sizeof(req->message), "请求体不是有效的 JSON（第%d行第%d列）：%s",
		         err.line, err.column, err.text);
		return XZ_ERR_BAD_REQUEST;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(req->message, sizeof(req->message), "请求体应为 JSON 对象");
		return XZ_ERR_BAD_REQUEST;
	}
	*out = j;
	return XZ_OK;
}

json_t *http_error_body(enum xz_result r, const char *message, json_t *details)
{
	const struct xz_result_info *info = result_info(r);
	json_t *err = json_pack("{s:s, s:s}", "code", info->code, "message",
	                        message && *message ? message : info->message);
	if (!err) /* the message quoted client text that is not UTF-8 (or was cut mid-character) */
		err = json_pack("{s:s, s:s}", "code", info->code, "message", info->message);
	if (details && json_array_size(details))
		json_object_set(err, "details", details);
	return json_pack("{s:o}", "error", err);
}

/* ---- routing ---- */

/* Matches url against a pattern; ":name" segments are captured in order,
 * and ":id" must be a positive integer, parsed into req->id. */
static bool match_path(const char *pattern, const char *path, struct request *req)
{
	size_t np = 0;
	const char *p = pattern, *u = path;
	while (*p && *u) {
		if (*p != '/' || *u != '/')
			return false;
		p++, u++;
		const char *pe = strchrnul(p, '/'), *ue = strchrnul(u, '/');
		if (*p == ':') {
			if (ue == u || np >= 4)
				return false;
			const char *value = arena_strndup(&req->arena, u, (size_t)(ue - u));
			if (pe - p == 3 && !strncmp(p, ":id", 3)) {
				char *end;
				long long id = strtoll(value, &end, 10);
				if (*end || id <= 0)
					return false;
				req->id = id;
			}
			req->path_params[np++] = value;
		} else if ((size_t)(pe - p) != (size_t)(ue - u) || strncmp(p, u, (size_t)(pe - p))) {
			return false;
		}
		p = pe, u = ue;
	}
	return !*p && !*u;
}

/* Finds the route; *method_mismatch is set when the path exists under
 * another method. */
static const struct route *find_route(struct request *req, bool *method_mismatch)
{
	*method_mismatch = false;
	for (size_t i = 0; i < http_route_count; i++) {
		const struct route *r = &http_routes[i];
		memset(req->path_params, 0, sizeof(req->path_params));
		if (!match_path(r->path, req->url, req))
			continue;
		if (r->flags & ROUTE_ENTITY) {
			const struct entity *e = model_find(req->path_params[0]);
			if (!e)
				continue;
			req->entity = e;
		}
		if (strcmp(r->method, req->method)) {
			*method_mismatch = true;
			continue;
		}
		req->route_index = i;
		return r;
	}
	return NULL;
}

/* ---- replies ---- */

static void add_common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	/* browsers that once reached us over TLS never fall back to plain HTTP */
	if (config->tls_cert)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		                        "max-age=31536000; includeSubDomains");
}

static enum MHD_Result send_text(struct request *req)
{
	size_t len = req->text.len;
	struct MHD_Response *resp =
	        MHD_create_response_from_buffer(len, buf_steal(&req->text), MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", req->text_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_common_headers(resp);
	if (req->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", req->disposition);
	/* generated pages (print views) carry inline styles and data: images,
	 * never scripts */
	if (!strncmp(req->text_type, "text/html", 9))
		MHD_add_response_header(resp, "Content-Security-Policy",
		                        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
		                        "frame-ancestors 'none'");
	enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

void http_download(struct request *req, char *bytes, size_t len, const char *type,
                   const char *filename)
{
	buf_reset(&req->text);
	buf_append(&req->text, bytes, len);
	free(bytes);
	req->text_type = type;
	/* an ASCII fallback name, and the real one percent-encoded */
	const char *dot = strrchr(filename, '.');
	struct buf b = BUF_INIT;
	buf_printf(&b, "attachment; filename=\"download%s\"; filename*=UTF-8''", dot ? dot : "");
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	snprintf(req->disposition, sizeof(req->disposition), "%s", buf_cstr(&b));
	buf_free(&b);
}

static enum MHD_Result send_json(struct request *req)
{
	if (req->text_type && req->status < 400)
		return send_text(req);
	char *text = json_dumps(req->reply ? req->reply : json_null(),
	                        JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	if (!text) /* never hand strlen() a NULL: that crashed the server */
		text = xstrdup("null");
	struct MHD_Response *resp =
	        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_common_headers(resp);
	if (req->set_cookie[0]) {
		char cookie[sizeof(req->set_cookie) + 16];
		snprintf(cookie, sizeof(cookie), "%s%s", req->set_cookie,
		         config->tls_cert ? "; Secure" : "");
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	}
	if (req->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"xinzhi\"");
	if (req->status == 429 && req->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%d", req->retry_after);
		MHD_add_response_header(resp, "Retry-After", secs);
	}
	enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void fail(struct request *req, enum xz_result r)
{
	json_t *details = req->details;
	const char *message = req->message[0] ? req->message : NULL;
	char buf[300];
	if (!message && r == XZ_ERR_VALIDATION && json_array_size(details)) {
		const char *first = json_string_value(
		        json_object_get(json_array_get(details, 0), "message"));
		if (json_array_size(details) == 1)
			snprintf(buf, sizeof(buf), "%s", first);
		else
			snprintf(buf, sizeof(buf), "%zu 项数据未通过校验：%s 等",
			         json_array_size(details), first);
		message = buf;
	}
	json_decref(req->reply);
	req->reply = http_error_body(r, message, details);
	req->status = result_info(r)->http_status;
}

/* ---- static front end ---- */

static const char *mime_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".json", "application/json"},
		{".svg", "image/svg+xml"},             {".png", "image/png"},
		{".ico", "image/x-icon"},              {".woff2", "font/woff2"},
		{".woff", "font/woff"},                {".ttf", "font/ttf"},
		{".map", "application/json"},          {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static enum MHD_Result send_file(struct request *req, const char *path, bool immutable)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return MHD_NO;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", mime_type(path));
	MHD_add_response_header(resp, "Cache-Control",
	                        immutable ? "public, max-age=31536000, immutable" : "no-cache");
	add_common_headers(resp);
	if (!strcmp(mime_type(path), "text/html; charset=utf-8"))
		MHD_add_response_header(resp, "Content-Security-Policy",
		                        "default-src 'self'; img-src 'self' data:; "
		                        "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
	req->status = 200;
	enum MHD_Result ret = MHD_queue_response(req->conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static bool safe_path(const char *url)
{
	return !strstr(url, "..") && !strchr(url, '\\') && url[0] == '/';
}

static enum MHD_Result serve_static(struct request *req)
{
	req->route_index = METRIC_STATIC;
	if (config->web_dir && safe_path(req->url) &&
	    (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"))) {
		char path[1024];
		bool asset = !strncmp(req->url, "/assets/", 8);
		snprintf(path, sizeof(path), "%s%s", config->web_dir, req->url);
		if (strcmp(req->url, "/") && send_file(req, path, asset) == MHD_YES)
			return MHD_YES;
		/* history-mode routes: any page path gets the app shell */
		if (!asset && !strchr(strrchr(req->url, '/'), '.')) {
			snprintf(path, sizeof(path), "%s/index.html", config->web_dir);
			if (send_file(req, path, false) == MHD_YES)
				return MHD_YES;
		}
	}
	req->route_index = METRIC_UNMATCHED;
	snprintf(req->message, sizeof(req->message), "找不到 %s", req->url);
	fail(req, XZ_ERR_NOT_FOUND);
	return send_json(req);
}

/* ---- authentication and dispatch ---- */

static const char *header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static enum xz_result authenticate(struct request *req)
{
	const char *authz = header(req, "Authorization");
	if (authz && !strncmp(authz, "Bearer ", 7))
		return auth_bearer(req->db, authz + 7, req->ip, &req->who);
	const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, AUTH_COOKIE);
	if (cookie)
		return auth_session(req->db, cookie, req->ip, &req->who);
	return XZ_ERR_UNAUTHENTICATED;
}

static unsigned needed_perm(const struct route *r, const struct entity *e)
{
	if (r->perm == PERM_ENTITY_READ)
		return e->perm_read;
	if (r->perm == PERM_ENTITY_WRITE)
		return e->perm_write;
	return r->perm;
}

static enum xz_result dispatch(struct request *req)
{
	bool method_mismatch;
	const struct route *r = find_route(req, &method_mismatch);
	if (!r) {
		req->route_index = METRIC_UNMATCHED;
		return method_mismatch ? XZ_ERR_METHOD : XZ_ERR_NOT_FOUND;
	}
	req->route = r;
	if (req->bad_arg[0]) {
		snprintf(req->message, sizeof(req->message),
		         "查询参数过多（最多%d个）或含有非法字符（空字节或非 UTF-8 编码）", MAX_ARGS);
		req->details = json_pack("[{s:s, s:s, s:s}]", "field", req->bad_arg, "code",
		                         "invalid_parameter", "message", req->message);
		return XZ_ERR_BAD_REQUEST;
	}
	if (req->no_memory)
		return XZ_ERR_NOMEM;
	if (req->too_large) {
		snprintf(req->message, sizeof(req->message), "请求内容超过 %zu 字节的上限",
		         req->max_body);
		return XZ_ERR_TOO_LARGE;
	}
	if (!(r->flags & ROUTE_PUBLIC)) {
		enum xz_result a = authenticate(req);
		if (a)
			return a;
		req->signed_in = true;
		bool safe = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
		if (req->who.via_cookie && !safe) {
			const char *csrf = header(req, "X-CSRF-Token");
			if (!csrf || !util_streq_ct(csrf, req->who.csrf))
				return XZ_ERR_CSRF;
		}
		if (req->who.must_change_password && !(r->flags & ROUTE_PW_CHANGE))
			return XZ_ERR_PASSWORD_CHANGE;
		if (req->who.must_enroll_totp && !(r->flags & (ROUTE_PW_CHANGE | ROUTE_TOTP_ENROL)))
			return XZ_ERR_TOTP_ENROL;
		unsigned perm = needed_perm(r, req->entity);
		if (perm == PERM_NONE && (r->perm & (PERM_ENTITY_READ | PERM_ENTITY_WRITE)))
			return XZ_ERR_FORBIDDEN; /* the entity cannot be written at all */
		if ((req->who.actor.perms & perm) != perm) {
			json_t *d = json_pack("{s:s, s:s}", "method", req->method, "path", req->url);
			audit_write(req->db, &req->who.actor, "access_denied", req->entity ? req->entity->name : NULL,
			            0, "forbidden", d);
			json_decref(d);
			return XZ_ERR_FORBIDDEN;
		}
	}
	return r->fn(req);
}

/* Keeps a query argument; one with a NUL byte or invalid UTF-8, or more
 * than MAX_ARGS of them, marks the request bad instead of being cut short
 * silently. */
static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	struct request *req = cls;
	if (!value)
		value = "", value_size = 0;
	if (req->nargs >= MAX_ARGS || strlen(key) != key_size || strlen(value) != value_size ||
	    !util_utf8_valid(key, key_size) || !util_utf8_valid(value, value_size)) {
		bool name_ok = strlen(key) == key_size && util_utf8_valid(key, key_size) &&
		               key_size < sizeof(req->bad_arg);
		snprintf(req->bad_arg, sizeof(req->bad_arg), "%s", name_ok ? key : "?");
		return MHD_NO;
	}
	req->args[req->nargs].key = arena_strndup(&req->arena, key, key_size);
	req->args[req->nargs].value = arena_strndup(&req->arena, value, value_size);
	req->nargs++;
	return MHD_YES;
}

/* Whether addr is one of the comma-separated trusted proxies. */
static bool trusted_proxy(const char *addr)
{
	const char *list = config->trusted_proxies;
	size_t n = strlen(addr);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, addr, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The client's address: the peer's, or behind a trusted reverse proxy the
 * one it names in X-Real-IP, when that is a well-formed address (anything
 * else is ignored, so a client cannot pass text into the audit log or
 * spread its attempts over made-up addresses). */
static void client_ip(struct request *req)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(req->ip, sizeof(req->ip), "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->ip, sizeof(req->ip));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->ip,
		          sizeof(req->ip));
	if (!config->trusted_proxies || !trusted_proxy(req->ip))
		return;
	const char *real = header(req, "X-Real-IP");
	unsigned char bin[sizeof(struct in6_addr)];
	if (real && strlen(real) < sizeof(req->ip) &&
	    (inet_pton(AF_INET, real, bin) == 1 || inet_pton(AF_INET6, real, bin) == 1))
		snprintf(req->ip, sizeof(req->ip), "%s", real);
}

static bool is_api(const char *url)
{
	return !strncmp(url, "/api/", 5) || !strcmp(url, "/healthz") || !strcmp(url, "/metrics");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)cls, (void)version;
	struct request *req = *con_cls;
	if (!req) {
		req = xcalloc(1, sizeof(*req));
		arena_init(&req->arena);
		req->conn = conn;
		req->started = util_now_mono();
		req->max_body = config->max_body;
		/* the route decides how large a body may grow: files for imports */
		req->method = method;
		req->url = url;
		bool mismatch;
		const struct route *r = find_route(req, &mismatch);
		if (r && (r->flags & ROUTE_UPLOAD))
			req->max_body = config->max_upload;
		req->entity = NULL;
		req->id = 0;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (req->body.len + *upload_data_size > req->max_body)
			req->too_large = true;
		else if (!req->no_memory &&
		         !buf_try_append(&req->body, upload_data, *upload_data_size))
			req->no_memory = true; /* answered once the body has arrived */
		*upload_data_size = 0;
		return MHD_YES;
	}
	req->method = method;
	req->url = url;
	req->status = 200;
	client_ip(req);
	if (!is_api(url))
		return serve_static(req);
	req->args = arena_alloc(&req->arena, MAX_ARGS * sizeof(struct kv));
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, req);
	req->db = store_pool_get(pool);
	enum xz_result r = dispatch(req);
	if (r)
		fail(req, r);
	store_pool_put(pool, req->db);
	req->db = NULL;
	return send_json(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)conn, (void)toe;
	struct request *req = *con_cls;
	if (!req)
		return;
	if (req->method)
		metrics_observe(req->route_index, req->status, util_now_mono() - req->started);
	json_decref(req->reply);
	json_decref(req->details);
	buf_free(&req->body);
	buf_free(&req->text);
	arena_free(&req->arena);
	free(req);
	*con_cls = NULL;
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return false;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sa->sin_addr) == 1;
}

/* The whole of a PEM file, or NULL with a message on stderr. */
static char *read_pem(const char *path, const char *what)
{
	FILE *f = fopen(path, "re");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f) {
		fprintf(stderr, "xinzhi: 无法读取%s文件 %s：%s\n", what, path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1u << 20))
		buf_append(&b, chunk, n);
	fclose(f);
	if (!strstr(buf_cstr(&b), "-----BEGIN ")) {
		fprintf(stderr, "xinzhi: %s文件 %s 不是 PEM 格式\n", what, path);
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

int http_serve(const struct server_config *cfg)
{
	struct sockaddr_in sa;
	char *cert = NULL, *key = NULL;
	config = cfg;
	if (!cfg->tls_cert != !cfg->tls_key) {
		fprintf(stderr, "xinzhi: --tls-cert 与 --tls-key 须同时给出\n");
		return 2;
	}
	if (cfg->tls_cert) {
		cert = read_pem(cfg->tls_cert, "证书");
		key = cert ? read_pem(cfg->tls_key, "私钥") : NULL;
		if (!key) {
			free(cert);
			return 2;
		}
	}
	if (!parse_listen(cfg->listen, &sa)) {
		fprintf(stderr, "xinzhi: 监听地址“%s”无效，应为 IP:端口，如 127.0.0.1:8080\n",
		        cfg->listen);
		return 2;
	}
	int lock = -1;
	if (store_lock_file(cfg->db_url, false, &lock) == XZ_ERR_BUSY) {
		fprintf(stderr, "xinzhi: 数据库 %s 正在轮换密钥或恢复备份，请稍后再启动\n", cfg->db_url);
		free(cert);
		free(key);
		return 1;
	}
	if (store_pool_open(cfg->db_url, cfg->threads + 1, &pool)) {
		store_unlock_file(lock);
		free(cert);
		free(key);
		return 1;
	}
	struct store *warm = store_pool_get(pool);
	if (match_warm(warm)) /* not fatal: the first query retries */
		log_info("matching index not built at start: %s", store_errmsg(warm));
	store_pool_put(pool, warm);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* MHD threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	/* TLS 1.2 and 1.3 only, GnuTLS's secure suites */
	const char *priorities = "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE";
	struct MHD_OptionItem tls[] = {
		{cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)priorities},
		{MHD_OPTION_END, 0, NULL},
	};
	if (cert)
		flags |= MHD_USE_TLS;
	/* a slow or idle client is cut off after the timeout; one address cannot
	 * take every connection */
	struct MHD_Daemon *d = MHD_start_daemon(
	        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
	        cfg->timeout ? cfg->timeout : 30u, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
	        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	        cfg->per_ip_connections ? cfg->per_ip_connections : 256u,
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTENING_ADDRESS_REUSE,
	        (unsigned)1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_ARRAY, tls,
	        MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "xinzhi: 无法在 %s 上监听%s：%s\n", cfg->listen,
		        cert ? "（或证书与私钥不匹配）" : "", strerror(errno));
		store_pool_close(pool);
		store_unlock_file(lock);
		free(cert);
		free(key);
		return 1;
	}
	log_info("xinzhi %s serving %s on %s://%s/ (%d threads)", XZ_VERSION, cfg->db_url,
	         cert ? "https" : "http", cfg->listen, cfg->threads);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: shutting down", sig);
	MHD_stop_daemon(d);
	store_pool_close(pool);
	store_unlock_file(lock);
	match_reset();
	if (key)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	return 0;
}
