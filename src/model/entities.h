/*
 * The descriptor table and the validation hooks it names. The hooks live in
 * src/domain/ (structure.c, people.c); they see the merged row and report through model_error().
 */
#ifndef XZ_ENTITIES_H
#define XZ_ENTITIES_H

#include "model/model.h"

extern const struct entity model_entities[];
extern const size_t model_entity_count;

void structure_segment_validate(const struct entity *e, struct store *db, long long id,
                                json_t *row, struct model_errors *errs);
void structure_enterprise_validate(const struct entity *e, struct store *db, long long id,
                                   json_t *row, struct model_errors *errs);

void people_person_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);
void people_career_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);
/* An award names a team (班子 kinds) or a cadre (个人 kinds), as its kind asks. */
void people_award_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                           struct model_errors *errs);
void people_need_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                          struct model_errors *errs);

/* Refuses generic creation of a staffing_plan: a plan is solved and stored
 * by the server only (src/domain/staffing_plan.c). */
void staffing_plan_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);

/* The matching index follows the rows it is built from (src/domain/match.c). */
void match_entity_changed(const struct entity *e, int64_t id, enum change_kind kind);

#endif
