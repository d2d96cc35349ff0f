/*
 * Lookups over the descriptor table, its self-check, and its JSON form for
 * the meta endpoint and the UI.
 */
#include "model/entities.h"
#include "model/model.h"
#include "core/mem.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies s into out (n bytes) as valid UTF-8: each byte that does not start
 * a complete valid sequence (including one cut short by vsnprintf) becomes
 * '?', and out never ends inside a sequence. Client text (a parameter name,
 * a sort key) ends up in messages, and jansson refuses strings that are not
 * UTF-8, which silently dropped the detail and let the request through. */
static void utf8_clean(const char *s, char *out, size_t n)
{
	size_t o = 0;
	while (*s && o + 1 < n) {
		unsigned char c = (unsigned char)*s;
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		           : (c & 0xF8) == 0xF0 ? 4 : 0;
		if (len && strnlen(s, len) == len && util_utf8_valid(s, len)) {
			if (o + len + 1 > n)
				break;
			memcpy(out + o, s, len);
			o += len, s += len;
		} else {
			out[o++] = '?';
			s++;
		}
	}
	out[o] = '\0';
}

static void add_detail(json_t *arr, const char *field, const char *code, const char *fmt,
                       va_list ap)
{
	char raw[512], msg[512];
	vsnprintf(raw, sizeof(raw), fmt, ap);
	utf8_clean(raw, msg, sizeof(msg));
	if (!field)
		field = "";
	size_t n = strlen(field) + 1;
	char *name = xmalloc(n);
	utf8_clean(field, name, n);
	json_t *d = json_pack("{s:s, s:s, s:s}", "field", name, "code", code, "message", msg);
	free(name);
	json_array_append_new(arr, d);
}

void model_error(struct model_errors *errs, const char *field, const char *code, const char *fmt,
                 ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_detail(errs->details, field, code, fmt, ap);
	va_end(ap);
}

void model_warning(struct model_errors *errs, const char *field, const char *code,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_detail(errs->warnings, field, code, fmt, ap);
	va_end(ap);
	/* a warning blocks a write only until the caller confirms it (?confirm=1) */
	json_object_set_new(json_array_get(errs->warnings, json_array_size(errs->warnings) - 1),
	                    "confirmable", json_true());
}

const char *model_perm_name(unsigned perm)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{PERM_DATA_READ, "data.read"},         {PERM_DATA_WRITE, "data.write"},
		{PERM_STRUCTURE_WRITE, "structure.write"}, {PERM_USER_ADMIN, "user.admin"},
		{PERM_AUDIT_READ, "audit.read"},       {PERM_PII_REVEAL, "pii.reveal"},
		{PERM_SECURITY_ADMIN, "security.admin"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].bit == perm)
			return names[i].name;
	return NULL;
}

const struct entity *model_find(const char *name)
{
	for (size_t i = 0; i < model_entity_count; i++)
		if (!strcmp(model_entities[i].name, name))
			return &model_entities[i];
	return NULL;
}

const struct entity *model_at(size_t i)
{
	return i < model_entity_count ? &model_entities[i] : NULL;
}

size_t model_count(void)
{
	return model_entity_count;
}

const struct field *model_field(const struct entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	return NULL;
}

const struct link *model_link(const struct entity *e, const char *name)
{
	for (size_t i = 0; i < e->nlinks; i++)
		if (!strcmp(e->links[i].name, name))
			return &e->links[i];
	return NULL;
}

const char *model_type_name(enum field_type t)
{
	static const char *names[] = {
		[FT_TEXT] = "text",     [FT_INT] = "integer", [FT_DECIMAL] = "decimal",
		[FT_DATE] = "date",     [FT_ENUM] = "enum",   [FT_REF] = "ref",
		[FT_TAGS] = "tags",     [FT_BOOL] = "bool",   [FT_IDCARD] = "idcard",
		[FT_USCC] = "uscc",     [FT_MOBILE] = "mobile", [FT_DATETIME] = "datetime",
	};
	return names[t];
}

static int problem(const struct entity *e, const char *what, const char *name)
{
	fprintf(stderr, "descriptor %s: %s%s%s\n", e->name, what, name ? ": " : "",
	        name ? name : "");
	return 1;
}

static bool is_state(const struct field *f, const char *s)
{
	for (const char *const *v = f->enum_values; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* A field a step writes besides the state: it exists, is read-only (only
 * the step sets it), is not the state field, and has the type its role
 * asks for (a date stamp, a text comment; an input of a type the step can
 * check: enum, text, date, integer, decimal). */
static int check_step_field(const struct entity *e, const struct workflow *w,
                            const struct wf_step *st, const char *name, const char *what)
{
	if (!name)
		return 0;
	const struct field *f = model_field(e, name);
	if (!f || !strcmp(name, w->field) || !(f->flags & F_READONLY)) {
		fprintf(stderr, "descriptor %s: workflow step %s: %s %s is not a read-only field\n",
		        e->name, st->action, what, name);
		return 1;
	}
	bool ok = true;
	if (!strcmp(what, "stamp"))
		ok = f->type == FT_DATE;
	else if (!strcmp(what, "comment_to"))
		ok = f->type == FT_TEXT;
	else if (!strcmp(what, "input"))
		ok = f->type == FT_ENUM || f->type == FT_TEXT || f->type == FT_DATE ||
		     f->type == FT_INT || f->type == FT_DECIMAL;
	if (!ok) {
		fprintf(stderr, "descriptor %s: workflow step %s: %s %s has the wrong type\n", e->name,
		        st->action, what, name);
		return 1;
	}
	return 0;
}

static int check_step_fields(const struct entity *e, const struct workflow *w,
                             const struct wf_step *st)
{
	int bad = check_step_field(e, w, st, st->input, "input") +
	          check_step_field(e, w, st, st->stamp, "stamp") +
	          check_step_field(e, w, st, st->comment_to, "comment_to") +
	          check_step_field(e, w, st, st->clear, "clear");
	/* a comment copied into the row must be there to copy */
	if (st->comment_to && !(st->flags & WF_COMMENT))
		bad += problem(e, "workflow step copies a comment it does not require", st->action);
	const char *set[] = {st->input, st->stamp, st->comment_to, st->clear};
	for (size_t a = 0; a < 4; a++)
		for (size_t b = a + 1; b < 4; b++)
			if (set[a] && set[b] && !strcmp(set[a], set[b]))
				bad += problem(e, "workflow step writes a field twice", set[a]);
	return bad;
}

/* The state field is a read-only enum and every step joins two of its
 * states; an action code appears once per state it starts from. */
static int check_workflow(const struct entity *e)
{
	const struct workflow *w = e->workflow;
	if (!w)
		return 0;
	const struct field *f = model_field(e, w->field);
	if (!f || f->type != FT_ENUM || !(f->flags & F_READONLY))
		return problem(e, "workflow field is not a read-only enum", w->field);
	int bad = 0;
	for (size_t i = 0; i < w->nsteps; i++) {
		const struct wf_step *st = &w->steps[i];
		if (!is_state(f, st->from) || !is_state(f, st->to))
			bad += problem(e, "workflow step between unknown states", st->action);
		if (!st->label || !st->roles || !*st->roles)
			bad += problem(e, "workflow step without label or roles", st->action);
		for (size_t k = i + 1; k < w->nsteps; k++)
			if (!strcmp(st->action, w->steps[k].action) && !strcmp(st->from, w->steps[k].from))
				bad += problem(e, "workflow step repeated", st->action);
		bad += check_step_fields(e, w, st);
	}
	return bad;
}


/* A scope path must be a chain of FT_REF fields ending at a region reference. */
static int check_scope(const struct entity *e)
{
	if (!e->scope || !*e->scope)
		return (e->scope && strcmp(e->name, "region")) ? problem(e, "empty scope outside region", NULL) : 0;
	char path[128];
	snprintf(path, sizeof(path), "%s", e->scope);
	const struct entity *cur = e;
	char *save = NULL;
	for (char *hop = strtok_r(path, ".", &save); hop; hop = strtok_r(NULL, ".", &save)) {
		const struct field *f = model_field(cur, hop);
		if (!f || f->type != FT_REF)
			return problem(e, "scope hop is not a reference field", hop);
		cur = model_find(f->ref);
		if (!cur)
			return problem(e, "scope hop references unknown entity", f->ref);
	}
	return strcmp(cur->name, "region") ? problem(e, "scope path does not end at region", e->scope) : 0;
}

int model_check(void)
{
	int bad = 0;
	for (size_t i = 0; i < model_entity_count; i++) {
		const struct entity *e = &model_entities[i];
		if (!e->name || !e->table || !e->label || !e->nfields)
			bad += problem(e, "missing name, table, label or fields", NULL);
		if (e->display && !model_field(e, e->display))
			bad += problem(e, "display field not found", e->display);
		for (size_t j = 0; j < model_entity_count; j++)
			if (j != i && !strcmp(e->name, model_entities[j].name))
				bad += problem(e, "duplicate entity name", NULL);
		for (size_t k = 0; k < e->nfields; k++) {
			const struct field *f = &e->fields[k];
			if (!f->label || !*f->label)
				bad += problem(e, "field without label", f->name);
			if (f->type == FT_ENUM && (!f->enum_values || !f->enum_values[0]))
				bad += problem(e, "enum without values", f->name);
			if (f->type == FT_REF && (!f->ref || !model_find(f->ref)))
				bad += problem(e, "reference to unknown entity", f->name);
			if (f->type != FT_REF && f->ref)
				bad += problem(e, "ref set on a non-reference field", f->name);
			for (size_t m = k + 1; m < e->nfields; m++)
				if (!strcmp(f->name, e->fields[m].name))
					bad += problem(e, "duplicate field", f->name);
		}
		for (size_t k = 0; k < e->nlinks; k++)
			if (!model_find(e->links[k].entity))
				bad += problem(e, "link to unknown entity", e->links[k].name);
		if (e->default_sort) {
			const char *s = e->default_sort[0] == '-' ? e->default_sort + 1 : e->default_sort;
			if (strcmp(s, "id") && !model_field(e, s))
				bad += problem(e, "default sort field not found", s);
		}
		bad += check_scope(e);
		bad += check_workflow(e);
		if (e->embed) {
			const struct field *f = model_field(e, e->embed);
			if (!f || f->type != FT_REF || !(f->flags & F_NATKEY))
				bad += problem(e, "embed is not a natural-key reference", e->embed);
		}
	}
	return bad;
}

static json_t *field_json(const struct field *f);

static json_t *workflow_json(const struct entity *e, const struct workflow *w)
{
	json_t *steps = json_array();
	for (size_t i = 0; i < w->nsteps; i++) {
		const struct wf_step *st = &w->steps[i];
		json_t *roles = json_array();
		char buf[128];
		snprintf(buf, sizeof(buf), "%s", st->roles);
		char *save = NULL;
		for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save))
			json_array_append_new(roles, json_string(r));
		json_t *step = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b}", "action", st->action,
		                         "label", st->label, "from", st->from, "to", st->to, "roles",
		                         roles, "comment", !!(st->flags & WF_COMMENT), "other_user",
		                         !!(st->flags & WF_OTHER_USER));
		/* what the step writes besides the state; the input as a field the
		 * UI can render (label, type, enum values) */
		if (st->input) {
			json_t *in = field_json(model_field(e, st->input));
			json_object_set_new(in, "required", json_true()); /* the step needs it */
			json_object_set_new(step, "input", in);
		}
		if (st->stamp)
			json_object_set_new(step, "stamp", json_string(st->stamp));
		if (st->comment_to)
			json_object_set_new(step, "comment_to", json_string(st->comment_to));
		if (st->clear)
			json_object_set_new(step, "clear", json_string(st->clear));
		json_array_append_new(steps, step);
	}
	json_t *editable = json_null();
	if (w->editable) {
		editable = json_array();
		for (const char *const *v = w->editable; *v; v++)
			json_array_append_new(editable, json_string(*v));
	}
	return json_pack("{s:s, s:o, s:o}", "field", w->field, "steps", steps, "editable", editable);
}

static json_t *field_json(const struct field *f)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "name",
	                      f->name, "type", model_type_name(f->type), "label", f->label,
	                      "required", !!(f->flags & F_REQUIRED), "unique",
	                      !!(f->flags & F_UNIQUE), "searchable", !!(f->flags & F_SEARCH),
	                      "filterable", !!(f->flags & F_FILTER), "sortable",
	                      !!(f->flags & F_SORT), "sensitive", !!(f->flags & F_SENSITIVE),
	                      "readonly", !!(f->flags & F_READONLY), "list", !!(f->flags & F_LIST));
	if (f->flags & F_NATKEY)
		json_object_set_new(j, "natural_key", json_true());
	if (f->enum_values) {
		json_t *vals = json_array();
		for (const char *const *v = f->enum_values; *v; v++)
			json_array_append_new(vals, json_string(*v));
		json_object_set_new(j, "enum", vals);
	}
	if (f->ref)
		json_object_set_new(j, "ref", json_string(f->ref));
	if (f->type == FT_TEXT)
		json_object_set_new(j, "max_len", json_integer(f->max_len ? f->max_len : 200));
	if (f->min < f->max) {
		json_object_set_new(j, "min", json_real(f->min));
		json_object_set_new(j, "max", json_real(f->max));
	}
	if (f->help)
		json_object_set_new(j, "help", json_string(f->help));
	return j;
}

json_t *model_to_json(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < model_entity_count; i++) {
		const struct entity *e = &model_entities[i];
		json_t *fields = json_array(), *links = json_array();
		for (size_t k = 0; k < e->nfields; k++)
			json_array_append_new(fields, field_json(&e->fields[k]));
		for (size_t k = 0; k < e->nlinks; k++)
			json_array_append_new(links,
			                      json_pack("{s:s, s:s, s:s}", "name", e->links[k].name,
			                                "label", e->links[k].label, "entity",
			                                e->links[k].entity));
		json_array_append_new(
		        arr, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b, s:s?, s:s?, s:o, s:o}",
		                       "name", e->name, "label", e->label, "group", e->group,
		                       "display", e->display, "default_sort", e->default_sort,
		                       "soft_delete", !!(e->flags & E_SOFT_DELETE), "readonly",
		                       !!(e->flags & E_READONLY), "scoped", e->scope != NULL,
		                       "read_permission", model_perm_name(e->perm_read),
		                       "write_permission", model_perm_name(e->perm_write), "fields",
		                       fields, "links", links));
		if (e->workflow)
			json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "workflow",
			                    workflow_json(e, e->workflow));
	}
	return arr;
}
