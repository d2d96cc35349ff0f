/*
 * The role table: what each role may do. Routes name permissions; roles
 * grant sets of them. Administration is split three ways (三权分立, 等保
 * 三级): sysadmin manages accounts and system configuration, secadmin the
 * security policy and views the role/permission matrix, auditadmin reads,
 * exports and verifies the audit log. None of the three holds a business
 * data permission (data.read, pii.reveal), so none reads personal data by
 * virtue of the role. admin is the business administrator (all business
 * data, structure writes, reveal) with no account, audit or policy rights.
 * An account has exactly one role (one column in the user table), so it can
 * never hold two of the administrator roles together; see
 * auth_role_is_admin() for the rule that an administrator account is never
 * moved to another administrator role either.
 */
#include "auth/auth.h"

#include <string.h>

static const struct role_def roles[] = {
	{"sysadmin", "系统管理员", PERM_USER_ADMIN},
	{"secadmin", "安全管理员", PERM_SECURITY_ADMIN},
	{"auditadmin", "审计管理员", PERM_AUDIT_READ},
	{"admin", "业务管理员",
	 PERM_DATA_READ | PERM_DATA_WRITE | PERM_STRUCTURE_WRITE | PERM_PII_REVEAL},
	{"operator", "业务经办人员", PERM_DATA_READ | PERM_DATA_WRITE | PERM_PII_REVEAL},
	{"viewer", "查询人员", PERM_DATA_READ},
};

/* older names still accepted on input (accounts made before the split) */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{"auditor", "auditadmin"},
};

const struct role_def *auth_role(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(aliases[i].alias, name))
			name = aliases[i].name;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

const struct role_def *auth_role_at(size_t i)
{
	return i < sizeof(roles) / sizeof(roles[0]) ? &roles[i] : NULL;
}

bool auth_role_is_admin(const char *name)
{
	const struct role_def *r = auth_role(name);
	return r && (r->perms & (PERM_USER_ADMIN | PERM_SECURITY_ADMIN | PERM_AUDIT_READ));
}
