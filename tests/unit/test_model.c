/*
 * Unit tests of the entity descriptors (src/model/) against the schema
 * (src/store/migrations_sqlite.c): the shipped descriptors pass
 * model_check(); in a freshly migrated SQLite database every descriptor's
 * table has a column for each field (plus id, version, timestamps and
 * deleted_at where the descriptor says so) and every link table has its two
 * id columns; and model_to_json(), which feeds /api/v1/meta/entities and the
 * UI's forms, lists every entity with its fields, links and enum values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model/model.h"
#include "store/store.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

struct fixture {
	struct tmpdb tmp;
	struct store *db;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	tmpdb_init(&f->tmp);
	assert_int_equal(store_open(f->tmp.path, &f->db), XZ_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->db);
	tmpdb_remove(&f->tmp);
	free(f);
	return 0;
}

/* The column names of a table as a JSON object {name: type}; caller decrefs. */
static json_t *table_columns(struct store *db, const char *table)
{
	char sql[128];
	struct store_stmt *st = NULL;
	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	assert_int_equal(store_prepare(db, sql, &st), XZ_OK);
	json_t *cols = json_object();
	while (store_step(st) == STORE_ROW) /* cid, name, type, notnull, dflt, pk */
		json_object_set_new(cols, store_column_text(st, 1),
		                    json_string(store_column_text(st, 2)));
	store_finalize(st);
	return cols;
}

static void expect_column(json_t *cols, const char *table, const char *name)
{
	if (!json_object_get(cols, name))
		fail_msg("table %s has no column %s", table, name);
}

static void test_model_check_clean(void **state)
{
	(void)state;
	assert_int_equal(model_check(), 0);
	assert_true(model_count() > 0);
	assert_null(model_at(model_count()));
	for (size_t i = 0; model_at(i); i++)
		assert_ptr_equal(model_find(model_at(i)->name), model_at(i));
	assert_null(model_find("no_such_entity"));
}

static void test_fields_are_columns(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *e = model_at(i);
		json_t *cols = table_columns(f->db, e->table);
		if (json_object_size(cols) == 0)
			fail_msg("entity %s: table %s does not exist", e->name, e->table);
		expect_column(cols, e->table, "id");
		if (!(e->flags & E_NO_TIMESTAMPS)) {
			expect_column(cols, e->table, "version");
			expect_column(cols, e->table, "created_at");
			expect_column(cols, e->table, "updated_at");
		}
		if (e->flags & E_SOFT_DELETE)
			expect_column(cols, e->table, "deleted_at");
		for (size_t k = 0; k < e->nfields; k++)
			expect_column(cols, e->table, e->fields[k].name);
		json_decref(cols);
	}
}

static void test_link_tables_exist(void **state)
{
	struct fixture *f = *state;
	int links = 0;
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *e = model_at(i);
		for (size_t k = 0; k < e->nlinks; k++) {
			const struct link *l = &e->links[k];
			json_t *cols = table_columns(f->db, l->table);
			if (json_object_size(cols) == 0)
				fail_msg("entity %s: link table %s does not exist", e->name,
				         l->table);
			expect_column(cols, l->table, l->self);
			expect_column(cols, l->table, l->other);
			json_decref(cols);
			assert_non_null(model_find(l->entity));
			links++;
		}
	}
	assert_true(links > 0); /* enterprise ↔ segment at least */
}

/* Every reference field points at a table that exists, and the engine's
 * label subquery needs the referenced entity's display field as a column. */
static void test_reference_targets(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *e = model_at(i);
		for (size_t k = 0; k < e->nfields; k++) {
			const struct field *fd = &e->fields[k];
			if (fd->type != FT_REF)
				continue;
			const struct entity *r = model_find(fd->ref);
			assert_non_null(r);
			assert_non_null(r->display);
			json_t *cols = table_columns(f->db, r->table);
			expect_column(cols, r->table, r->display);
			json_decref(cols);
		}
	}
}

static json_t *find_by_name(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "name")), name))
			return v;
	}
	return NULL;
}

static void test_model_to_json(void **state)
{
	(void)state;
	json_t *all = model_to_json();
	assert_true(json_is_array(all));
	assert_int_equal(json_array_size(all), model_count());
	for (size_t i = 0; model_at(i); i++) {
		const struct entity *e = model_at(i);
		json_t *je = find_by_name(all, e->name);
		if (!je)
			fail_msg("model_to_json lacks entity %s", e->name);
		assert_string_equal(json_string_value(json_object_get(je, "label")), e->label);
		assert_string_equal(json_string_value(json_object_get(je, "group")), e->group);
		assert_int_equal(json_is_true(json_object_get(je, "soft_delete")),
		                 !!(e->flags & E_SOFT_DELETE));
		assert_int_equal(json_is_true(json_object_get(je, "scoped")), e->scope != NULL);

		json_t *fields = json_object_get(je, "fields");
		assert_int_equal(json_array_size(fields), e->nfields);
		for (size_t k = 0; k < e->nfields; k++) {
			const struct field *fd = &e->fields[k];
			json_t *jf = json_array_get(fields, k);
			assert_string_equal(json_string_value(json_object_get(jf, "name")),
			                    fd->name);
			assert_string_equal(json_string_value(json_object_get(jf, "type")),
			                    model_type_name(fd->type));
			assert_string_equal(json_string_value(json_object_get(jf, "label")),
			                    fd->label);
			assert_int_equal(json_is_true(json_object_get(jf, "required")),
			                 !!(fd->flags & F_REQUIRED));
			assert_int_equal(json_is_true(json_object_get(jf, "sensitive")),
			                 !!(fd->flags & F_SENSITIVE));
			if (fd->type == FT_ENUM) {
				json_t *vals = json_object_get(jf, "enum");
				size_t n = 0;
				for (const char *const *v = fd->enum_values; *v; v++, n++)
					assert_string_equal(
					    json_string_value(json_array_get(vals, n)), *v);
				assert_true(n > 0);
				assert_int_equal(json_array_size(vals), n);
			} else {
				assert_null(json_object_get(jf, "enum"));
			}
			if (fd->type == FT_REF)
				assert_string_equal(json_string_value(json_object_get(jf, "ref")),
				                    fd->ref);
		}
		json_t *links = json_object_get(je, "links");
		assert_int_equal(json_array_size(links), e->nlinks);
		for (size_t k = 0; k < e->nlinks; k++)
			assert_string_equal(
			    json_string_value(json_object_get(json_array_get(links, k), "entity")),
			    e->links[k].entity);
	}
	/* spot checks against the domain list */
	json_t *cluster = find_by_name(all, "cluster");
	assert_non_null(cluster);
	json_t *tier = find_by_name(json_object_get(cluster, "fields"), "tier");
	assert_non_null(tier);
	assert_string_equal(json_string_value(json_array_get(json_object_get(tier, "enum"), 0)),
	                    "地标产业");
	assert_non_null(find_by_name(all, "enterprise"));
	assert_non_null(find_by_name(all, "region"));
	json_decref(all);
}

static void test_lookups(void **state)
{
	(void)state;
	const struct entity *e = model_find("enterprise");
	assert_non_null(e);
	assert_non_null(model_field(e, "uscc"));
	assert_int_equal(model_field(e, "uscc")->type, FT_USCC);
	assert_null(model_field(e, "no_such_field"));
	assert_non_null(model_link(e, "segment_ids"));
	assert_null(model_link(e, "uscc"));
	assert_string_equal(model_type_name(FT_DECIMAL), "decimal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_check_clean),
		cmocka_unit_test_setup_teardown(test_fields_are_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_tables_exist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reference_targets, setup, teardown),
		cmocka_unit_test(test_model_to_json),
		cmocka_unit_test(test_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
