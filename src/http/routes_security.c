/*
 * The account-security routes: GET/DELETE /api/v1/auth/sessions[/:id] (a
 * user's own sessions), POST /api/v1/auth/totp/setup and /enable (TOTP
 * enrolment), GET /api/v1/auth/security (the policy in force), and the
 * per-IP rate limit that h_login passes through first.
 */
#include "auth/audit.h"
#include "auth/setting.h"
#include "core/util.h"
#include "http/ratelimit.h"
#include "http/routes_security.h"

#include <stdio.h>
#include <string.h>

enum xz_result security_login_gate(struct request *req)
{
	int wait = 0;
	double per_minute = setting_get_number(req->db, SETTING_LOGIN_RATE);
	if (ratelimit_take(ratelimit_login(), req->ip, per_minute, util_now_mono(), &wait))
		return XZ_OK;
	req->retry_after = wait < 1 ? 1 : wait;
	struct actor who = {.username = "", .ip = req->ip};
	json_t *d = json_pack("{s:s, s:i}", "reason", "rate_limited", "retry_after", req->retry_after);
	audit_write(req->db, &who, "login", "user", 0, "rate_limited", d);
	json_decref(d);
	snprintf(req->message, sizeof(req->message), "登录尝试过于频繁（每个地址每分钟最多%g次），请%d秒后再试",
	         per_minute, req->retry_after);
	return XZ_ERR_RATE_LIMITED;
}

enum xz_result security_sessions_list(struct request *req)
{
	return auth_sessions_list(req->db, &req->who, &req->reply);
}

enum xz_result security_session_end(struct request *req)
{
	bool current = false;
	enum xz_result r = auth_session_end(req->db, &req->who, req->id, &current);
	if (r) {
		if (r == XZ_ERR_NOT_FOUND)
			snprintf(req->message, sizeof(req->message), "会话不存在或已结束");
		return r;
	}
	if (current)
		snprintf(req->set_cookie, sizeof(req->set_cookie),
		         AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	req->reply = json_pack("{s:b, s:I, s:b}", "ended", 1, "id", (json_int_t)req->id, "current",
	                       current);
	return XZ_OK;
}

enum xz_result security_totp_setup(struct request *req)
{
	char msg[200] = "";
	enum xz_result r = auth_totp_setup(req->db, &req->who, &req->reply, msg, sizeof(msg));
	if (r && msg[0])
		snprintf(req->message, sizeof(req->message), "%s", msg);
	return r;
}

enum xz_result security_totp_enable(struct request *req)
{
	json_t *body = NULL;
	char msg[200] = "";
	enum xz_result r = http_json_body(req, &body);
	if (r)
		return r;
	const char *code = json_string_value(json_object_get(body, "code"));
	if (!code || !*code) {
		snprintf(req->message, sizeof(req->message), "请输入验证器中显示的6位验证码 code");
		r = XZ_ERR_BAD_REQUEST;
		goto out;
	}
	r = auth_totp_enable(req->db, &req->who, code, msg, sizeof(msg));
	if (r) {
		if (msg[0])
			snprintf(req->message, sizeof(req->message), "%s", msg);
		goto out;
	}
	req->reply = json_pack("{s:o, s:s, s:b}", "user", auth_user_json(&req->who), "csrf_token",
	                       req->who.csrf, "must_change_password", req->who.must_change_password);
out:
	json_decref(body);
	return r;
}

enum xz_result security_info(struct request *req)
{
	return auth_security_info(req->db, &req->who, &req->reply);
}
