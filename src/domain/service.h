/*
 * Talent services (人才服务): the promised time of each kind of request, the
 * validation of a request and the service board.
 *
 * Promised time: a request's promised_date, when left empty, is its
 * submitted_date plus the kind's promised days (service_promised_days),
 * counted in calendar days (no holiday calendar is kept): 安居 15, 人才金融
 * 10, 子女入学 30, 医疗 3, 出入境便利 5, 其他 15.
 *
 * Board rules (as the problem ledger's, problem.h): open = 待受理 or 办理中;
 * closed = 已办结; returned = 已退回 (never overdue); overdue = open and
 * promised_date < today (util_today: UTC+8, the test clock in test builds),
 * days = today − promised_date; closed late = closed_date > promised_date;
 * average days = closed_date − submitted_date over the closed requests, one
 * decimal. Everything is read through the caller's data scope.
 *
 * Ownership: *out belongs to the caller.
 */
#ifndef XZ_SERVICE_H
#define XZ_SERVICE_H

#include "engine/engine.h"

#include <jansson.h>

/* The promised days of a kind; 15 for an unknown kind. */
int service_promised_days(const char *kind);

/* params (optional): kind, handler_unit, from / to (submitted_date range).
 * *out = {today, promised_days:{kind: days}, summary:{total, open, closed,
 * returned, overdue, closed_late, on_time_rate, avg_days}, by_kind:[{name,
 * promised_days, total, open, closed, returned, overdue, closed_late,
 * avg_days}], by_unit:[… the same without promised_days], overdue:[{id,
 * talent, kind, detail, handler_unit, submitted_date, promised_date,
 * status, days_overdue}] (most days first)}. on_time_rate = closed on or
 * before the promised date ÷ closed × 100 (null when none closed).
 * XZ_ERR_BAD_REQUEST for an unknown or malformed parameter. */
enum xz_result service_board(struct engine_ctx *ctx, const struct kv *params, size_t nparams,
                             json_t **out);

#endif
