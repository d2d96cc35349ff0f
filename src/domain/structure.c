/*
 * Validation hooks for the industry structure: a segment's parent must sit
 * in the same chain and never below the segment itself; an enterprise
 * cannot be founded in the future.
 */
#include "core/util.h"
#include "model/entities.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void structure_segment_validate(const struct entity *e, struct store *db, long long id,
                                json_t *row, struct model_errors *errs)
{
	(void)e;
	json_t *parent = json_object_get(row, "parent_id");
	if (!json_is_integer(parent))
		return;
	int64_t chain = json_integer_value(json_object_get(row, "chain_id"));
	int64_t cur = json_integer_value(parent);
	/* walk up from the parent: reaching id means a cycle */
	for (int depth = 0; cur && depth < 64; depth++) {
		if (cur == id) {
			model_error(errs, "parent_id", "cycle", "上级环节不能是本环节或其下级环节");
			return;
		}
		struct store_stmt *st = NULL;
		if (store_prepare(db, "SELECT chain_id, coalesce(parent_id, 0) FROM segment WHERE id = ?",
		                  &st))
			return;
		store_bind_int(st, 1, cur);
		int64_t next = 0;
		if (store_step(st) == STORE_ROW) {
			if (depth == 0 && store_column_int(st, 0) != chain)
				model_error(errs, "parent_id", "chain_mismatch",
				            "上级环节必须属于同一条产业链");
			next = store_column_int(st, 1);
		}
		store_finalize(st);
		cur = next;
	}
}

void structure_enterprise_validate(const struct entity *e, struct store *db, long long id,
                                   json_t *row, struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	const char *est = json_string_value(json_object_get(row, "established"));
	char today[11];
	util_today(today, sizeof(today));
	if (est && strcmp(est, today) > 0)
		model_error(errs, "established", "future_date", "成立日期不能晚于今天");
}
