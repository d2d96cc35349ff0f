/*
 * The descriptor table: every entity xinzhi stores through the generic
 * engine, declared once. Adding an entity is adding its fields here, its
 * table to the migrations in src/store/, and nothing else.
 */
#include "model/entities.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- region: 市/区县/乡镇, GB/T 2260 codes ---- */

static const char *const region_levels[] = {"市", "区县", "乡镇", NULL};

static const struct field region_fields[] = {
	{"code", FT_TEXT, "区划代码", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 12, .help = "GB/T 2260 行政区划代码：市、区县6位，乡镇街道9位"},
	{"name", FT_TEXT, "名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 50},
	{"level", FT_ENUM, "层级", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = region_levels},
	{"parent_id", FT_REF, "上级区划", F_FILTER | F_LIST, .ref = "region"},
};

/* ---- cluster: the 465 system ---- */

static const char *const cluster_tiers[] = {"地标产业", "优势产业", "未来产业", NULL};

static const struct field cluster_fields[] = {
	{"name", FT_TEXT, "产业集群", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 50},
	{"tier", FT_ENUM, "类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = cluster_tiers},
	{"target_2025", FT_DECIMAL, "2025年目标规模(亿元)", F_SORT | F_LIST, .min = 0, .max = 1e6},
	{"sort_order", FT_INT, "排序", F_SORT, .min = 0, .max = 10000},
	{"description", FT_TEXT, "简介", F_SEARCH, .max_len = 2000},
};

/* ---- cluster_stat: yearly figures per cluster ---- */

static const struct field cluster_stat_fields[] = {
	{"cluster_id", FT_REF, "产业集群", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "cluster"},
	{"year", FT_INT, "年度", F_REQUIRED | F_NATKEY | F_FILTER | F_SORT | F_LIST, .min = 2000,
	 .max = 2100},
	{"revenue", FT_DECIMAL, "规上营收(亿元)", F_REQUIRED | F_SORT | F_LIST, .min = 0,
	 .max = 1e7},
	{"strategic_share", FT_DECIMAL, "战略性新兴产业产值占比(%)", F_SORT | F_LIST, .min = 0,
	 .max = 100},
	{"hightech_share", FT_DECIMAL, "高新技术产业产值占比(%)", F_SORT | F_LIST, .min = 0,
	 .max = 100},
	{"enterprise_count", FT_INT, "规上企业数", F_SORT | F_LIST, .min = 0, .max = 1e7},
};

/* ---- chain: an industry chain of a cluster ---- */

static const struct field chain_fields[] = {
	{"name", FT_TEXT, "产业链", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 50},
	{"cluster_id", FT_REF, "所属集群", F_REQUIRED | F_FILTER | F_LIST, .ref = "cluster"},
	{"chain_leader", FT_TEXT, "链长", F_SEARCH | F_LIST, .max_len = 50,
	 .help = "产业链链长，一般为市领导"},
	{"description", FT_TEXT, "简介", F_SEARCH, .max_len = 2000},
};

/* ---- segment: a node of a chain's tree ---- */

static const char *const segment_stages[] = {"上游", "中游", "下游", NULL};

static const struct field segment_fields[] = {
	{"chain_id", FT_REF, "产业链", F_REQUIRED | F_FILTER | F_LIST, .ref = "chain"},
	{"parent_id", FT_REF, "上级环节", F_FILTER | F_LIST, .ref = "segment"},
	{"name", FT_TEXT, "环节", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 50},
	{"stage", FT_ENUM, "链位", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = segment_stages},
	{"bottleneck", FT_BOOL, "卡脖子环节", F_FILTER | F_LIST},
	{"sort_order", FT_INT, "排序", F_SORT, .min = 0, .max = 10000},
	{"description", FT_TEXT, "说明", F_SEARCH, .max_len = 2000},
};

/* ---- park ---- */

static const char *const park_levels[] = {"国家级", "省级", "市级", "区级", NULL};
static const char *const park_kinds[] = {"高新技术产业开发区", "经济技术开发区", "综合保税区",
                                          "特色产业园", "科创园区", NULL};

static const struct field park_fields[] = {
	{"name", FT_TEXT, "园区名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"level", FT_ENUM, "级别", F_FILTER | F_SORT | F_LIST, .enum_values = park_levels},
	{"kind", FT_ENUM, "类型", F_FILTER | F_LIST, .enum_values = park_kinds},
	{"address", FT_TEXT, "地址", F_SEARCH, .max_len = 200},
};

/* ---- enterprise ---- */

static const struct field enterprise_fields[] = {
	{"name", FT_TEXT, "企业名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"uscc", FT_USCC, "统一社会信用代码", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_LIST},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"park_id", FT_REF, "所在园区", F_FILTER | F_LIST, .ref = "park"},
	{"legal_rep", FT_TEXT, "法定代表人", 0, .max_len = 50},
	{"established", FT_DATE, "成立日期", F_SORT},
	{"registered_capital", FT_DECIMAL, "注册资本(万元)", F_SORT, .min = 0, .max = 1e9},
	{"employees", FT_INT, "从业人数", F_SORT | F_LIST, .min = 0, .max = 1e7},
	{"revenue", FT_DECIMAL, "上年营收(万元)", F_SORT | F_LIST, .min = 0, .max = 1e10},
	{"above_scale", FT_BOOL, "规上企业", F_FILTER | F_LIST},
	{"high_tech", FT_BOOL, "高新技术企业", F_FILTER | F_LIST},
	{"srdi", FT_BOOL, "专精特新", F_FILTER | F_LIST},
	{"main_products", FT_TEXT, "主营产品", F_SEARCH, .max_len = 500},
	{"address", FT_TEXT, "地址", 0, .max_len = 200},
};

static const struct link enterprise_links[] = {
	{"segment_ids", "所属产业链环节", "enterprise_segment", "enterprise_id", "segment_id",
	 "segment"},
};

/* ---- institution: 高校/科研院所/创新平台/协会 ---- */

static const char *const institution_kinds[] = {"高校", "科研院所", "创新平台", "行业协会", NULL};
static const char *const institution_levels[] = {"国家级", "省级", "市级", NULL};

static const struct field institution_fields[] = {
	{"name", FT_TEXT, "机构名称",
	 F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"kind", FT_ENUM, "类型", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = institution_kinds},
	{"level", FT_ENUM, "级别", F_FILTER | F_LIST, .enum_values = institution_levels},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"cluster_id", FT_REF, "主要服务集群", F_FILTER | F_LIST, .ref = "cluster"},
	{"description", FT_TEXT, "简介", F_SEARCH, .max_len = 2000},
};

/* ---- audit_log: read-only view of the audit trail ---- */

static const struct field audit_fields[] = {
	{"ts", FT_DATETIME, "时间", F_READONLY | F_SORT | F_LIST},
	{"username", FT_TEXT, "用户", F_READONLY | F_SEARCH | F_FILTER | F_LIST},
	{"ip", FT_TEXT, "IP", F_READONLY | F_FILTER | F_LIST},
	{"action", FT_TEXT, "操作", F_READONLY | F_FILTER | F_LIST},
	{"entity", FT_TEXT, "对象", F_READONLY | F_FILTER | F_LIST},
	{"entity_id", FT_INT, "记录ID", F_READONLY | F_FILTER | F_LIST},
	{"result", FT_TEXT, "结果", F_READONLY | F_FILTER | F_LIST},
	{"detail", FT_TEXT, "详情", F_READONLY | F_SEARCH},
};

const struct entity model_entities[] = {
	{"region", "region", "行政区划", "系统", region_fields, COUNT(region_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "code", "", PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL},
	{"cluster", "cluster", "产业集群", "产业链", cluster_fields, COUNT(cluster_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "sort_order", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL},
	{"cluster_stat", "cluster_stat", "集群年度数据", "产业链", cluster_stat_fields,
	 COUNT(cluster_stat_fields), NULL, 0, 0, "year", "-year", NULL, PERM_DATA_READ,
	 PERM_STRUCTURE_WRITE, NULL},
	{"chain", "chain", "产业链", "产业链", chain_fields, COUNT(chain_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "id", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL},
	{"segment", "segment", "产业链环节", "产业链", segment_fields, COUNT(segment_fields), NULL,
	 0, E_SOFT_DELETE, "name", "sort_order", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE,
	 structure_segment_validate},
	{"park", "park", "园区", "产业链", park_fields, COUNT(park_fields), NULL, 0, E_SOFT_DELETE,
	 "name", "id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"enterprise", "enterprise", "企业", "产业链", enterprise_fields, COUNT(enterprise_fields),
	 enterprise_links, COUNT(enterprise_links), E_SOFT_DELETE, "name", "-id", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, structure_enterprise_validate},
	{"institution", "institution", "高校院所与平台", "产业链", institution_fields,
	 COUNT(institution_fields), NULL, 0, E_SOFT_DELETE, "name", "id", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"audit_log", "audit_log", "审计日志", "系统", audit_fields, COUNT(audit_fields), NULL, 0,
	 E_READONLY | E_NO_TIMESTAMPS, "action", "-id", NULL, PERM_AUDIT_READ, PERM_NONE, NULL},
};

const size_t model_entity_count = COUNT(model_entities);
