/*
 * Validation hooks for people and needs: a 身份证号 must agree with the
 * birth date and gender given (and supplies them when they are missing), a
 * career period cannot end before it starts, and a need's salary range and
 * dates must be ordered.
 */
#include "core/valid.h"
#include "model/entities.h"

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
