/*
 * Unit tests of the role table (src/auth/role.c) and the separation rules
 * of src/auth/useradmin.c (三权分立, 等保2.0 三级): the three administrator
 * roles hold one administrative permission each and no business or
 * personal-data permission; each administrative permission belongs to
 * exactly one role; the business administrator admin holds no
 * administrative permission; the old name auditor resolves to auditadmin;
 * an administrator account is never moved to another administrator role;
 * generated one-time passwords carry upper case, lower case and digits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/useradmin.h"

#include <string.h>

#define ADMIN_PERMS (PERM_USER_ADMIN | PERM_SECURITY_ADMIN | PERM_AUDIT_READ)
#define BUSINESS_PERMS (PERM_DATA_READ | PERM_DATA_WRITE | PERM_STRUCTURE_WRITE | PERM_PII_REVEAL)

static void test_admin_roles_hold_one_permission(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned perm;
		const char *label;
	} want[] = {
		{"sysadmin", PERM_USER_ADMIN, "系统管理员"},
		{"secadmin", PERM_SECURITY_ADMIN, "安全管理员"},
		{"auditadmin", PERM_AUDIT_READ, "审计管理员"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct role_def *r = auth_role(want[i].name);
		assert_non_null(r);
		assert_int_equal(r->perms, want[i].perm);
		assert_string_equal(r->label, want[i].label);
		assert_true(auth_role_is_admin(want[i].name));
	}
	const struct role_def *admin = auth_role("admin");
	assert_non_null(admin);
	assert_string_equal(admin->label, "业务管理员");
	assert_int_equal(admin->perms, BUSINESS_PERMS);
	assert_false(auth_role_is_admin("admin"));
	assert_false(auth_role_is_admin("operator"));
	assert_false(auth_role_is_admin("nobody"));
}

static void test_each_admin_permission_in_one_role(void **state)
{
	(void)state;
	static const unsigned bits[] = {PERM_USER_ADMIN, PERM_SECURITY_ADMIN, PERM_AUDIT_READ};
	for (size_t b = 0; b < 3; b++) {
		int holders = 0;
		for (size_t i = 0; auth_role_at(i); i++)
			holders += (auth_role_at(i)->perms & bits[b]) != 0;
		assert_int_equal(holders, 1);
	}
	for (size_t i = 0; auth_role_at(i); i++) {
		const struct role_def *r = auth_role_at(i);
		/* administration and business data never meet in one role */
		assert_false((r->perms & ADMIN_PERMS) && (r->perms & BUSINESS_PERMS));
	}
}

static void test_alias(void **state)
{
	(void)state;
	assert_ptr_equal(auth_role("auditor"), auth_role("auditadmin"));
	assert_null(auth_role(NULL));
	assert_null(auth_role("Admin"));
	for (size_t i = 0; auth_role_at(i); i++)
		assert_string_not_equal(auth_role_at(i)->name, "auditor");
}

static void test_role_change_rule(void **state)
{
	(void)state;
	char msg[256];
	assert_int_equal(useradmin_role_change_check("sysadmin", "sysadmin", "auditadmin", msg,
	                                             sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "三权分立"));
	assert_int_equal(useradmin_role_change_check("auditor", "", "secadmin", msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_int_equal(useradmin_role_change_check("viewer", "", "emperor", msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_int_equal(
	        useradmin_role_change_check("sysadmin", "sysadmin", "sysadmin", msg, sizeof(msg)), XZ_OK);
	assert_int_equal(useradmin_role_change_check("viewer", "", "sysadmin", msg, sizeof(msg)), XZ_OK);
	assert_int_equal(useradmin_role_change_check("sysadmin", "sysadmin", "viewer", msg, sizeof(msg)),
	                 XZ_OK);
	assert_int_equal(useradmin_role_change_check("admin", "", "operator", msg, sizeof(msg)), XZ_OK);
	/* the detour: a former sysadmin, now a viewer, may come back as sysadmin
	 * but never become another administrator */
	assert_int_equal(useradmin_role_change_check("viewer", "sysadmin", "sysadmin", msg, sizeof(msg)),
	                 XZ_OK);
	assert_int_equal(useradmin_role_change_check("viewer", "sysadmin", "secadmin", msg, sizeof(msg)),
	                 XZ_ERR_VALIDATION);
	assert_non_null(strstr(msg, "曾担任"));
	assert_int_equal(useradmin_role_change_check("operator", "auditadmin", "admin", msg, sizeof(msg)),
	                 XZ_OK);
}

static void test_generated_password(void **state)
{
	(void)state;
	for (int n = 0; n < 200; n++) {
		char pw[20];
		auth_generate_password(pw, 16);
		assert_int_equal(strlen(pw), 16);
		bool upper = false, lower = false, digit = false;
		for (const char *p = pw; *p; p++) {
			upper |= *p >= 'A' && *p <= 'Z';
			lower |= *p >= 'a' && *p <= 'z';
			digit |= *p >= '2' && *p <= '9';
			assert_null(strchr("0O1lI", *p));
		}
		assert_true(upper && lower && digit);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_roles_hold_one_permission),
		cmocka_unit_test(test_each_admin_permission_in_one_role),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_role_change_rule),
		cmocka_unit_test(test_generated_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
