/*
 * 任免审批表 exchange files (.lrmx, version 3) in and out, as plain data:
 * lrmx_parse() reads one XML document (root Person, one child element per
 * field, JiaTingChengYuan/Item for the family, base64 ZhaoPian for the photo)
 * into a struct lrmx_person of UTF-8 strings, and lrmx_write() produces the
 * same document, so that parsing what was written gives back the same
 * person. The 简历 text is also split into career periods by
 * lrmx_resume_parse(), which returns the lines it cannot read separately so
 * that nothing a user typed is lost. This layer never touches the database;
 * src/domain/lrmx_import.c maps the result onto person, cadre and career.
 *
 * Conventions:
 *  - Every string is UTF-8 and owned by the struct; NULL means absent. The
 *    parser trims spaces (also the full-width U+3000) around values and gives
 *    NULL for empty ones; the writer treats NULL and "" alike.
 *  - Dates are "YYYY-MM-DD" in memory (day 01 when the file gives only the
 *    month) and YYYYMM or YYYYMMDD in files; a date field whose text is not a
 *    date is kept verbatim in both directions.
 *  - msg/n: on failure a Chinese message is written there (never overflowing).
 */
#ifndef XZ_IO_LRMX_H
#define XZ_IO_LRMX_H

#include "core/buf.h"
#include "core/result.h"

#include <stdbool.h>
#include <stddef.h>

struct lrmx_family {
	char *relation;  /* ChengWei 称谓 */
	char *name;      /* XingMing 姓名 */
	char *birth;     /* ChuShengRiQi 出生日期 (a date field) */
	char *political; /* ZhengZhiMianMao 政治面貌 */
	char *work;      /* GongZuoDanWeiJiZhiWu 工作单位及职务 */
};

struct lrmx_person {
	char *name;          /* XingMing 姓名 */
	char *gender;        /* XingBie 性别 */
	char *birth;         /* ChuShengNianYue 出生年月 (date) */
	char *ethnicity;     /* MinZu 民族 */
	char *native_place;  /* JiGuan 籍贯 */
	char *birth_place;   /* ChuShengDi 出生地 */
	char *party_date;    /* RuDangShiJian 入党时间 (date) */
	char *work_start;    /* CanJiaGongZuoShiJian 参加工作时间 (date) */
	char *health;        /* JianKangZhuangKuang 健康状况 */
	char *idcard;        /* ShenFenZheng 身份证号 */
	char *title;         /* ZhuanYeJiShuZhiWu 专业技术职务 */
	char *expertise;     /* ShuXiZhuanYeYouHeZhuanChang 熟悉专业有何专长 */
	char *ft_education;  /* QuanRiZhiJiaoYu_XueLi 全日制教育 学历 */
	char *ft_degree;     /* QuanRiZhiJiaoYu_XueWei 学位 */
	char *ft_edu_school; /* QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi 毕业院校系及专业 */
	char *ft_deg_school; /* QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi */
	char *pt_education;  /* ZaiZhiJiaoYu_XueLi 在职教育 学历 */
	char *pt_degree;     /* ZaiZhiJiaoYu_XueWei */
	char *pt_edu_school; /* ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi */
	char *pt_deg_school; /* ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi */
	char *rewards;       /* JiangChengQingKuang 奖惩情况 */
	char *assessment;    /* NianDuKaoHeJieGuo 年度考核结果 */
	char *post;          /* XianRenZhiWu 现任职务 */
	char *proposed_post; /* NiRenZhiWu 拟任职务 */
	char *proposed_removal; /* NiMianZhiWu 拟免职务 */
	char *reason;        /* RenMianLiYou 任免理由 */
	char *reporting_unit; /* ChengBaoDanWei 呈报单位 */
	char *age_date;      /* JiSuanNianLingShiJian 计算年龄时间 (date) */
	char *filled_by;     /* TianBiaoRen 填表人 */
	char *fill_date;     /* TianBiaoShiJian 填表时间 (date) */

	char **resume; /* JianLi 简历, one line each, blank lines left out */
	size_t nresume;
	struct lrmx_family *family; /* JiaTingChengYuan */
	size_t nfamily;
	unsigned char *photo; /* ZhaoPian, decoded */
	size_t photo_len;
};

/* Parses one .lrmx document held in memory. XZ_ERR_VALIDATION (message in
 * msg) when it is not well-formed XML, has no Person root, declares a DTD,
 * or carries a photo that is not base64. On failure *out is left empty. */
enum xz_result lrmx_parse(const void *data, size_t len, struct lrmx_person *out, char *msg,
                          size_t n);
/* Writes the document (UTF-8, with XML declaration); *data is malloc'd and
 * NUL-terminated, *len excludes the NUL. XZ_ERR_VALIDATION when a value is
 * not valid UTF-8. */
enum xz_result lrmx_write(const struct lrmx_person *p, char **data, size_t *len, char *msg,
                          size_t n);
void lrmx_person_free(struct lrmx_person *p);
/* Equal as the format sees them: NULL and "" are the same value. */
bool lrmx_person_equal(const struct lrmx_person *a, const struct lrmx_person *b);
/* Appends a copy of line to p->resume; adds a family member (strings copied,
 * NULL allowed). */
void lrmx_add_resume_line(struct lrmx_person *p, const char *line);
void lrmx_add_family(struct lrmx_person *p, const struct lrmx_family *m);

/* ---- dates ---- */

/* A date as files write it (YYYYMM, YYYYMMDD, YYYY.MM, YYYY.MM.DD, YYYY-MM,
 * YYYY-MM-DD, YYYY年M月[D日]) to "YYYY-MM-DD" (day 01 when absent); false
 * when s is not such a date. */
bool lrmx_date_in(const char *s, char out[11]);
/* "YYYY-MM-DD" to YYYYMMDD, or YYYYMM when the day is 01; false (out
 * untouched) when iso is not that form. */
bool lrmx_date_out(const char *iso, char out[9]);
/* "YYYY-MM-DD" shown as YYYY.MM (the table's form); false when not a date. */
bool lrmx_date_show(const char *iso, char out[8]);

/* ---- 简历 ---- */

struct lrmx_period {
	char *start; /* "YYYY-MM-01" */
	char *end;   /* "YYYY-MM-01", or NULL for an open period (至今) */
	char *text;  /* unit and post, continuation lines appended */
	char *raw;   /* the line(s) as written, joined with "\n" */
	size_t line; /* 1-based number of its first line */
};

struct lrmx_unparsed {
	char *text;   /* the line as written */
	size_t line;  /* 1-based line number */
	size_t after; /* how many periods precede it (its place among them) */
};

struct lrmx_resume {
	struct lrmx_period *periods;
	size_t nperiods;
	struct lrmx_unparsed *unparsed;
	size_t nunparsed;
};

/* Splits 简历 lines into periods. Recognized: "YYYY.MM--YYYY.MM text" with
 * the separators -, --, —, ——, －, ~, ～, 至 and any run of spaces (also
 * full-width); an open end ("YYYY.MM--", "至今", "今"); months written as
 * YYYY.M or YYYY年M月; a line without a date continues the period before it.
 * Lines that begin like a date but do not parse (a month 13, an end before
 * the start, a missing separator), lines before the first period, lines
 * continuing such a line and periods left without text go to unparsed, in
 * order. Never fails. */
void lrmx_resume_parse(char *const *lines, size_t n, struct lrmx_resume *out);
void lrmx_resume_free(struct lrmx_resume *r);
/* Appends one 简历 line for a period: "YYYY.MM--YYYY.MM  text", or with the
 * end left blank for an open period. start/end are "YYYY-MM-DD". */
void lrmx_resume_format(const char *start, const char *end, const char *text, struct buf *out);
/* Splits a text on \r\n, \n or \r into resume lines of p, leaving out blank
 * ones and trailing spaces. */
void lrmx_split_resume(struct lrmx_person *p, const char *text);

/* ---- base64 ---- */

/* Decodes base64 ignoring whitespace; padding optional. false when other
 * characters appear. *out is malloc'd (free it) also for empty input. */
bool lrmx_base64_decode(const char *s, size_t n, unsigned char **out, size_t *len);
void lrmx_base64_encode(const unsigned char *data, size_t len, struct buf *out);

#endif
