/*
 * Validation hooks for people and needs: a 身份证号 must agree with the
 * birth date and gender given (and supplies them when they are missing), a
 * career period cannot end before it starts, and a need's salary range and
 * dates must be ordered.
 */
#include "core/valid.h"
#include "store/store.h"
#include "model/entities.h"

#include <stdio.h>
#include <string.h>

void people_person_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	const char *idcard = json_string_value(json_object_get(row, "idcard"));
	if (!idcard || strlen(idcard) != 18)
		return; /* field validation has reported it */
	char birth[11];
	valid_idcard_birth(idcard, birth);
	const char *gender = valid_idcard_gender(idcard);
	const char *given_birth = json_string_value(json_object_get(row, "birth_date"));
	const char *given_gender = json_string_value(json_object_get(row, "gender"));
	if (!given_birth)
		json_object_set_new(row, "birth_date", json_string(birth));
	else if (strcmp(given_birth, birth))
		model_error(errs, "birth_date", "idcard_mismatch",
		            "出生日期 %s 与身份证号中的出生日期 %s 不一致", given_birth, birth);
	if (!given_gender)
		json_object_set_new(row, "gender", json_string(gender));
	else if (strcmp(given_gender, gender))
		model_error(errs, "gender", "idcard_mismatch", "性别“%s”与身份证号（%s）不一致",
		            given_gender, gender);
}

void people_career_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	const char *start = json_string_value(json_object_get(row, "start_date"));
	const char *end = json_string_value(json_object_get(row, "end_date"));
	if (start && end && strcmp(end, start) < 0)
		model_error(errs, "end_date", "before_start", "终止时间不能早于起始时间");
}

void people_need_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                          struct model_errors *errs)
{
	(void)e, (void)db, (void)id;
	json_t *lo = json_object_get(row, "salary_min"), *hi = json_object_get(row, "salary_max");
	if (json_is_number(lo) && json_is_number(hi) && json_number_value(lo) > json_number_value(hi))
		model_error(errs, "salary_max", "range", "起薪上限不能低于起薪下限");
	const char *pub = json_string_value(json_object_get(row, "published"));
	const char *due = json_string_value(json_object_get(row, "deadline"));
	if (pub && due && strcmp(due, pub) < 0)
		model_error(errs, "deadline", "before_start", "截止日期不能早于发布日期");
}

/* The kind's target decides what the nomination names: a team (班子) or a
 * cadre (个人); a stopped kind takes no new nominations, and a cadre is
 * nominated once per kind and year (a rejected nomination does not count). */
void people_award_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                           struct model_errors *errs)
{
	(void)e;
	json_int_t kind = json_integer_value(json_object_get(row, "kind_id"));
	struct store_stmt *st = NULL;
	char target[16] = "";
	bool active = true;
	if (!kind || store_prepare(db, "SELECT target, active FROM award_kind WHERE id = ?", &st))
		return;
	store_bind_int(st, 1, kind);
	if (store_step(st) == STORE_ROW) {
		snprintf(target, sizeof(target), "%s", store_column_text(st, 0));
		active = store_column_int(st, 1) != 0;
	}
	store_finalize(st);
	if (!active && !id)
		model_error(errs, "kind_id", "inactive", "该评选类别已停用，不能再推荐");
	const char *team = json_string_value(json_object_get(row, "team_name"));
	json_int_t cadre = json_integer_value(json_object_get(row, "cadre_id"));
	if (!strcmp(target, "班子")) {
		if (!team || !*team)
			model_error(errs, "team_name", "required", "评选对象为班子，须填写班子名称");
		if (cadre)
			model_error(errs, "cadre_id", "not_applicable", "评选对象为班子，不填推荐干部");
	} else if (!strcmp(target, "个人")) {
		if (!cadre)
			model_error(errs, "cadre_id", "required", "评选对象为个人，须选择推荐干部");
	}
	if (!cadre)
		return;
	st = NULL;
	if (store_prepare(db,
	                  "SELECT count(*) FROM award WHERE kind_id = ? AND year = ? AND cadre_id = ?"
	                  " AND id <> ? AND deleted_at IS NULL AND status <> '未通过'",
	                  &st))
		return;
	store_bind_int(st, 1, kind);
	store_bind_int(st, 2, json_integer_value(json_object_get(row, "year")));
	store_bind_int(st, 3, cadre);
	store_bind_int(st, 4, id);
	if (store_step(st) == STORE_ROW && store_column_int(st, 0) > 0)
		model_error(errs, "cadre_id", "duplicate", "该干部本年度已被推荐参加这一评选");
	store_finalize(st);
}
