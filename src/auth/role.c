/*
 * The role table: what each role may do. Routes name permissions; roles
 * grant sets of them. A later security issue splits administration into
 * the three separated roles of 等保; until then admin holds them all.
 */
#include "auth/auth.h"

#include <string.h>

static const struct role_def roles[] = {
	{"admin", "系统管理员",
	 PERM_DATA_READ | PERM_DATA_WRITE | PERM_STRUCTURE_WRITE | PERM_USER_ADMIN | PERM_AUDIT_READ |
	         PERM_PII_REVEAL},
	{"operator", "业务经办人员", PERM_DATA_READ | PERM_DATA_WRITE | PERM_PII_REVEAL},
	{"viewer", "查询人员", PERM_DATA_READ},
	{"auditor", "审计管理员", PERM_AUDIT_READ},
};

const struct role_def *auth_role(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

const struct role_def *auth_role_at(size_t i)
{
	return i < sizeof(roles) / sizeof(roles[0]) ? &roles[i] : NULL;
}
