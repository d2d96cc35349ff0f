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

/* Cadre training (src/domain/training.c): a class's end date and hours to
 * 0.1; an enrolment's hours to 0.1 and within the class's, the class's
 * capacity. 琢璞 secondments (src/domain/tempering.c): ordered dates. */
void training_class_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                             struct model_errors *errs);
void training_enrollment_validate(const struct entity *e, struct store *db, long long id,
                                  json_t *row, struct model_errors *errs);
void tempering_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                        struct model_errors *errs);

/* 季季评 (src/domain/evaluation.c): a scheme's grade rule parses and, when
 * active, its weights sum to 100; a round needs an active scheme; a subject
 * names a cadre or a team; a score's subject and dimension belong to its
 * round. evaluation_frozen refuses (409) any write to a subject or score of
 * a published round, and to a scheme or dimension a published round uses. */
void evaluation_scheme_validate(const struct entity *e, struct store *db, long long id,
                                json_t *row, struct model_errors *errs);
void evaluation_dimension_validate(const struct entity *e, struct store *db, long long id,
                                   json_t *row, struct model_errors *errs);
void evaluation_round_validate(const struct entity *e, struct store *db, long long id,
                               json_t *row, struct model_errors *errs);
void evaluation_subject_validate(const struct entity *e, struct store *db, long long id,
                                 json_t *row, struct model_errors *errs);
void evaluation_score_validate(const struct entity *e, struct store *db, long long id,
                               json_t *row, struct model_errors *errs);
bool evaluation_frozen(const struct entity *e, struct store *db, json_t *row, const char *what,
                       char *msg, size_t n);

/* 进园助企大走访 (src/domain/problem.c): a problem's deadline is not before
 * its found date, its visit (when named) visited the same enterprise, and
 * an empty chain_id takes the enterprise's chain when its segments lie on
 * exactly one. Talent services (src/domain/service.c): an empty promised
 * date is the submitted date plus the kind's promised days (service.h), a
 * promised date never precedes the submitted one, an amount only for
 * 人才金融. */
void problem_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                      struct model_errors *errs);
void service_request_validate(const struct entity *e, struct store *db, long long id,
                              json_t *row, struct model_errors *errs);

/* 531 recruitment (src/domain/recruit.c): a point names its country (海外区域)
 * or city (国内城市), a domestic city code is a 6-digit GB/T 2260 code,
 * coordinates come in pairs, and a point is not set up after its events; an
 * event's signed talents and projects are no more than its participants,
 * and it is not dated before its point was set up. */
void recruit_point_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);
void recruit_event_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);

/* The party-organization network (src/domain/org.c): no cycle through
 * parent_id nor through chain_org_id (nor an alliance's 党组织 members);
 * chain_org_id names an 产业链党委 or 党建联盟; an 产业链党委 names its chain;
 * only a 功能型党组织 may be temporary (then with an end date) or tied to a
 * project; dates in order. A member unit sets exactly the reference its
 * kind asks for and is not its own org. A chain duty's enterprise off the
 * chain is a warning. A study session's attendance is at most expected. */
void org_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                  struct model_errors *errs);
void org_link_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                       struct model_errors *errs);
void chain_duty_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                         struct model_errors *errs);
void study_session_validate(const struct entity *e, struct store *db, long long id, json_t *row,
                            struct model_errors *errs);

/* The matching index follows the rows it is built from (src/domain/match.c). */
void match_entity_changed(const struct entity *e, int64_t id, enum change_kind kind);

#endif
