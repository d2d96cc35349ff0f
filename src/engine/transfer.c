/*
 * Spreadsheet import and export over descriptors. A file is read row by
 * row from the io layer; the header row is found by matching cells against
 * field labels and names (title rows above it are skipped), each data row
 * becomes a JSON change for the engine, references are resolved from the
 * codes or names people type, and a row whose natural key already exists
 * updates that record instead of adding another. Each row runs in its own
 * savepoint inside one transaction for the whole file, so every bad row is
 * reported and, if there is any, nothing is written.
 */
#include "engine/transfer.h"
#include "engine/changes.h"
#include "auth/audit.h"
#include "auth/crypto.h"
#include "core/mem.h"
#include "core/util.h"
#include "core/valid.h"
#include "engine/query.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 1000
#define HEADER_SEARCH_ROWS 20
#define MAX_COLUMNS 96

/* One import/export column: a field of the entity or of its embedded
 * reference target, or a many-to-many link. */
struct column {
	const struct entity *owner;
	const struct field *field;
	const struct link *link;
	const char *label;
};

struct layout {
	const struct entity *e, *embed;
	const struct field *embed_ref;
	struct column cols[MAX_COLUMNS];
	size_t ncols;
};

static void layout_add(struct layout *l, const struct entity *owner, const struct field *f,
                       const struct link *k)
{
	if (l->ncols >= MAX_COLUMNS)
		return;
	l->cols[l->ncols++] = (struct column){owner, f, k, f ? f->label : k->label};
}

static void layout_init(struct layout *l, const struct entity *e)
{
	memset(l, 0, sizeof(*l));
	l->e = e;
	if (e->embed) {
		l->embed_ref = model_field(e, e->embed);
		l->embed = model_find(l->embed_ref->ref);
		for (size_t i = 0; i < l->embed->nfields; i++)
			if (!(l->embed->fields[i].flags & F_READONLY))
				layout_add(l, l->embed, &l->embed->fields[i], NULL);
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (f == l->embed_ref || ((f->flags & F_READONLY) && !(e->flags & E_READONLY)))
			continue;
		layout_add(l, e, f, NULL);
	}
	for (size_t i = 0; i < e->nlinks; i++)
		layout_add(l, e, NULL, &e->links[i]);
}

/* ---- cell text helpers ---- */

/* header text without spaces, a required mark or a 必填 note */
static void normalize_header(const char *in, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	for (const char *p = in; *p;) {
		if (*p == ' ' || *p == '\t' || *p == '*' || *p == '\r' || *p == '\n') {
			p++;
		} else if (!strncmp(p, "\xE3\x80\x80", 3) || !strncmp(p, "\xEF\xBC\x8A", 3)) {
			p += 3; /* ideographic space, full-width asterisk */
		} else if (!strncmp(p, "（必填）", strlen("（必填）"))) {
			p += strlen("（必填）");
		} else if (!strncmp(p, "(必填)", strlen("(必填)"))) {
			p += strlen("(必填)");
		} else {
			buf_putc(&b, *p++);
		}
	}
	snprintf(out, n, "%s", buf_cstr(&b));
	buf_free(&b);
}

static const struct column *match_header(const struct layout *l, const char *cell)
{
	char norm[256], label[256];
	normalize_header(cell, norm, sizeof(norm));
	if (!*norm)
		return NULL;
	for (size_t i = 0; i < l->ncols; i++) {
		normalize_header(l->cols[i].label, label, sizeof(label));
		if (!strcmp(norm, label))
			return &l->cols[i];
	}
	for (size_t i = 0; i < l->ncols; i++) {
		const char *name = l->cols[i].field ? l->cols[i].field->name : l->cols[i].link->name;
		if (!strcasecmp(norm, name))
			return &l->cols[i];
	}
	return NULL;
}

/* "2020/1/5", "2020.01.05", "2020年1月5日", "20200105", "2020-01-05 00:00:00"
 * -> "2020-01-05"; anything else is returned unchanged for the engine to
 * reject with its own message. */
static char *normalize_date(const char *s)
{
	int y = 0, m = 0, d = 0;
	char tail[64] = "";
	if (strlen(s) == 8 && strspn(s, "0123456789") == 8 && sscanf(s, "%4d%2d%2d", &y, &m, &d) == 3)
		return xasprintf("%04d-%02d-%02d", y, m, d);
	if (sscanf(s, "%d年%d月%d日%63s", &y, &m, &d, tail) >= 3 ||
	    sscanf(s, "%d%*[-/.]%d%*[-/.]%d%63s", &y, &m, &d, tail) >= 3) {
		if (y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
		    (!tail[0] || tail[0] == ' ' || (tail[0] >= '0' && tail[0] <= '9') || tail[0] == 'T'))
			return xasprintf("%04d-%02d-%02d", y, m, d);
	}
	return xstrdup(s);
}

/* tags and link lists: 、 ， , ; ； | and new lines all separate items */
static json_t *split_list(const char *s)
{
	json_t *arr = json_array();
	struct buf item = BUF_INIT;
	for (const char *p = s;; ) {
		size_t sep = 0;
		if (!*p || *p == ',' || *p == ';' || *p == '|' || *p == '\n')
			sep = *p ? 1 : 0;
		else if (!strncmp(p, "、", 3) || !strncmp(p, "，", 3) || !strncmp(p, "；", 3))
			sep = 3;
		if (sep || !*p) {
			char *t = xstrtrim(buf_cstr(&item));
			if (*t)
				json_array_append_new(arr, json_string(t));
			free(t);
			buf_reset(&item);
			if (!*p)
				break;
			p += sep;
		} else {
			buf_putc(&item, *p++);
		}
	}
	buf_free(&item);
	return arr;
}

/* ---- reference resolution ---- */

struct importer {
	struct engine_ctx *ctx;
	struct layout layout;
	const struct column *map[MAX_COLUMNS]; /* file column -> layout column */
	size_t nmap;
	json_t *cache; /* "entity\x1ftext" -> id */
	struct import_report *rep;
	long line;
	char **cells;
	size_t ncells;
	json_t *row_errors; /* errors of the current row */
	/* ids created in bulk mode, as [[first, last], ...] per entity name: the
	 * import's one audit row names them instead of a row per record */
	json_t *created;
	/* the natural keys of rows this import wrote, "entity\x1fkey…" ->
	 * [id, version]: rows created in bulk mode may still be queued (not yet
	 * in the table), so find_existing() looks here before it asks the
	 * database, and that read need not send the queue */
	json_t *made;
	/* the row's embedded record (its person) when this row created it: a
	 * record whose natural key names it cannot be in the table yet */
	const struct entity *fresh_e;
	int64_t fresh_id;
	/* a failure of the system rather than of the row (out of memory, a full
	 * disk, the database): it ends the import with its own code, since the
	 * rows after it would only repeat it */
	enum xz_result fatal;
	long fatal_line;
};

static bool system_failure(enum xz_result r)
{
	return r == XZ_ERR_NOMEM || r == XZ_ERR_FULL || r == XZ_ERR_IO || r == XZ_ERR_STORE ||
	       r == XZ_ERR_BUSY || r == XZ_ERR_INTERNAL;
}

static void note_fatal(struct importer *im, enum xz_result r)
{
	if (system_failure(r) && !im->fatal) {
		im->fatal = r;
		im->fatal_line = im->line;
	}
}

static void note_created(struct importer *im, const struct entity *e, int64_t id)
{
	json_t *ranges = json_object_get(im->created, e->name);
	if (!ranges) {
		ranges = json_array();
		json_object_set_new(im->created, e->name, ranges);
	}
	json_t *last = json_array_get(ranges, json_array_size(ranges) - 1);
	if (last && json_integer_value(json_array_get(last, 1)) == id - 1)
		json_array_set_new(last, 1, json_integer(id));
	else
		json_array_append_new(ranges, json_pack("[I, I]", (json_int_t)id, (json_int_t)id));
}

static const struct field *single_natkey(const struct entity *e)
{
	const struct field *key = NULL;
	for (size_t i = 0; i < e->nfields; i++) {
		if (!(e->fields[i].flags & F_NATKEY))
			continue;
		if (key)
			return NULL;
		key = &e->fields[i];
	}
	return key;
}

/* ids of live rows of e whose column equals value (at most 2 looked at) */
/* Rows whose column equals value (at most 2 looked at); -1 with *err when
 * the database cannot answer (out of memory, I/O), which must not read as
 * "no such record". */
static int lookup(struct store *db, const struct entity *e, const char *column, const char *value,
                  int64_t *id, enum xz_result *err)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT id FROM %s t WHERE t.%s = ?%s LIMIT 2", e->table, column,
	         e->flags & E_SOFT_DELETE ? " AND t.deleted_at IS NULL" : "");
	struct store_stmt *st = NULL;
	int found = 0;
	if ((*err = store_prepare(db, sql, &st)))
		return -1;
	store_bind_text(st, 1, value);
	enum store_step s;
	while ((s = store_step(st)) == STORE_ROW)
		if (found++ == 0)
			*id = store_column_int(st, 0);
	if (s == STORE_FAIL && (*err = store_stmt_result(st)))
		found = -1;
	store_finalize(st);
	return found;
}

static void row_error(struct importer *im, const char *column, const char *field, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void row_error(struct importer *im, const char *column, const char *field, const char *code,
                      const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(im->row_errors,
	                      json_pack("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)im->line,
	                                "column", column ? column : "", "field", field ? field : "",
	                                "code", code, "message", msg));
}

/* A reference to an entity that embeds a person (a cadre, a talent), as
 * people type it: the person's 身份证号, "姓名（单位）" (also "姓名(单位)",
 * "姓名 单位", "姓名/单位", the part after the name matching one of the
 * target's searchable text fields exactly: a cadre's unit or post), or the
 * name alone. Returns the number of live rows found (at most 2 looked at),
 * or -1 with *err as lookup(). */
static int lookup_by_person(struct store *db, const struct entity *target, const char *text,
                            int64_t *id, enum xz_result *err)
{
	const struct field *ref = target->embed ? model_field(target, target->embed) : NULL;
	const struct entity *pe = ref ? model_find(ref->ref) : NULL;
	const struct field *pk = pe ? single_natkey(pe) : NULL;
	if (!pk || !pe->display)
		return 0;
	struct buf sql = BUF_INIT;
	struct sqlparams p = {0};
	char *name = xstrtrim(text), *qual = NULL;
	buf_printf(&sql, "SELECT t.id FROM %s t JOIN %s p ON p.id = t.%s WHERE 1=1", target->table,
	           pe->table, ref->name);
	if (target->flags & E_SOFT_DELETE)
		buf_puts(&sql, " AND t.deleted_at IS NULL");
	if (pe->flags & E_SOFT_DELETE)
		buf_puts(&sql, " AND p.deleted_at IS NULL");
	if ((pk->flags & F_SENSITIVE) && strlen(name) == 18 && strspn(name, "0123456789Xx") == 18) {
		char hash[65];
		for (char *c = name; *c; c++)
			if (*c == 'x')
				*c = 'X';
		crypto_lookup_hash(name, hash);
		buf_printf(&sql, " AND p.%s_hash = ?", pk->name);
		params_text(&p, hash);
	} else {
		static const char *const seps[] = {"（", "(", "/", "／", " ", "\xE3\x80\x80", NULL};
		for (size_t i = 0; seps[i] && !qual; i++) {
			char *at = strstr(name, seps[i]);
			if (at && at != name) {
				*at = '\0';
				qual = xstrtrim(at + strlen(seps[i]));
			}
		}
		size_t ql = qual ? strlen(qual) : 0;
		if (ql >= 3 && !strcmp(qual + ql - 3, "）"))
			qual[ql - 3] = '\0';
		else if (ql && qual[ql - 1] == ')')
			qual[ql - 1] = '\0';
		char *trimmed = xstrtrim(name);
		buf_printf(&sql, " AND p.%s = ?", pe->display);
		params_text(&p, trimmed);
		free(trimmed);
		if (qual) {
			int n = 0;
			buf_puts(&sql, " AND (");
			for (size_t i = 0; i < target->nfields; i++) {
				const struct field *f = &target->fields[i];
				if (f->type != FT_TEXT || !(f->flags & F_SEARCH) || (f->flags & F_SENSITIVE))
					continue;
				buf_printf(&sql, "%st.%s = ?", n++ ? " OR " : "", f->name);
				params_text(&p, qual);
			}
			buf_puts(&sql, n ? ")" : "1 = 0)");
		}
	}
	buf_puts(&sql, " LIMIT 2");
	struct store_stmt *st = NULL;
	int found = 0;
	if ((*err = store_prepare(db, buf_cstr(&sql), &st))) {
		found = -1;
	} else {
		params_bind(&p, st, 1);
		enum store_step s;
		while ((s = store_step(st)) == STORE_ROW)
			if (found++ == 0)
				*id = store_column_int(st, 0);
		if (s == STORE_FAIL && (*err = store_stmt_result(st)))
			found = -1;
	}
	store_finalize(st);
	params_free(&p);
	buf_free(&sql);
	free(name);
	free(qual);
	return found;
}

/* The id a typed reference means: the natural key (a region code, a credit
 * code, a 身份证号), else the display name when it is unique, else a plain
 * record id. 0 with an error recorded when nothing matches. */
static int64_t resolve(struct importer *im, const struct column *col, const struct entity *target,
                       const char *text)
{
	char key[512];
	snprintf(key, sizeof(key), "%s\x1f%s", target->name, text);
	json_t *hit = json_object_get(im->cache, key);
	if (hit)
		return json_integer_value(hit);
	int64_t id = 0;
	int n = 0;
	enum xz_result err = XZ_OK;
	const struct field *nk = single_natkey(target);
	/* "晶圆制造[12]": how exports write a reference whose name repeats */
	size_t tl = strlen(text);
	const char *open = tl > 2 && text[tl - 1] == ']' ? strrchr(text, '[') : NULL;
	if (open && open[1] != ']' && strspn(open + 1, "0123456789") == (size_t)(text + tl - 1 - open - 1)) {
		id = strtoll(open + 1, NULL, 10);
		n = id > 0;
	} else if (nk && (nk->flags & F_SENSITIVE)) {
		char hash[65], col_name[80];
		char *norm = xstrdup(text);
		for (char *p = norm; *p; p++)
			if (*p == 'x')
				*p = 'X';
		crypto_lookup_hash(norm, hash);
		free(norm);
		snprintf(col_name, sizeof(col_name), "%s_hash", nk->name);
		n = lookup(im->ctx->db, target, col_name, hash, &id, &err);
	} else if (nk && nk->type != FT_REF) {
		n = lookup(im->ctx->db, target, nk->name, text, &id, &err);
	}
	if (n == 0 && target->embed) {
		n = lookup_by_person(im->ctx->db, target, text, &id, &err);
		if (n > 1) {
			row_error(im, col->label, col->field ? col->field->name : col->link->name,
			          "ambiguous_reference", "%s“%s”有重名，请改填身份证号或“姓名（单位）”",
			          target->label, text);
			return 0;
		}
	}
	if (n == 0 && target->display) {
		n = lookup(im->ctx->db, target, target->display, text, &id, &err);
		if (n > 1) {
			row_error(im, col->label, col->field ? col->field->name : col->link->name,
			          "ambiguous_reference", "%s“%s”有重名，请改填%s", target->label, text,
			          nk ? nk->label : "记录ID");
			return 0;
		}
	}
	if (n == 0) {
		char *end;
		long long v = strtoll(text, &end, 10);
		if (!*end && v > 0 && !nk) {
			id = v;
			n = 1;
		}
	}
	if (n < 0) { /* every later step tests n == 0, so a failed lookup lands here */
		note_fatal(im, err);
		row_error(im, col->label, col->field ? col->field->name : col->link->name,
		          result_info(err)->code, "%s", result_info(err)->message);
		return 0;
	}
	if (n == 0) {
		row_error(im, col->label, col->field ? col->field->name : col->link->name,
		          "invalid_reference", "找不到%s“%s”", target->label, text);
		return 0;
	}
	json_object_set_new(im->cache, key, json_integer(id));
	return id;
}

/* ---- one row ---- */

static json_t *cell_value(struct importer *im, const struct column *col, const char *text)
{
	if (col->link) {
		json_t *names = split_list(text), *ids = json_array(), *v;
		size_t i;
		json_array_foreach(names, i, v) {
			int64_t id = resolve(im, col, model_find(col->link->entity), json_string_value(v));
			if (id)
				json_array_append_new(ids, json_integer(id));
		}
		json_decref(names);
		return ids;
	}
	switch (col->field->type) {
	case FT_REF: {
		int64_t id = resolve(im, col, model_find(col->field->ref), text);
		return id ? json_integer(id) : NULL;
	}
	case FT_TAGS:
		return split_list(text);
	case FT_DATE: {
		char *d = normalize_date(text);
		json_t *j = json_string(d);
		free(d);
		return j;
	}
	default:
		return json_string(text);
	}
}

/* Id of the live row of e with the natural key values in obj, or 0;
 * *looked tells whether obj had a whole natural key to look for. */
/* The id and version of the row with obj's natural key (0: none), and the
 * key as text in *key (caller frees; NULL when obj has no full key). */
static int64_t find_existing(struct importer *im, const struct entity *e, json_t *obj,
                             bool *looked, char **key)
{
	struct buf sql = BUF_INIT, mapkey = BUF_INIT;
	bool fresh = false;
	*key = NULL;
	buf_puts(&mapkey, e->name);
	struct sqlparams p = {0};
	int keys = 0;
	buf_printf(&sql, "SELECT id, version FROM %s t WHERE 1=1", e->table);
	if (e->flags & E_SOFT_DELETE)
		buf_puts(&sql, " AND t.deleted_at IS NULL");
	for (size_t i = 0; i < e->nfields; i++) {
		const struct field *f = &e->fields[i];
		if (!(f->flags & F_NATKEY))
			continue;
		struct sqlval v;
		struct model_errors sink = {json_array(), json_array()};
		bool ok = query_coerce(f, json_object_get(obj, f->name), &v, &sink);
		json_decref(sink.details);
		json_decref(sink.warnings);
		if (!ok || v.type == SV_NULL) {
			free(v.s);
			keys = -1;
			break;
		}
		fresh |= f->type == FT_REF && im->fresh_e && !strcmp(f->ref, im->fresh_e->name) &&
		         v.type == SV_INT && v.i == im->fresh_id;
		if (f->flags & F_SENSITIVE) {
			char hash[65];
			crypto_lookup_hash(v.s, hash);
			buf_printf(&sql, " AND t.%s_hash = ?", f->name);
			params_text(&p, hash);
			buf_printf(&mapkey, "\x1f%s", hash);
		} else {
			buf_printf(&sql, " AND t.%s = ?", f->name);
			if (v.type == SV_TEXT)
				buf_printf(&mapkey, "\x1f%s", v.s);
			else
				buf_printf(&mapkey, "\x1f%" PRId64 "\x1f%.17g", v.i, v.d);
			params_add(&p, &v);
		}
		free(v.s);
		keys++;
	}
	int64_t id = 0;
	*looked = keys > 0;
	json_t *mine = keys > 0 ? json_object_get(im->made, buf_cstr(&mapkey)) : NULL;
	if (fresh) {
		/* known absent: no look needed */
	} else if (mine) {
		id = json_integer_value(json_array_get(mine, 0));
		json_object_set(obj, "version", json_array_get(mine, 1));
	} else if (keys > 0) {
		struct store_stmt *st = NULL;
		enum xz_result r = store_prepare_flags(im->ctx->db, buf_cstr(&sql), STORE_NO_FLUSH, &st);
		if (!r) {
			params_bind(&p, st, 1);
			enum store_step s = store_step(st);
			if (s == STORE_ROW) {
				id = store_column_int(st, 0);
				json_object_set_new(obj, "version", json_integer(store_column_int(st, 1)));
			} else if (s == STORE_FAIL) {
				r = store_stmt_result(st);
			}
		}
		store_finalize(st);
		/* a look that failed is not a miss: the row would be created twice */
		if (r)
			note_fatal(im, r);
	}
	params_free(&p);
	buf_free(&sql);
	if (keys > 0)
		*key = buf_steal(&mapkey);
	buf_free(&mapkey);
	return id;
}

/* The column label a field's error belongs to, for the report. */
static const char *column_of(struct importer *im, const struct entity *owner, const char *field)
{
	for (size_t i = 0; i < im->layout.ncols; i++) {
		const struct column *c = &im->layout.cols[i];
		const char *name = c->field ? c->field->name : c->link->name;
		if (c->owner == owner && !strcmp(name, field))
			return c->label;
	}
	const struct field *f = model_field(owner, field);
	return f ? f->label : field;
}

static void take_engine_errors(struct importer *im, const struct entity *owner, enum xz_result r)
{
	json_t *d;
	size_t i;
	json_array_foreach(im->ctx->errs.details, i, d) {
		const char *field = json_string_value(json_object_get(d, "field"));
		row_error(im, column_of(im, owner, field), field,
		          json_string_value(json_object_get(d, "code")), "%s",
		          json_string_value(json_object_get(d, "message")));
	}
	note_fatal(im, r);
	if (!json_array_size(im->ctx->errs.details))
		row_error(im, "", "", result_info(r)->code, "%s",
		          im->ctx->message[0] ? im->ctx->message : result_info(r)->message);
	json_array_clear(im->ctx->errs.details);
	json_array_clear(im->ctx->errs.warnings);
	im->ctx->message[0] = '\0';
}

enum upsert_kind { UPSERT_CREATED, UPSERT_UPDATED, UPSERT_UNCHANGED };

/* Creates or updates one record; *kind tells which (an update that changed
 * nothing leaves the version as it was). */
static enum xz_result upsert(struct importer *im, const struct entity *e, json_t *obj, int64_t *id,
                             enum upsert_kind *kind)
{
	json_t *out = NULL;
	bool looked = false;
	char *key = NULL;
	int64_t existing = find_existing(im, e, obj, &looked, &key);
	im->ctx->natkey_absent = !existing && looked;
	enum xz_result r = existing ? engine_update(im->ctx, e, existing, obj, &out)
	                            : engine_create(im->ctx, e, obj, &out);
	im->ctx->natkey_absent = false;
	if (r == XZ_ERR_NOT_FOUND && existing) {
		row_error(im, "", "", "out_of_scope", "该%s已登记在您的数据范围之外，不能修改",
		          e->label);
		json_array_clear(im->ctx->errs.details);
		free(key);
		return r;
	}
	if (r) {
		take_engine_errors(im, e, r);
		free(key);
		return r;
	}
	*id = json_integer_value(json_object_get(out, "id"));
	if (key)
		json_object_set_new(im->made, key,
		                    json_pack("[I, O]", (json_int_t)*id, json_object_get(out, "version")));
	free(key);
	/* a later row's reference to this one needs no look in the table,
	 * where a queued row is not yet */
	if (!existing && im->ctx->bulk) {
		char seen[96];
		snprintf(seen, sizeof(seen), "%s:%" PRId64, e->name, *id);
		if (!im->ctx->ref_seen)
			im->ctx->ref_seen = json_object();
		else if (json_object_size(im->ctx->ref_seen) >= 65536)
			json_object_clear(im->ctx->ref_seen); /* looked up again: correct, slower */
		json_object_set_new(im->ctx->ref_seen, seen, json_true());
	}
	if (!existing && im->ctx->bulk)
		note_created(im, e, *id);
	*kind = !existing ? UPSERT_CREATED
	        : json_equal(json_object_get(out, "version"), json_object_get(obj, "version"))
	                ? UPSERT_UNCHANGED
	                : UPSERT_UPDATED;
	json_decref(out);
	return XZ_OK;
}

static void import_row(struct importer *im)
{
	json_t *main = json_object(), *embed = im->layout.embed ? json_object() : NULL;
	bool any_embed = false;
	for (size_t i = 0; i < im->ncells && i < im->nmap; i++) {
		const struct column *col = im->map[i];
		if (!col)
			continue;
		char *text = xstrtrim(im->cells[i]);
		/* our CSV export guards text that looks like a formula with an
		 * apostrophe (as Excel does); it is not part of the value */
		if (text[0] == '\'' && text[1] && strchr("=+-@", text[1]))
			memmove(text, text + 1, strlen(text));
		if (*text) {
			json_t *v = cell_value(im, col, text);
			const char *name = col->field ? col->field->name : col->link->name;
			if (v && col->owner == im->layout.embed) {
				json_object_set_new(embed, name, v);
				any_embed = true;
			} else if (v) {
				json_object_set_new(main, name, v);
			}
		}
		free(text);
	}
	if (json_array_size(im->row_errors))
		goto out;
	enum upsert_kind kind, embed_kind = UPSERT_UNCHANGED;
	int64_t id = 0;
	if (any_embed) {
		int64_t pid = 0;
		if (upsert(im, im->layout.embed, embed, &pid, &embed_kind))
			goto out;
		json_object_set_new(main, im->layout.embed_ref->name, json_integer(pid));
		if (embed_kind == UPSERT_CREATED) {
			im->fresh_e = im->layout.embed;
			im->fresh_id = pid;
		}
	}
	bool failed = upsert(im, im->layout.e, main, &id, &kind) != XZ_OK;
	im->fresh_e = NULL;
	if (failed)
		goto out;
	if (kind == UPSERT_UNCHANGED && embed_kind == UPSERT_UPDATED)
		kind = UPSERT_UPDATED; /* the row's person changed */
	if (kind == UPSERT_CREATED)
		im->rep->inserted++;
	else if (kind == UPSERT_UPDATED)
		im->rep->updated++;
	else
		im->rep->unchanged++;
out:
	json_decref(main);
	json_decref(embed);
}

static void keep_bad_row(struct importer *im)
{
	struct import_report *rep = im->rep;
	size_t n = json_array_size(im->row_errors);
	if (!n)
		return;
	struct buf reason = BUF_INIT;
	json_t *e;
	size_t i;
	json_array_foreach(im->row_errors, i, e) {
		const char *col = json_string_value(json_object_get(e, "column"));
		buf_printf(&reason, "%s%s%s%s", i ? "；" : "", col && *col ? col : "",
		           col && *col ? "：" : "", json_string_value(json_object_get(e, "message")));
		if (json_array_size(rep->errors) < MAX_ERRORS)
			json_array_append(rep->errors, e);
		else
			rep->truncated = true;
	}
	if (json_array_size(rep->bad_rows) < MAX_ERRORS) {
		json_t *cells = json_array();
		for (size_t k = 0; k < im->ncells; k++)
			json_array_append_new(cells, json_string(im->cells[k]));
		json_array_append_new(rep->bad_rows,
		                      json_pack("{s:I, s:o, s:s}", "row", (json_int_t)im->line, "cells",
		                                cells, "reason", buf_cstr(&reason)));
	}
	buf_free(&reason);
	json_array_clear(im->row_errors);
}

/* Finds the header among the first rows; false when none matches. */
static bool find_header(struct importer *im, struct table_reader *r, char *msg, size_t n,
                        enum xz_result *res)
{
	struct table_row row;
	for (int tries = 0; tries < HEADER_SEARCH_ROWS; tries++) {
		if ((*res = table_next(r, &row, msg, n)) || !row.cells)
			return false;
		size_t hits = 0;
		for (size_t i = 0; i < row.ncells; i++)
			hits += match_header(&im->layout, row.cells[i]) != NULL;
		if (hits >= (im->layout.ncols > 1 ? 2 : 1)) {
			im->nmap = row.ncells < MAX_COLUMNS ? row.ncells : MAX_COLUMNS;
			json_t *header = json_array();
			for (size_t i = 0; i < im->nmap; i++) {
				im->map[i] = match_header(&im->layout, row.cells[i]);
				json_array_append_new(header, json_string(row.cells[i]));
				if (!im->map[i] && row.cells[i][0])
					json_array_append_new(
					        im->rep->warnings,
					        json_pack("{s:s, s:s}", "column", row.cells[i], "message",
					                  "未识别的列，已忽略"));
			}
			im->rep->header = header;
			return true;
		}
	}
	return false;
}

enum xz_result engine_import(struct engine_ctx *ctx, const struct entity *e, struct table_reader *r,
                             const char *source_name, bool dry_run, struct import_report *rep,
                             import_progress_fn progress, void *cls)
{
	struct importer im = {.ctx = ctx, .rep = rep};
	char msg[256] = "";
	enum xz_result r2 = XZ_OK, res = XZ_OK;
	memset(rep, 0, sizeof(*rep));
	rep->errors = json_array();
	rep->warnings = json_array();
	rep->bad_rows = json_array();
	rep->dry_run = dry_run;
	rep->encoding = table_encoding(r);
	layout_init(&im.layout, e);
	im.cache = json_object();
	im.row_errors = json_array();
	im.created = json_object();
	im.made = json_object();
	if (e->flags & E_READONLY) {
		snprintf(ctx->message, sizeof(ctx->message), "%s只能查看，不能导入", e->label);
		res = XZ_ERR_FORBIDDEN;
		goto out;
	}
	if (!find_header(&im, r, msg, sizeof(msg), &res)) {
		if (!res) {
			snprintf(ctx->message, sizeof(ctx->message),
			         "未找到表头：前%d行中没有一行的列名与“%s”的字段对应（如 %s、%s）",
			         HEADER_SEARCH_ROWS, e->label, im.layout.cols[0].label,
			         im.layout.ncols > 1 ? im.layout.cols[1].label : "");
			res = XZ_ERR_VALIDATION;
		} else {
			snprintf(ctx->message, sizeof(ctx->message), "%s", msg);
		}
		goto out;
	}
	if ((res = store_begin(ctx->db)))
		goto out;
	ctx->bulk = true;
	struct table_row row;
	while (!(r2 = table_next(r, &row, msg, sizeof(msg))) && row.cells) {
		im.line = row.line;
		im.cells = row.cells;
		im.ncells = row.ncells;
		rep->rows++;
		import_row(&im);
		/* after a bad row, rows are written one savepoint each again, so
		 * the rest of the file is checked against exactly its good rows */
		if (json_array_size(im.row_errors))
			ctx->bulk = false;
		keep_bad_row(&im);
		if (im.fatal)
			break;
		if (progress && rep->rows % 1000 == 0) {
			uint64_t done = 0, total = 0;
			table_progress(r, &done, &total);
			progress(cls, rep->rows, done, total);
		}
	}
	if (progress) {
		uint64_t done = 0, total = 0;
		table_progress(r, &done, &total);
		progress(cls, rep->rows, done, total);
	}
	if (im.fatal) {
		snprintf(ctx->message, sizeof(ctx->message), "第%ld行：%s，未导入任何数据",
		         im.fatal_line, result_info(im.fatal)->message);
		res = im.fatal;
	} else if (r2) {
		snprintf(ctx->message, sizeof(ctx->message), "%s", msg);
		res = r2;
	} else if (json_array_size(rep->errors) || rep->truncated) {
		snprintf(ctx->message, sizeof(ctx->message), "%zu 行数据有误，未导入任何数据",
		         json_array_size(rep->bad_rows));
		res = XZ_ERR_VALIDATION;
	}
	ctx->bulk = false;
	if (!res && !dry_run && (rep->inserted || rep->updated)) {
		if (!(res = changes_log(ctx->db, e, 0, CHANGE_MANY)) && im.layout.embed)
			res = changes_log(ctx->db, im.layout.embed, 0, CHANGE_MANY);
	}
	if (res || dry_run)
		store_rollback(ctx->db);
	else
		res = store_commit(ctx->db);
	if (!res && !dry_run && !store_in_tx(ctx->db)) {
		/* the rows became visible together: derived indexes re-read them */
		if (e->changed)
			e->changed(e, 0, CHANGE_MANY);
		if (im.layout.embed && im.layout.embed->changed)
			im.layout.embed->changed(im.layout.embed, 0, CHANGE_MANY);
	}
	if (res)
		rep->inserted = rep->updated = rep->unchanged = 0; /* a dry run keeps what it would do */
out:
	if (!ctx->no_audit) {
		json_t *d = json_pack("{s:s?, s:I, s:I, s:I, s:I, s:b}", "source", source_name, "rows",
		                      (json_int_t)rep->rows, "inserted", (json_int_t)rep->inserted,
		                      "updated", (json_int_t)rep->updated, "bad_rows",
		                      (json_int_t)json_array_size(rep->bad_rows), "dry_run", dry_run);
		if (!res && !dry_run && json_object_size(im.created))
			json_object_set(d, "created", im.created);
		audit_write(ctx->db, ctx->actor, dry_run ? "import_check" : "import", e->name, 0,
		            result_info(res)->code, d);
		json_decref(d);
	}
	json_decref(im.cache);
	json_decref(im.row_errors);
	json_decref(im.created);
	json_decref(im.made);
	ctx->bulk = false;
	return res;
}

void import_report_free(struct import_report *rep)
{
	json_decref(rep->errors);
	json_decref(rep->warnings);
	json_decref(rep->bad_rows);
	json_decref(rep->header);
	memset(rep, 0, sizeof(*rep));
}

json_t *import_report_json(const struct import_report *rep)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:b, s:s?, s:O, s:O, s:b}", "inserted",
	                 (json_int_t)rep->inserted, "updated", (json_int_t)rep->updated, "unchanged",
	                 (json_int_t)rep->unchanged, "rows",
	                 (json_int_t)rep->rows, "dry_run", rep->dry_run, "encoding", rep->encoding,
	                 "errors", rep->errors, "warnings", rep->warnings, "truncated",
	                 rep->truncated);
}

enum xz_result import_error_workbook(const struct import_report *rep, char **data, size_t *len)
{
	size_t ncols = json_array_size(rep->header) + 2;
	struct table_column *cols = xcalloc(ncols, sizeof(*cols));
	const char **cells = xcalloc(ncols, sizeof(*cells));
	cols[0] = (struct table_column){"行号", CELL_NUMBER, 8, NULL};
	for (size_t i = 0; i + 2 < ncols; i++)
		cols[i + 1] = (struct table_column){json_string_value(json_array_get(rep->header, i)),
		                                    CELL_TEXT, 0, NULL};
	cols[ncols - 1] = (struct table_column){"错误原因", CELL_TEXT, 60, NULL};
	struct table_writer *w = NULL;
	enum xz_result r = table_writer_open(TABLE_XLSX, "错误行", NULL, cols, ncols, &w);
	json_t *bad;
	size_t i;
	json_array_foreach(rep->bad_rows, i, bad) {
		if (r)
			break;
		char line[24];
		snprintf(line, sizeof(line), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(bad, "row")));
		json_t *rc = json_object_get(bad, "cells");
		cells[0] = line;
		for (size_t k = 0; k + 2 < ncols; k++)
			cells[k + 1] = json_string_value(json_array_get(rc, k));
		cells[ncols - 1] = json_string_value(json_object_get(bad, "reason"));
		r = table_writer_row(w, cells);
	}
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r) /* finish frees the writer only when it succeeds */
		table_writer_free(w);
	free(cols);
	free(cells);
	return r;
}

/* ---- export ---- */

static enum cell_kind kind_of(const struct column *c)
{
	if (!c->field)
		return CELL_TEXT;
	switch (c->field->type) {
	case FT_INT:
	case FT_DECIMAL:
		return CELL_NUMBER;
	case FT_DATE:
		return CELL_DATE;
	default:
		return CELL_TEXT;
	}
}

static const char *const yes_no[] = {"是", "否", NULL};

static void columns_of(const struct layout *l, struct table_column *out)
{
	for (size_t i = 0; i < l->ncols; i++) {
		const struct column *c = &l->cols[i];
		const char *const *choices = NULL;
		if (c->field && c->field->type == FT_ENUM)
			choices = c->field->enum_values;
		else if (c->field && c->field->type == FT_BOOL)
			choices = yes_no;
		out[i] = (struct table_column){c->label, kind_of(c), 0, choices};
	}
}

struct exporter {
	struct engine_ctx *ctx;
	struct layout layout;
	struct table_writer *w;
	json_t *cache; /* "entity\x1fid" -> text */
	bool reveal;
	int64_t rows;
};

/* How a reference is written so that importing it finds the same row: its
 * natural key when that is plain text, else its display name followed by
 * the record id in brackets ("晶圆制造[12]"), since such names repeat. */
static json_t *ref_text(struct exporter *x, const struct entity *target, json_t *id)
{
	if (!json_is_integer(id))
		return json_string("");
	const struct field *nk = single_natkey(target);
	bool plain_key = nk && !(nk->flags & F_SENSITIVE) && nk->type != FT_REF;
	char key[128];
	snprintf(key, sizeof(key), "%s\x1f%" JSON_INTEGER_FORMAT, target->name,
	         json_integer_value(id));
	json_t *hit = json_object_get(x->cache, key);
	if (hit)
		return json_incref(hit);
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE id = ?",
	         plain_key ? nk->name : target->display, target->table);
	struct store_stmt *st = NULL;
	json_t *v = NULL;
	if (!store_prepare(x->ctx->db, sql, &st)) {
		store_bind_int(st, 1, json_integer_value(id));
		if (store_step(st) == STORE_ROW && store_column_text(st, 0)) {
			const char *text = store_column_text(st, 0);
			v = plain_key ? json_string(text)
			              : json_sprintf("%s[%" JSON_INTEGER_FORMAT "]", text,
			                             json_integer_value(id));
		}
	}
	store_finalize(st);
	if (!v)
		v = json_sprintf("[%" JSON_INTEGER_FORMAT "]", json_integer_value(id));
	json_object_set(x->cache, key, v);
	return v;
}

static char *cell_text(struct exporter *x, const struct column *c, json_t *row)
{
	const char *name = c->field ? c->field->name : c->link->name;
	json_t *v = json_object_get(row, name);
	if (!v || json_is_null(v))
		return xstrdup("");
	if (c->link || (c->field && c->field->type == FT_TAGS)) {
		struct buf b = BUF_INIT;
		json_t *item;
		size_t i;
		const struct entity *target = c->link ? model_find(c->link->entity) : NULL;
		json_array_foreach(v, i, item) {
			if (i)
				buf_puts(&b, "、");
			if (target) {
				json_t *t = ref_text(x, target, item);
				buf_puts(&b, json_string_value(t));
				json_decref(t);
			} else {
				buf_puts(&b, json_string_value(item));
			}
		}
		return buf_steal(&b);
	}
	switch (c->field->type) {
	case FT_REF: {
		json_t *t = ref_text(x, model_find(c->field->ref), v);
		char *s = xstrdup(json_string_value(t));
		json_decref(t);
		return s;
	}
	case FT_BOOL:
		return xstrdup(json_is_true(v) ? "是" : "否");
	case FT_INT:
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case FT_DECIMAL:
		return xasprintf("%.15g", json_number_value(v));
	default:
		return xstrdup(json_is_string(v) ? json_string_value(v) : "");
	}
}

static enum xz_result export_row(void *cls, json_t *row)
{
	struct exporter *x = cls;
	json_t *embedded = NULL;
	if (x->layout.embed) {
		json_t *ref = json_object_get(row, x->layout.embed_ref->name);
		enum xz_result r = engine_get_unmasked(x->ctx, x->layout.embed,
		                                       json_integer_value(ref), &embedded);
		if (r)
			return r;
		if (!x->reveal)
			query_mask_row(x->layout.embed, embedded);
	}
	char *cells[MAX_COLUMNS];
	for (size_t i = 0; i < x->layout.ncols; i++) {
		const struct column *c = &x->layout.cols[i];
		cells[i] = cell_text(x, c, c->owner == x->layout.embed ? embedded : row);
	}
	enum xz_result r = table_writer_row(x->w, (const char *const *)cells);
	for (size_t i = 0; i < x->layout.ncols; i++)
		free(cells[i]);
	json_decref(embedded);
	x->rows++;
	return r;
}

enum xz_result engine_export(struct engine_ctx *ctx, const struct entity *e, const struct kv *params,
                             size_t nparams, enum table_format fmt, bool reveal, char **data,
                             size_t *len)
{
	struct exporter x = {.ctx = ctx, .reveal = reveal};
	struct table_column cols[MAX_COLUMNS];
	char title[160], today[11];
	*data = NULL;
	*len = 0;
	layout_init(&x.layout, e);
	columns_of(&x.layout, cols);
	util_today(today, sizeof(today));
	snprintf(title, sizeof(title), "%s（导出日期 %s）", e->label, today);
	x.cache = json_object();
	enum xz_result r = table_writer_open(fmt, e->label, title, cols, x.layout.ncols, &x.w);
	if (!r)
		r = engine_scan(ctx, e, params, nparams, !reveal, export_row, &x);
	if (!r)
		r = table_writer_finish(x.w, data, len);
	if (r && x.w) {
		snprintf(ctx->message, sizeof(ctx->message), "导出失败：%s", table_writer_error(x.w));
		table_writer_free(x.w);
	}
	json_t *d = json_pack("{s:s, s:I, s:b}", "format", fmt == TABLE_CSV ? "csv" : "xlsx", "rows",
	                      (json_int_t)x.rows, "unmasked", reveal);
	audit_write(ctx->db, ctx->actor, reveal ? "export_unmasked" : "export", e->name, 0,
	            result_info(r)->code, d);
	json_decref(d);
	json_decref(x.cache);
	return r;
}

static const char *type_hint(const struct field *f)
{
	switch (f->type) {
	case FT_INT:
		return "整数";
	case FT_DECIMAL:
		return "数字";
	case FT_DATE:
		return "日期，如 2024-03-01";
	case FT_ENUM:
		return "从下拉列表中选择";
	case FT_REF:
		return "填写编码或名称";
	case FT_TAGS:
		return "多项用顿号“、”分隔";
	case FT_BOOL:
		return "是 或 否";
	case FT_IDCARD:
		return "18位身份证号";
	case FT_USCC:
		return "18位统一社会信用代码";
	case FT_MOBILE:
		return "11位手机号";
	default:
		return "文字";
	}
}

enum xz_result engine_template(const struct entity *e, char **data, size_t *len)
{
	struct layout l;
	struct table_column cols[MAX_COLUMNS];
	struct table_writer *w = NULL;
	layout_init(&l, e);
	columns_of(&l, cols);
	*data = NULL;
	enum xz_result r = table_writer_open(TABLE_XLSX, e->label, NULL, cols, l.ncols, &w);
	if (r)
		return r;
	char **lines = xcalloc(l.ncols + 4, sizeof(char *));
	size_t n = 0;
	lines[n++] = xasprintf("%s导入模板填写说明", e->label);
	lines[n++] = xstrdup("1. 第一行为列名，请勿修改；每行填写一条记录，标“必填”的列不能为空。");
	lines[n++] = xstrdup("2. 已存在的记录（按统一社会信用代码、身份证号等唯一编码识别）将被更新，不会重复添加。");
	lines[n++] = xstrdup("3. 任何一行有误时整个文件都不会导入，错误清单可下载后对照修改。");
	for (size_t i = 0; i < l.ncols && n < l.ncols + 4; i++) {
		const struct column *c = &l.cols[i];
		if (c->link) {
			lines[n++] = xasprintf("%s：多项用顿号“、”分隔，填写名称或编码", c->label);
			continue;
		}
		lines[n++] = xasprintf("%s：%s%s%s%s", c->label, type_hint(c->field),
		                       (c->field->flags & F_REQUIRED) ? "；必填" : "",
		                       c->field->help ? "；" : "", c->field->help ? c->field->help : "");
	}
	r = table_writer_instructions(w, (const char *const *)lines, n);
	if (!r)
		r = table_writer_finish(w, data, len);
	if (r)
		table_writer_free(w);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return r;
}
