/*
 * Cadre dossiers (任免审批表) between .lrmx files and the people entities:
 * lrmx_import() turns one .lrmx, or a zip of many, into person + cadre +
 * career + party_member rows and the photo, all in one transaction through
 * the engine (so scope, validation and audit apply as to any other write);
 * lrmx_export() builds the .lrmx of a person back from those rows, and
 * lrmx_print_html() the printable A4 任免审批表. The helpers below are the
 * mappings both directions share, so that an exported file imports back to
 * the same data.
 *
 * Ownership: *report, *data and *html belong to the caller (json_decref /
 * free). Strings returned by the helpers are malloc'd.
 */
#ifndef XZ_DOMAIN_LRMX_DOSSIER_H
#define XZ_DOMAIN_LRMX_DOSSIER_H

#include "engine/engine.h"
#include "io/lrmx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct lrmx_import_opts {
	/* region of people and cadres created by the import (and of those
	 * updated, when given); 0: the actor's own region, else the city */
	int64_t region_id;
	bool dry_run; /* validate and report, write nothing */
};

/* Imports data: a .lrmx document or a zip whose entries ending in .lrmx are
 * imported (others are listed as skipped); filename names it in the report
 * (may be NULL). A person is found by 身份证号 and updated, else created;
 * their careers are replaced by the 简历 periods. Any error and nothing is
 * written. *report = {files:[{file, person_id, name, action:"created"|
 * "updated", careers, unparsed_lines:[{line, text}], warnings:[…]}],
 * skipped:[{file, reason}], errors:[{file, field, code, message}], created,
 * updated, dry_run}; it is set also on failure (XZ_ERR_VALIDATION when
 * errors name files, other codes for database failures). An "import_lrmx"
 * audit row records a successful import. */
enum xz_result lrmx_import(struct engine_ctx *ctx, const void *data, size_t len,
                           const char *filename, const struct lrmx_import_opts *opts,
                           json_t **report);

/* The .lrmx of a person, unmasked: the actor must hold PERM_PII_REVEAL
 * (XZ_ERR_FORBIDDEN otherwise); writes an "export_lrmx" audit row.
 * XZ_ERR_NOT_FOUND when the person is missing or outside the actor's scope. */
enum xz_result lrmx_export(struct engine_ctx *ctx, int64_t person_id, char **data, size_t *len);

/* The printable A4 HTML 任免审批表 of a person. The 身份证号 is masked and
 * the family hidden unless reveal is set, which needs PERM_PII_REVEAL and
 * writes a "print_lrmx" audit row. */
enum xz_result lrmx_print_html(struct engine_ctx *ctx, int64_t person_id, bool reveal,
                               char **html, size_t *len);

/* ---- mappings shared by import and export ---- */

/* person.family text, one member a line: "称谓 姓名 出生日期 政治面貌
 * 工作单位及职务", "-" for an empty part. */
char *lrmx_family_to_text(const struct lrmx_family *members, size_t n);
/* Adds the members of a person.family text to p. */
void lrmx_family_from_text(const char *text, struct lrmx_person *p);
/* 毕业院校系及专业 text ("南京大学经济学院国际贸易专业") into school and major
 * (either may come back NULL), and back. */
void lrmx_school_split(const char *text, char **school, char **major);
char *lrmx_school_join(const char *school, const char *major);
/* 学历 / 学位 texts to the person.education / person.degree values; NULL
 * when not recognized. */
const char *lrmx_education_value(const char *xueli, const char *xuewei);
const char *lrmx_degree_value(const char *xuewei);
/* The work unit at the head of a post text ("无锡市发展和改革委员会副主任" →
 * "无锡市发展和改革委员会"); NULL when no post word is found. */
char *lrmx_unit_from_post(const char *post);

#endif
