/*
 * The OpenAPI 3 document, generated from the route table and the entity
 * descriptors, so it cannot drift from what the server does. Generic entity
 * routes are expanded once per entity with that entity's schema.
 */
#include "http/http.h"

#include <string.h>

static json_t *ref(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", path);
}

static json_t *field_schema(const struct field *f)
{
	json_t *s;
	switch (f->type) {
	case FT_INT:
	case FT_REF:
		s = json_pack("{s:s}", "type", "integer");
		break;
	case FT_DECIMAL:
		s = json_pack("{s:s}", "type", "number");
		break;
	case FT_BOOL:
		s = json_pack("{s:s}", "type", "boolean");
		break;
	case FT_TAGS:
		s = json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string");
		break;
	case FT_DATE:
		s = json_pack("{s:s, s:s}", "type", "string", "format", "date");
		break;
	case FT_DATETIME:
		s = json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
		break;
	case FT_ENUM: {
		json_t *vals = json_array();
		for (const char *const *v = f->enum_values; *v; v++)
			json_array_append_new(vals, json_string(*v));
		s = json_pack("{s:s, s:o}", "type", "string", "enum", vals);
		break;
	}
	default:
		s = json_pack("{s:s}", "type", "string");
		if (f->type == FT_TEXT)
			json_object_set_new(s, "maxLength", json_integer(f->max_len ? f->max_len : 200));
		break;
	}
	json_object_set_new(s, "description", json_string(f->label));
	if (!(f->flags & F_REQUIRED) && f->type != FT_TAGS && f->type != FT_BOOL)
		json_object_set_new(s, "nullable", json_true());
	if (f->flags & F_READONLY)
		json_object_set_new(s, "readOnly", json_true());
	if ((f->type == FT_INT || f->type == FT_DECIMAL) && f->min < f->max) {
		json_object_set_new(s, "minimum", json_real(f->min));
		json_object_set_new(s, "maximum", json_real(f->max));
	}
	return s;
}

static json_t *entity_schema(const struct entity *e, bool input)
{
	json_t *props = json_object(), *required = json_array();
	if (!input) {
		json_object_set_new(props, "id", json_pack("{s:s, s:b}", "type", "integer", "readOnly", 1));
		if (!(e->flags & E_NO_TIMESTAMPS)) {
			json_object_set_new(props, "version",
			                    json_pack("{s:s, s:s}", "type", "integer", "description",
			                              "版本号，修改时须原样提交"));
			json_object_set_new(props, "created_at",
			                    json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
			json_object_set_new(props, "updated_at",
			                    json_pack("{s:s, s:s}", "type", "string", "format", "date-time"));
		}
		json_object_set_new(props, "_labels",
		                    json_pack("{s:s, s:s, s:{s:s}}", "type", "object", "description",
		                              "引用字段的显示名称", "additionalProperties", "type",
		                              "string"));
	} else if (!(e->flags & E_NO_TIMESTAMPS)) {
		json_object_set_new(props, "version",
		                    json_pack("{s:s, s:s}", "type", "integer", "description",
		                              "修改（PATCH）时必填：读取到的版本号"));
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (input && (f->flags & F_READONLY))
			continue;
		json_object_set_new(props, f->name, field_schema(f));
		if (!input && (f->flags & F_REQUIRED))
			json_array_append_new(required, json_string(f->name));
	}
	for (size_t i = 0; i < e->nlinks; i++)
		json_object_set_new(props, e->links[i].name,
		                    json_pack("{s:s, s:{s:s}, s:s}", "type", "array", "items", "type",
		                              "integer", "description", e->links[i].label));
	json_t *s = json_pack("{s:s, s:s, s:o}", "type", "object", "title", e->label, "properties",
	                      props);
	if (json_array_size(required))
		json_object_set(s, "required", required);
	json_decref(required);
	return s;
}

static json_t *json_content(json_t *schema)
{
	return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *responses(const char *ok_code, json_t *ok_schema)
{
	json_t *r = json_object();
	json_object_set_new(r, ok_code,
	                    ok_schema ? json_pack("{s:s, s:o}", "description", "成功", "content",
	                                          json_content(ok_schema))
	                              : json_pack("{s:s}", "description", "成功"));
	json_object_set_new(r, "default",
	                    json_pack("{s:s, s:o}", "description", "错误", "content",
	                              json_content(ref("Error"))));
	return r;
}

static json_t *list_params(const struct entity *e)
{
	json_t *p = json_array();
	json_array_append_new(p, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "q", "in", "query",
	                                   "description", "在可搜索字段中查找", "schema", "type",
	                                   "string"));
	json_array_append_new(p, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "sort", "in", "query",
	                                   "description", "排序字段，逗号分隔，前加 - 为降序", "schema",
	                                   "type", "string"));
	json_array_append_new(p, json_pack("{s:s, s:s, s:{s:s, s:i}}", "name", "page", "in", "query",
	                                   "schema", "type", "integer", "minimum", 1));
	json_array_append_new(p, json_pack("{s:s, s:s, s:{s:s, s:i, s:i}}", "name", "size", "in",
	                                   "query", "schema", "type", "integer", "minimum", 1,
	                                   "maximum", 200));
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f->flags & F_SENSITIVE)
			continue;
		json_array_append_new(p, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", f->name, "in",
		                                   "query", "description", f->label, "schema", "type",
		                                   "string"));
	}
	return p;
}

static json_t *id_param(void)
{
	return json_pack("[{s:s, s:s, s:b, s:{s:s}}]", "name", "id", "in", "path", "required", 1,
	                 "schema", "type", "integer");
}

static void add_op(json_t *paths, const char *path, const char *method, json_t *op)
{
	json_t *item = json_object_get(paths, path);
	if (!item) {
		item = json_object();
		json_object_set_new(paths, path, item);
	}
	char lower[8];
	size_t i;
	for (i = 0; i < sizeof(lower) - 1 && method[i]; i++)
		lower[i] = (char)(method[i] | 0x20);
	lower[i] = '\0';
	json_object_set_new(item, lower, op);
}

static json_t *entity_op(const struct route *r, const struct entity *e)
{
	char opid[96], summary[160];
	snprintf(summary, sizeof(summary), "%s：%s", e->label, r->summary);
	json_t *op = json_pack("{s:s, s:[s]}", "summary", summary, "tags", e->label);
	const char *m = r->method;
	bool item = strstr(r->path, ":id") != NULL;
	/* routes beyond plain CRUD (/import, /export, /:id/reveal …) are named
	 * after their path and described generically */
	const char *rest = r->path + strlen("/api/v1/:entity");
	if (*rest && strcmp(rest, "/:id")) {
		char tail[64];
		size_t k = 0;
		for (const char *p = rest; *p && k < sizeof(tail) - 1; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				tail[k++] = *p;
			else if (k && tail[k - 1] != '_')
				tail[k++] = '_';
		tail[k] = '\0';
		snprintf(opid, sizeof(opid), "%s_%s_%s", e->name, tail, !strcmp(m, "GET") ? "get" : "post");
		json_object_set_new(op, "operationId", json_string(opid));
		if (item)
			json_object_set_new(op, "parameters", id_param());
		if (r->flags & ROUTE_UPLOAD)
			json_object_set_new(op, "requestBody",
			                    json_pack("{s:b, s:{s:{s:{s:s, s:s}}}}", "required", 1, "content",
			                              "application/octet-stream", "schema", "type", "string",
			                              "format", "binary"));
		json_object_set_new(op, "responses", responses("200", NULL));
		return op;
	}
	snprintf(opid, sizeof(opid), "%s_%s_%s", e->name,
	         !strcmp(m, "GET") ? (item ? "get" : "list") : !strcmp(m, "POST") ? "create"
	                                                   : !strcmp(m, "PATCH") ? "update"
	                                                                         : "delete",
	         "v1");
	json_object_set_new(op, "operationId", json_string(opid));
	char schema_name[64], input_name[80];
	snprintf(schema_name, sizeof(schema_name), "%s", e->name);
	snprintf(input_name, sizeof(input_name), "%s_input", e->name);
	if (!strcmp(m, "GET") && !item) {
		json_object_set_new(op, "parameters", list_params(e));
		json_object_set_new(
		        op, "responses",
		        responses("200", json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s}}}",
		                                   "type", "object", "properties", "items", "type",
		                                   "array", "items", ref(schema_name), "total", "type",
		                                   "integer", "page", "type", "integer", "size", "type",
		                                   "integer")));
	} else if (!strcmp(m, "GET")) {
		json_object_set_new(op, "parameters", id_param());
		json_object_set_new(op, "responses", responses("200", ref(schema_name)));
	} else if (!strcmp(m, "POST")) {
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b, s:o}", "required", 1, "content",
		                              json_content(ref(input_name))));
		json_object_set_new(op, "responses", responses("201", ref(schema_name)));
	} else if (!strcmp(m, "PATCH")) {
		json_object_set_new(op, "parameters", id_param());
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b, s:o}", "required", 1, "content",
		                              json_content(ref(input_name))));
		json_object_set_new(op, "responses", responses("200", ref(schema_name)));
	} else {
		json_object_set_new(op, "parameters", id_param());
		json_object_set_new(op, "responses", responses("200", NULL));
	}
	return op;
}

static json_t *plain_op(const struct route *r, size_t index)
{
	char opid[64];
	snprintf(opid, sizeof(opid), "op_%zu", index);
	const char *tag = !strncmp(r->path, "/api/v1/auth", 12) ? "登录与会话" : "系统";
	json_t *op = json_pack("{s:s, s:s, s:[s]}", "summary", r->summary, "operationId", opid,
	                       "tags", tag);
	if (strstr(r->path, ":id"))
		json_object_set_new(op, "parameters", id_param());
	if (!strcmp(r->method, "POST") && (r->flags & ROUTE_UPLOAD))
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b, s:{s:{s:{s:s, s:s}}}}", "required", 1, "content",
		                              "application/octet-stream", "schema", "type", "string",
		                              "format", "binary"));
	else if (!strcmp(r->method, "POST"))
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:b, s:o}", "required", 1, "content",
		                              json_content(json_pack("{s:s}", "type", "object"))));
	json_object_set_new(op, "responses", responses("200", NULL));
	if (r->flags & ROUTE_PUBLIC)
		json_object_set_new(op, "security", json_array());
	return op;
}

/* "/api/v1/:entity/:id" with entity "need" -> "/api/v1/need/{id}" */
static void concrete_path(const char *pattern, const char *entity, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	for (const char *p = pattern; *p;) {
		if (*p == ':') {
			const char *end = strchrnul(p, '/');
			if (!strncmp(p, ":entity", 7) && end - p == 7 && entity)
				buf_puts(&b, entity);
			else
				buf_printf(&b, "{%.*s}", (int)(end - p - 1), p + 1);
			p = end;
		} else {
			buf_putc(&b, *p++);
		}
	}
	snprintf(out, n, "%s", buf_cstr(&b));
	buf_free(&b);
}

json_t *openapi_document(void)
{
	json_t *paths = json_object(), *schemas = json_object();
	for (size_t i = 0; i < http_route_count; i++) {
		const struct route *r = &http_routes[i];
		char path[256];
		if (!(r->flags & ROUTE_ENTITY)) {
			concrete_path(r->path, NULL, path, sizeof(path));
			add_op(paths, path, r->method, plain_op(r, i));
			continue;
		}
		for (size_t k = 0; model_at(k); k++) {
			const struct entity *e = model_at(k);
			bool write = strcmp(r->method, "GET") != 0;
			if (write && (e->flags & E_READONLY))
				continue;
			concrete_path(r->path, e->name, path, sizeof(path));
			add_op(paths, path, r->method, entity_op(r, e));
		}
	}
	for (size_t k = 0; model_at(k); k++) {
		const struct entity *e = model_at(k);
		char input_name[80];
		snprintf(input_name, sizeof(input_name), "%s_input", e->name);
		json_object_set_new(schemas, e->name, entity_schema(e, false));
		json_object_set_new(schemas, input_name, entity_schema(e, true));
	}
	json_object_set_new(
	        schemas, "Error",
	        json_pack("{s:s, s:[s], s:{s:{s:s, s:[s,s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}}}}}}",
	                  "type", "object", "required", "error", "properties", "error", "type",
	                  "object", "required", "code", "message", "properties", "code", "type",
	                  "string", "message", "type", "string", "details", "type", "array",
	                  "items", "type", "object", "properties", "field", "type", "string", "code",
	                  "type", "string", "message", "type", "string", "row", "type", "integer"));
	return json_pack(
	        "{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:o, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}}, s:[{s:[]}, {s:[]}]}",
	        "openapi", "3.0.3", "info", "title", "新质 xinzhi API", "version", XZ_VERSION,
	        "description",
	        "产业链组织保障工作平台接口。会话 Cookie 调用非 GET 接口须带 X-CSRF-Token 请求头。",
	        "servers", "url", "/", "paths", paths, "components", "schemas", schemas,
	        "securitySchemes", "cookieAuth", "type", "apiKey", "in", "cookie", "name",
	        AUTH_COOKIE, "bearerAuth", "type", "http", "scheme", "bearer", "security",
	        "cookieAuth", "bearerAuth");
}
