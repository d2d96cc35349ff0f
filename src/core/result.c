/*
 * The single map from result codes to API codes, HTTP statuses and messages.
 */
#include "core/result.h"

#include <assert.h>

static const struct xz_result_info infos[XZ_RESULT_COUNT] = {
	[XZ_OK] = {"ok", 200, "成功"},
	[XZ_ERR_BAD_REQUEST] = {"bad_request", 400, "请求格式不正确"},
	[XZ_ERR_VALIDATION] = {"validation_failed", 422, "提交的数据未通过校验"},
	[XZ_ERR_NOT_FOUND] = {"not_found", 404, "记录不存在或无权访问"},
	[XZ_ERR_CONFLICT] = {"version_conflict", 409, "记录已被他人修改，请刷新后重试"},
	[XZ_ERR_DUPLICATE] = {"duplicate", 409, "记录已存在"},
	[XZ_ERR_REFERENCED] = {"referenced", 409, "记录正被其他数据引用，不能删除"},
	[XZ_ERR_UNAUTHENTICATED] = {"unauthenticated", 401, "未登录或登录已过期，请重新登录"},
	[XZ_ERR_BAD_LOGIN] = {"bad_credentials", 401, "用户名或密码错误"},
	[XZ_ERR_FORBIDDEN] = {"forbidden", 403, "没有执行此操作的权限"},
	[XZ_ERR_CSRF] = {"csrf_failed", 403, "缺少或错误的 X-CSRF-Token，请刷新页面后重试"},
	[XZ_ERR_PASSWORD_CHANGE] = {"password_change_required", 403, "请先修改初始密码"},
	[XZ_ERR_METHOD] = {"method_not_allowed", 405, "不支持的请求方法"},
	[XZ_ERR_TOO_LARGE] = {"payload_too_large", 413, "请求内容过大"},
	[XZ_ERR_STORE] = {"store_error", 500, "数据库错误"},
	[XZ_ERR_BUSY] = {"busy", 503, "系统繁忙，请稍后重试"},
	[XZ_ERR_IO] = {"io_error", 500, "文件读写失败"},
	[XZ_ERR_INTERNAL] = {"internal_error", 500, "系统内部错误"},
	[XZ_ERR_RATE_LIMITED] = {"rate_limited", 429, "登录尝试过于频繁，请稍后再试"},
	[XZ_ERR_TOTP_ENROL] = {"totp_enrollment_required", 403,
	                       "请先绑定动态验证码（双因素认证）后再使用系统"},
	[XZ_ERR_FULL] = {"storage_full", 507, "服务器磁盘空间已满，本次修改未保存，请联系系统管理员"},
	[XZ_ERR_NOMEM] = {"out_of_memory", 503, "服务器内存不足，本次操作未完成，请稍后重试"},
};

const struct xz_result_info *result_info(enum xz_result r)
{
	assert(r >= 0 && r < XZ_RESULT_COUNT);
	return &infos[r];
}
