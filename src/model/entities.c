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

/* ---- people: one person record per human, roles attached to it ---- */

static const char *const genders[] = {"男", "女", NULL};
static const char *const educations[] = {"博士研究生", "硕士研究生", "大学本科", "大学专科",
                                          "中专及以下", NULL};
static const char *const degrees[] = {"博士", "硕士", "学士", "无", NULL};
static const char *const political[] = {"中共党员", "中共预备党员", "共青团员", "民主党派",
                                         "无党派人士", "群众", NULL};

static const struct field person_fields[] = {
	{"name", FT_TEXT, "姓名", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 50},
	{"idcard", FT_IDCARD, "身份证号",
	 F_REQUIRED | F_UNIQUE | F_NATKEY | F_SENSITIVE | F_LIST,
	 .help = "18位，校验位与出生日期须正确；加密保存，列表中打码显示"},
	{"gender", FT_ENUM, "性别", F_FILTER | F_LIST, .enum_values = genders,
	 .help = "不填时按身份证号第17位推算"},
	{"birth_date", FT_DATE, "出生日期", F_SORT | F_LIST, .help = "不填时取身份证号中的出生日期"},
	{"ethnicity", FT_TEXT, "民族", F_FILTER, .max_len = 20},
	{"native_place", FT_TEXT, "籍贯", F_SEARCH, .max_len = 50},
	{"mobile", FT_MOBILE, "手机号", F_SENSITIVE | F_LIST},
	{"education", FT_ENUM, "学历", F_FILTER | F_SORT | F_LIST, .enum_values = educations},
	{"degree", FT_ENUM, "学位", F_FILTER, .enum_values = degrees},
	{"school", FT_TEXT, "毕业院校", F_SEARCH | F_FILTER, .max_len = 100},
	{"major", FT_TEXT, "所学专业", F_SEARCH, .max_len = 100},
	{"title", FT_TEXT, "专业技术职务", F_SEARCH, .max_len = 100},
	{"political_status", FT_ENUM, "政治面貌", F_FILTER | F_LIST, .enum_values = political},
	{"work_start", FT_DATE, "参加工作时间", F_SORT},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"family", FT_TEXT, "家庭成员", F_SENSITIVE, .max_len = 4000,
	 .help = "每行一人：称谓 姓名 出生日期 政治面貌 工作单位及职务；加密保存"},
};

static const char *const cadre_ranks[] = {
	"一级巡视员", "二级巡视员", "一级调研员", "二级调研员", "三级调研员", "四级调研员",
	"一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员",
	NULL};
static const char *const position_levels[] = {"厅局级正职", "厅局级副职", "县处级正职",
                                               "县处级副职", "乡科级正职", "乡科级副职",
                                               "无领导职务", NULL};
static const char *const cadre_levels[] = {"市", "县", "乡", NULL};

static const struct field cadre_fields[] = {
	{"person_id", FT_REF, "人员", F_REQUIRED | F_UNIQUE | F_NATKEY | F_LIST, .ref = "person"},
	{"unit", FT_TEXT, "工作单位", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"post", FT_TEXT, "现任职务", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 200},
	{"rank", FT_ENUM, "职级", F_FILTER | F_SORT | F_LIST, .enum_values = cadre_ranks},
	{"position_level", FT_ENUM, "职务层次", F_FILTER | F_SORT | F_LIST,
	 .enum_values = position_levels},
	{"level", FT_ENUM, "层级", F_REQUIRED | F_FILTER | F_LIST, .enum_values = cadre_levels},
	{"region_id", FT_REF, "单位所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"expertise", FT_TAGS, "专业特长", F_FILTER | F_LIST,
	 .help = "如 产业经济、科技创新、现代金融"},
	{"chain_id", FT_REF, "联系产业链", F_FILTER, .ref = "chain"},
	{"appointed", FT_DATE, "任现职时间", F_SORT},
};

static const struct field career_fields[] = {
	{"person_id", FT_REF, "人员", F_REQUIRED | F_FILTER | F_LIST, .ref = "person"},
	{"start_date", FT_DATE, "起始时间", F_REQUIRED | F_SORT | F_LIST},
	{"end_date", FT_DATE, "终止时间", F_SORT | F_LIST, .help = "空表示至今"},
	{"unit_post", FT_TEXT, "单位及职务", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 300},
	{"raw_line", FT_TEXT, "简历原文", F_SEARCH, .max_len = 500,
	 .help = "自任免审批表导入的原始简历行"},
};

static const char *const talent_categories[] = {"顶尖人才", "领军人才", "高层次人才", "青年人才",
                                                 "高技能人才", NULL};
static const char *const talent_levels[] = {"国家级", "省级", "市级", "其他", NULL};
static const char *const talent_statuses[] = {"在锡", "已离锡", NULL};

static const struct field talent_fields[] = {
	{"person_id", FT_REF, "人员", F_REQUIRED | F_UNIQUE | F_NATKEY | F_LIST, .ref = "person"},
	{"category", FT_ENUM, "人才类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = talent_categories},
	{"level", FT_ENUM, "人才层次", F_FILTER | F_LIST, .enum_values = talent_levels},
	{"skills", FT_TAGS, "专业技能", F_FILTER | F_LIST, .help = "取自技能分类，如 数字IC设计"},
	{"field", FT_TEXT, "专业领域", F_SEARCH | F_LIST, .max_len = 100},
	{"chain_id", FT_REF, "服务产业链", F_FILTER | F_LIST, .ref = "chain"},
	{"enterprise_id", FT_REF, "工作单位（企业）", F_FILTER, .ref = "enterprise"},
	{"experience_years", FT_INT, "工作年限", F_SORT | F_FILTER, .min = 0, .max = 70},
	{"source", FT_TEXT, "来源", F_FILTER, .max_len = 100, .help = "引进渠道或培养方式"},
	{"status", FT_ENUM, "状态", F_FILTER | F_LIST, .enum_values = talent_statuses},
	{"source_point_id", FT_REF, "引才点", F_FILTER, .ref = "source_point",
	 .help = "经“531”引才点引进的人才填写"},
};

static const char *const member_statuses[] = {"正式党员", "预备党员", NULL};

static const struct field party_member_fields[] = {
	{"person_id", FT_REF, "人员", F_REQUIRED | F_UNIQUE | F_NATKEY | F_LIST, .ref = "person"},
	{"org_name", FT_TEXT, "所在党组织", F_REQUIRED | F_SEARCH | F_FILTER | F_LIST,
	 .max_len = 100},
	{"join_date", FT_DATE, "入党时间", F_SORT | F_LIST},
	{"status", FT_ENUM, "党员类别", F_FILTER | F_LIST, .enum_values = member_statuses},
	{"org_id", FT_REF, "党组织（台账）", F_FILTER, .ref = "org",
	 .help = "已建组织台账的，选择所在党组织"},
};

/* ---- skill taxonomy ---- */

static const struct field skill_fields[] = {
	{"name", FT_TEXT, "技能", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 50},
	{"parent_id", FT_REF, "上级技能", F_FILTER | F_LIST, .ref = "skill"},
	{"synonyms", FT_TAGS, "同义词", F_SEARCH | F_LIST},
	{"cluster_id", FT_REF, "所属集群", F_FILTER | F_LIST, .ref = "cluster"},
	{"description", FT_TEXT, "说明", F_SEARCH, .max_len = 500},
};

/* ---- need: an enterprise's talent need, as on the census form ---- */

static const char *const post_categories[] = {"研发设计", "生产制造", "技术技能", "经营管理",
                                               "市场营销", "其他", NULL};
static const char *const need_educations[] = {"博士研究生", "硕士研究生", "大学本科", "大学专科",
                                               "不限", NULL};
static const char *const experiences[] = {"不限", "1年以下", "1-3年", "4-6年", "7-9年",
                                           "10年及以上", NULL};
static const char *const urgencies[] = {"一般", "较急", "紧急", NULL};
static const char *const need_statuses[] = {"草稿", "开放", "已满足", "已关闭", NULL};

static const struct field need_fields[] = {
	{"enterprise_id", FT_REF, "需求企业", F_REQUIRED | F_FILTER | F_LIST, .ref = "enterprise"},
	{"segment_id", FT_REF, "产业链环节", F_FILTER | F_LIST, .ref = "segment"},
	{"post_name", FT_TEXT, "岗位名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"post_category", FT_ENUM, "岗位类别", F_REQUIRED | F_FILTER | F_LIST,
	 .enum_values = post_categories},
	{"headcount", FT_INT, "需求数量", F_REQUIRED | F_SORT | F_LIST, .min = 1, .max = 10000},
	{"education", FT_ENUM, "学历要求", F_FILTER | F_LIST, .enum_values = need_educations},
	{"skills", FT_TAGS, "专业要求", F_FILTER | F_LIST, .help = "取自技能分类"},
	{"experience", FT_ENUM, "工作经验", F_FILTER | F_LIST, .enum_values = experiences},
	{"certificate", FT_TEXT, "职业资格证书", F_SEARCH, .max_len = 200},
	{"salary_min", FT_DECIMAL, "起薪下限(万元/年)", F_SORT | F_LIST, .min = 0, .max = 10000},
	{"salary_max", FT_DECIMAL, "起薪上限(万元/年)", F_SORT | F_LIST, .min = 0, .max = 10000},
	{"urgency", FT_ENUM, "紧急程度", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = urgencies},
	{"status", FT_ENUM, "状态", F_REQUIRED | F_FILTER | F_LIST, .enum_values = need_statuses},
	{"published", FT_DATE, "发布日期", F_SORT | F_LIST},
	{"deadline", FT_DATE, "截止日期", F_SORT},
	{"description", FT_TEXT, "岗位说明", F_SEARCH, .max_len = 2000},
};

/* ---- catalog: the yearly talent-shortage catalog (written by src/domain/catalog.c) ---- */

static const char *const catalog_statuses[] = {"草稿", "已发布", NULL};
static const char *const catalog_grades[] = {"一般紧缺", "紧缺", "非常紧缺", NULL};

static const struct field catalog_fields[] = {
	{"year", FT_INT, "年度", F_READONLY | F_FILTER | F_SORT | F_LIST, .min = 2000, .max = 2100},
	{"title", FT_TEXT, "目录名称", F_READONLY | F_SEARCH | F_LIST, .max_len = 200},
	{"status", FT_ENUM, "状态", F_READONLY | F_FILTER | F_LIST, .enum_values = catalog_statuses},
	{"method", FT_TEXT, "编制方法", F_READONLY, .max_len = 8000,
	 .help = "权重、分档与方法版本（JSON），据此可复现目录"},
	{"compiled_at", FT_DATETIME, "编制时间", F_READONLY | F_SORT | F_LIST},
	{"published_at", FT_DATETIME, "发布时间", F_READONLY | F_SORT | F_LIST},
	{"entry_count", FT_INT, "岗位数", F_READONLY | F_SORT | F_LIST},
};

static const struct field catalog_entry_fields[] = {
	{"catalog_id", FT_REF, "目录", F_READONLY | F_FILTER | F_LIST, .ref = "catalog"},
	{"cluster_id", FT_REF, "产业集群", F_READONLY | F_FILTER | F_LIST, .ref = "cluster"},
	{"chain_id", FT_REF, "产业链", F_READONLY | F_FILTER | F_LIST, .ref = "chain"},
	{"post_name", FT_TEXT, "岗位名称", F_READONLY | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"demand", FT_DECIMAL, "加权需求", F_READONLY | F_SORT | F_LIST},
	{"demand_count", FT_INT, "需求人数", F_READONLY | F_SORT | F_LIST},
	{"supply", FT_INT, "合格供给", F_READONLY | F_SORT | F_LIST},
	{"shortage_index", FT_DECIMAL, "紧缺指数", F_READONLY | F_FILTER | F_SORT | F_LIST},
	{"stars", FT_INT, "紧缺程度(星)", F_READONLY | F_FILTER | F_SORT | F_LIST},
	{"grade", FT_ENUM, "紧缺等级", F_READONLY | F_FILTER | F_LIST, .enum_values = catalog_grades},
	{"typical_education", FT_TEXT, "学历要求", F_READONLY | F_FILTER | F_LIST, .max_len = 20},
	{"typical_experience", FT_TEXT, "工作经验", F_READONLY | F_FILTER | F_LIST, .max_len = 20},
	{"typical_skills", FT_TAGS, "专业要求", F_READONLY | F_FILTER | F_LIST},
	{"salary_min", FT_DECIMAL, "起薪下限(万元/年)", F_READONLY | F_SORT | F_LIST},
	{"salary_max", FT_DECIMAL, "起薪上限(万元/年)", F_READONLY | F_SORT | F_LIST},
	{"sort_order", FT_INT, "排序", F_READONLY | F_SORT},
};

/* ---- project and project_member: 千名干部百项攻坚 (staffed by src/domain/staffing.c) ---- */

static const char *const project_statuses[] = {"筹备", "实施中", "已完成", NULL};

static const struct field project_fields[] = {
	{"name", FT_TEXT, "项目名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100},
	{"chain_id", FT_REF, "产业链", F_REQUIRED | F_FILTER | F_LIST, .ref = "chain"},
	{"lead_unit", FT_TEXT, "牵头单位", F_SEARCH | F_LIST, .max_len = 100},
	{"headcount", FT_INT, "干部名额", F_REQUIRED | F_SORT | F_LIST, .min = 1, .max = 1000},
	{"expertise", FT_TAGS, "所需专业特长", F_FILTER | F_LIST,
	 .help = "如 产业经济、科技创新、现代金融"},
	{"start_date", FT_DATE, "开始日期", F_SORT | F_LIST},
	{"end_date", FT_DATE, "结束日期", F_SORT},
	{"status", FT_ENUM, "状态", F_REQUIRED | F_FILTER | F_LIST, .enum_values = project_statuses},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"description", FT_TEXT, "项目简介", F_SEARCH, .max_len = 2000},
};

static const char *const member_roles[] = {"牵头", "成员", NULL};
static const char *const member_sources[] = {"手工", "方案", NULL};

static const struct field project_member_fields[] = {
	{"project_id", FT_REF, "攻坚项目", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "project"},
	{"cadre_id", FT_REF, "干部", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST, .ref = "cadre"},
	{"role", FT_ENUM, "角色", F_REQUIRED | F_FILTER | F_LIST, .enum_values = member_roles},
	{"joined", FT_DATE, "加入日期", F_SORT | F_LIST},
	{"source", FT_ENUM, "来源", F_FILTER | F_LIST, .enum_values = member_sources,
	 .help = "手工录入，或由配置方案写入"},
};

/* ---- staffing_plan: a saved 配备方案 (written by src/domain/staffing_plan.c) ---- */

static const char *const plan_statuses[] = {"草稿", "已应用", NULL};

static const struct field staffing_plan_fields[] = {
	{"name", FT_TEXT, "方案名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"note", FT_TEXT, "备注", F_SEARCH | F_LIST, .max_len = 500},
	{"status", FT_ENUM, "状态", F_READONLY | F_FILTER | F_LIST, .enum_values = plan_statuses,
	 .help = "保存时为草稿，应用后为已应用"},
	{"total", FT_INT, "总得分", F_READONLY | F_SORT | F_LIST},
	{"filled", FT_INT, "已配名额", F_READONLY | F_SORT | F_LIST},
	{"unfilled", FT_INT, "空缺名额", F_READONLY | F_SORT | F_LIST},
	{"request", FT_TEXT, "求解条件", F_READONLY, .max_len = 100000,
	 .help = "项目、锁定与排除（JSON）"},
	{"result", FT_TEXT, "求解结果", F_READONLY, .max_len = 1000000,
	 .help = "服务器求解得到的方案（JSON）"},
	{"created_by", FT_TEXT, "创建人", F_READONLY | F_FILTER | F_LIST, .max_len = 50},
	{"region_id", FT_REF, "所属区划", F_READONLY | F_FILTER, .ref = "region",
	 .help = "保存方案的用户所属区划，决定数据范围"},
	{"applied_at", FT_DATETIME, "应用时间", F_READONLY | F_SORT | F_LIST},
	{"applied_by", FT_TEXT, "应用人", F_READONLY, .max_len = 50},
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

/* ---- 百项攻坚 milestones, and vacant posts for the post recommendation ---- */

static const struct field project_milestone_fields[] = {
	{"project_id", FT_REF, "攻坚项目", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "project"},
	{"name", FT_TEXT, "节点名称", F_REQUIRED | F_NATKEY | F_SEARCH | F_LIST, .max_len = 100},
	{"due_date", FT_DATE, "计划完成", F_REQUIRED | F_SORT | F_LIST},
	{"done_date", FT_DATE, "实际完成", F_SORT | F_LIST, .help = "空表示尚未完成"},
	{"note", FT_TEXT, "进展说明", F_SEARCH | F_LIST, .max_len = 500},
};

static const char *const post_statuses[] = {"空缺", "已配备", NULL};

static const struct field post_fields[] = {
	{"name", FT_TEXT, "岗位名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100},
	{"unit", FT_TEXT, "单位", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 100},
	{"level", FT_ENUM, "层级", F_REQUIRED | F_FILTER | F_LIST, .enum_values = cadre_levels},
	{"min_rank", FT_ENUM, "最低职级", F_FILTER | F_LIST, .enum_values = cadre_ranks,
	 .help = "空表示不限"},
	{"expertise", FT_TAGS, "所需专业特长", F_FILTER | F_LIST,
	 .help = "如 产业经济、科技创新、现代金融"},
	{"chain_id", FT_REF, "联系产业链", F_FILTER, .ref = "chain"},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"status", FT_ENUM, "状态", F_REQUIRED | F_FILTER | F_LIST, .enum_values = post_statuses},
	{"description", FT_TEXT, "岗位职责", F_SEARCH, .max_len = 2000},
};

/* ---- 一建设、五争当: award kinds and nominations through an approval flow ---- */

static const char *const award_targets[] = {"班子", "个人", NULL};

static const struct field award_kind_fields[] = {
	{"name", FT_TEXT, "评选类别", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 50},
	{"target", FT_ENUM, "评选对象", F_REQUIRED | F_FILTER | F_LIST, .enum_values = award_targets},
	{"description", FT_TEXT, "评选标准", F_SEARCH | F_LIST, .max_len = 500},
	{"active", FT_BOOL, "启用", F_FILTER | F_LIST},
};

static const char *const award_states[] = {"草稿",   "待审核", "待审批",
                                           "已批准", "退回修改", "未通过", NULL};

static const struct field award_fields[] = {
	{"kind_id", FT_REF, "评选类别", F_REQUIRED | F_FILTER | F_LIST, .ref = "award_kind"},
	{"year", FT_INT, "年度", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .min = 2000, .max = 2100},
	{"team_name", FT_TEXT, "班子名称", F_SEARCH | F_LIST, .max_len = 100,
	 .help = "评选对象为班子时填写，如 江阴市工业和信息化局领导班子"},
	{"cadre_id", FT_REF, "推荐干部", F_FILTER | F_LIST, .ref = "cadre",
	 .help = "评选对象为个人时填写"},
	{"unit", FT_TEXT, "推荐单位", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 100},
	{"region_id", FT_REF, "所属区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"deeds", FT_TEXT, "主要事迹", F_REQUIRED | F_SEARCH, .max_len = 3000},
	{"status", FT_ENUM, "办理状态", F_READONLY | F_FILTER | F_SORT | F_LIST,
	 .enum_values = award_states, .help = "由办理流程改变：提交、审核、批准、退回修改"},
};

/* Nominated by a unit, checked by one reviewer and approved by another; a
 * return or a rejection gives the reason. */
static const struct wf_step award_steps[] = {
	{"submit", "提交", "草稿", "待审核", "admin,operator", 0},
	{"submit", "重新提交", "退回修改", "待审核", "admin,operator", 0},
	{"review", "审核通过", "待审核", "待审批", "admin", WF_OTHER_USER},
	{"return", "退回修改", "待审核", "退回修改", "admin", WF_COMMENT},
	{"return", "退回修改", "待审批", "退回修改", "admin", WF_COMMENT},
	{"approve", "批准", "待审批", "已批准", "admin", WF_OTHER_USER},
	{"reject", "不予通过", "待审核", "未通过", "admin", WF_COMMENT},
	{"reject", "不予通过", "待审批", "未通过", "admin", WF_COMMENT},
};

static const struct workflow award_flow = {"status", award_steps, COUNT(award_steps),
                                           (const char *const[]){"草稿", "退回修改", NULL}};

/* ---- cadre training: classes and enrolments (src/domain/training.c) ---- */

static const char *const class_kinds[] = {"新质生产力专题班", "主体班", "调训", "网络培训", "其他",
                                          NULL};

static const struct field training_class_fields[] = {
	{"name", FT_TEXT, "班次名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100, .help = "如 2026年全市新质生产力专题研讨班（第一期）"},
	{"kind", FT_ENUM, "班次类型", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = class_kinds},
	{"level", FT_ENUM, "办班层级", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = cadre_levels},
	{"start_date", FT_DATE, "开班日期", F_REQUIRED | F_SORT | F_LIST,
	 .help = "学时计入开班日期所在年度"},
	{"end_date", FT_DATE, "结业日期", F_SORT | F_LIST},
	{"hours", FT_DECIMAL, "学时", F_REQUIRED | F_SORT | F_LIST, .min = 0.1, .max = 2000,
	 .help = "精确到0.1学时"},
	{"organizer", FT_TEXT, "主办单位", F_SEARCH | F_LIST, .max_len = 100},
	{"capacity", FT_INT, "计划人数", F_SORT | F_LIST, .min = 1, .max = 100000,
	 .help = "不填表示不限人数"},
	{"region_id", FT_REF, "所属区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"description", FT_TEXT, "培训内容", F_SEARCH, .max_len = 2000},
};

static const char *const attendances[] = {"全勤", "部分出勤", "请假", "缺勤", NULL};
static const char *const training_results[] = {"合格", "不合格", "待评定", NULL};

static const struct field enrollment_fields[] = {
	{"class_id", FT_REF, "培训班次", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "training_class"},
	{"cadre_id", FT_REF, "干部", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST, .ref = "cadre",
	 .help = "导入时可填身份证号，或“姓名（工作单位）”"},
	{"hours", FT_DECIMAL, "认定学时", F_SORT | F_LIST, .min = 0, .max = 2000,
	 .help = "精确到0.1学时，不超过班次学时；全勤且不填时按班次学时认定，缺勤为0"},
	{"attendance", FT_ENUM, "出勤情况", F_FILTER | F_LIST, .enum_values = attendances},
	{"result", FT_ENUM, "结业情况", F_FILTER | F_LIST, .enum_values = training_results},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 500},
};

/* ---- 琢璞 secondments (src/domain/tempering.c) ---- */

static const char *const tempering_destinations[] = {"顶尖高校", "创新平台", "国家部委", "战略高地",
                                                     "先进地区", "基层一线", NULL};
static const char *const tempering_kinds[] = {"专业训练", "学习锻炼", "挂职", NULL};
static const char *const tempering_grades[] = {"优秀", "良好", "合格", "不合格", "未评定", NULL};

static const struct field tempering_fields[] = {
	{"cadre_id", FT_REF, "干部", F_REQUIRED | F_FILTER | F_LIST, .ref = "cadre"},
	{"destination_kind", FT_ENUM, "去向类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = tempering_destinations},
	{"destination", FT_TEXT, "去向单位", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 100,
	 .help = "如 清华大学、国家集成电路创新中心、深圳市南山区"},
	{"kind", FT_ENUM, "历练方式", F_REQUIRED | F_FILTER | F_LIST, .enum_values = tempering_kinds},
	{"start_date", FT_DATE, "开始日期", F_REQUIRED | F_SORT | F_LIST},
	{"end_date", FT_DATE, "结束日期", F_SORT | F_LIST},
	{"assessment", FT_ENUM, "考核评价", F_FILTER | F_LIST, .enum_values = tempering_grades},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 500},
};

/* ---- 季季评: quarterly evaluations (computed and published by src/domain/evaluation.c) ---- */

static const char *const eval_targets[] = {"干部", "班子", NULL};

static const struct field eval_scheme_fields[] = {
	{"name", FT_TEXT, "方案名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100},
	{"year", FT_INT, "年度", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .min = 2000, .max = 2100},
	{"target", FT_ENUM, "评价对象", F_REQUIRED | F_FILTER | F_LIST, .enum_values = eval_targets},
	{"grades", FT_TEXT, "等次与比例", F_REQUIRED | F_LIST, .max_len = 300,
	 .help = "由高到低，名称:比例(%)，如 好:30,较好:40,一般:30,较差。按组内排名依次评定，"
	         "好的人数不超过⌊组内人数×30%⌋（至少1人），并列者不拆分"},
	{"fail_below", FT_DECIMAL, "较差分数线", F_LIST, .min = 0, .max = 100,
	 .help = "总分低于此线者评为最后一个等次；不填表示不设"},
	{"active", FT_BOOL, "启用", F_FILTER | F_LIST, .help = "启用时各维度权重之和须为100"},
	{"description", FT_TEXT, "说明", F_SEARCH, .max_len = 1000},
};

static const struct field eval_dimension_fields[] = {
	{"scheme_id", FT_REF, "评价方案", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "eval_scheme"},
	{"name", FT_TEXT, "维度", F_REQUIRED | F_NATKEY | F_SEARCH | F_LIST, .max_len = 50,
	 .help = "如 担使命、作贡献、攻坚成效、群众评价"},
	{"weight", FT_DECIMAL, "权重(%)", F_REQUIRED | F_SORT | F_LIST, .min = 0, .max = 100},
	{"sort_order", FT_INT, "排序", F_SORT | F_LIST, .min = 0, .max = 1000},
	{"from_projects", FT_BOOL, "由攻坚项目生成", F_LIST,
	 .help = "可由本季度已完成的百项攻坚项目自动生成分数"},
	{"description", FT_TEXT, "评分要点", F_SEARCH, .max_len = 1000},
};

static const char *const eval_round_states[] = {"草稿", "评分中", "已发布", NULL};

static const struct field eval_round_fields[] = {
	{"title", FT_TEXT, "轮次名称", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100,
	 .help = "如 2026年第三季度季季评"},
	{"scheme_id", FT_REF, "评价方案", F_REQUIRED | F_FILTER | F_LIST, .ref = "eval_scheme"},
	{"year", FT_INT, "年度", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .min = 2000, .max = 2100},
	{"quarter", FT_INT, "季度", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .min = 1, .max = 4},
	{"status", FT_ENUM, "状态", F_READONLY | F_FILTER | F_LIST, .enum_values = eval_round_states,
	 .help = "开始评分后录入分数；发布后结果不再改变"},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 500},
};

static const struct wf_step eval_round_steps[] = {
	{"start", "开始评分", "草稿", "评分中", "admin,operator", 0},
	{"reopen", "退回草稿", "评分中", "草稿", "admin", WF_COMMENT},
};

static const struct workflow eval_round_flow = {
	"status", eval_round_steps, COUNT(eval_round_steps),
	(const char *const[]){"草稿", "评分中", NULL}};

static const struct field eval_subject_fields[] = {
	{"round_id", FT_REF, "评价轮次", F_REQUIRED | F_FILTER | F_LIST, .ref = "eval_round"},
	{"name", FT_TEXT, "评价对象", F_REQUIRED | F_SEARCH | F_SORT | F_LIST, .max_len = 100,
	 .help = "干部姓名，或班子名称"},
	{"cadre_id", FT_REF, "干部", F_FILTER | F_LIST, .ref = "cadre", .help = "评价干部时填写"},
	{"unit", FT_TEXT, "单位", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 100},
	{"peer_group", FT_TEXT, "比较组", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .max_len = 50,
	 .help = "同组内排名与定等，如 市直部门、区县、乡镇"},
	{"region_id", FT_REF, "所属区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
};

static const struct field eval_score_fields[] = {
	{"round_id", FT_REF, "评价轮次", F_REQUIRED | F_FILTER | F_LIST, .ref = "eval_round"},
	{"subject_id", FT_REF, "评价对象", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "eval_subject"},
	{"evaluator", FT_TEXT, "评价人", F_REQUIRED | F_NATKEY | F_SEARCH | F_FILTER | F_LIST,
	 .max_len = 50},
	{"dimension_id", FT_REF, "维度", F_REQUIRED | F_NATKEY | F_FILTER | F_LIST,
	 .ref = "eval_dimension"},
	{"score", FT_DECIMAL, "分数", F_REQUIRED | F_SORT | F_LIST, .min = 0, .max = 100},
};

/* ---- the organization network along the chains (src/domain/org.c) ---- */

static const char *const org_kinds[] = {"产业链党委", "党委", "党总支", "党支部", "党建联盟",
                                        "功能型党组织", NULL};

static const struct field org_fields[] = {
	{"name", FT_TEXT, "党组织名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100},
	{"kind", FT_ENUM, "组织类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .enum_values = org_kinds},
	{"parent_id", FT_REF, "上级党组织", F_FILTER | F_LIST, .ref = "org",
	 .help = "属地隶属关系中的上级组织"},
	{"chain_id", FT_REF, "所在产业链", F_FILTER | F_LIST, .ref = "chain"},
	{"chain_org_id", FT_REF, "链上归属组织", F_FILTER, .ref = "org",
	 .help = "沿产业链的归属：产业链党委或党建联盟"},
	{"region_id", FT_REF, "所在区划", F_REQUIRED | F_FILTER | F_LIST, .ref = "region"},
	{"secretary", FT_TEXT, "书记", F_SEARCH | F_LIST, .max_len = 50},
	{"member_count", FT_INT, "党员数", F_SORT | F_LIST, .min = 0, .max = 1000000},
	{"established", FT_DATE, "成立日期", F_SORT},
	{"temporary", FT_BOOL, "临时组织", F_FILTER, .help = "功能型党组织可为临时组织，须填写撤销日期"},
	{"project_id", FT_REF, "依托攻坚项目", F_FILTER, .ref = "project"},
	{"end_date", FT_DATE, "撤销日期", F_SORT},
	{"description", FT_TEXT, "简介", F_SEARCH, .max_len = 2000},
};

static const char *const org_member_kinds[] = {"企业", "高校院所", "园区", "党组织", NULL};
static const char *const org_member_roles[] = {"牵头单位", "理事单位", "成员单位", "共建单位",
                                               NULL};

static const struct field org_link_fields[] = {
	{"org_id", FT_REF, "党组织", F_REQUIRED | F_FILTER | F_LIST, .ref = "org"},
	{"member_kind", FT_ENUM, "成员类别", F_REQUIRED | F_FILTER | F_LIST,
	 .enum_values = org_member_kinds},
	{"enterprise_id", FT_REF, "成员企业", F_FILTER | F_LIST, .ref = "enterprise"},
	{"institution_id", FT_REF, "成员高校院所", F_FILTER | F_LIST, .ref = "institution"},
	{"park_id", FT_REF, "成员园区", F_FILTER | F_LIST, .ref = "park"},
	{"member_org_id", FT_REF, "成员党组织", F_FILTER | F_LIST, .ref = "org"},
	{"role", FT_ENUM, "角色", F_REQUIRED | F_FILTER | F_LIST, .enum_values = org_member_roles},
	{"start_date", FT_DATE, "加入日期", F_SORT | F_LIST},
	{"end_date", FT_DATE, "退出日期", F_SORT},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 500},
};

static const char *const duty_kinds[] = {"党员蹲链指导", "干部挂链服务", "人才赴链攻关", NULL};

static const struct field chain_duty_fields[] = {
	{"kind", FT_ENUM, "类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .enum_values = duty_kinds},
	{"person_id", FT_REF, "人员", F_REQUIRED | F_FILTER | F_LIST, .ref = "person"},
	{"chain_id", FT_REF, "产业链", F_REQUIRED | F_FILTER | F_LIST, .ref = "chain"},
	{"enterprise_id", FT_REF, "服务企业", F_FILTER | F_LIST, .ref = "enterprise"},
	{"org_id", FT_REF, "派出党组织", F_FILTER, .ref = "org"},
	{"start_date", FT_DATE, "开始日期", F_REQUIRED | F_SORT | F_LIST},
	{"end_date", FT_DATE, "结束日期", F_SORT | F_LIST, .help = "空表示仍在岗"},
	{"tasks", FT_TEXT, "任务", F_SEARCH | F_LIST, .max_len = 2000},
	{"outcomes", FT_TEXT, "成效", F_SEARCH, .max_len = 2000},
};

static const char *const session_kinds[] = {"第一议题", "专题党课", "主题党日", "其他", NULL};

static const struct field study_session_fields[] = {
	{"org_id", FT_REF, "党组织", F_REQUIRED | F_FILTER | F_LIST, .ref = "org"},
	{"session_date", FT_DATE, "日期", F_REQUIRED | F_SORT | F_LIST},
	{"kind", FT_ENUM, "类别", F_REQUIRED | F_FILTER | F_LIST, .enum_values = session_kinds},
	{"topic", FT_TEXT, "主题", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 200},
	{"speaker", FT_TEXT, "主讲人", F_SEARCH | F_LIST, .max_len = 50},
	{"expected", FT_INT, "应到人数", F_LIST, .min = 0, .max = 100000},
	{"attendance", FT_INT, "实到人数", F_SORT | F_LIST, .min = 0, .max = 100000},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 1000},
};

/* ---- 进园助企大走访: visits and the problem ledger (src/domain/problem.c) ---- */

static const struct field visit_fields[] = {
	{"visit_date", FT_DATE, "走访日期", F_REQUIRED | F_SORT | F_FILTER | F_LIST},
	{"enterprise_id", FT_REF, "走访企业", F_REQUIRED | F_FILTER | F_LIST, .ref = "enterprise"},
	{"visitors", FT_TEXT, "其他走访人员", F_SEARCH, .max_len = 200},
	{"summary", FT_TEXT, "走访情况", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 3000},
};

static const struct link visit_links[] = {
	{"cadre_ids", "走访干部", "visit_cadre", "visit_id", "cadre_id", "cadre"},
};

static const char *const problem_categories[] = {"融资", "用工", "用地", "审批", "技术", "人才",
                                                 "市场", "其他", NULL};
static const char *const problem_states[] = {"待受理", "办理中", "已办结", "已回访", "已退回",
                                             NULL};
static const char *const satisfactions[] = {"满意", "基本满意", "不满意", NULL};

static const struct field problem_fields[] = {
	{"enterprise_id", FT_REF, "企业", F_REQUIRED | F_FILTER | F_LIST, .ref = "enterprise"},
	{"visit_id", FT_REF, "来源走访", F_FILTER, .ref = "visit"},
	{"chain_id", FT_REF, "产业链", F_FILTER | F_LIST, .ref = "chain",
	 .help = "空时取企业所在产业链"},
	{"category", FT_ENUM, "问题类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = problem_categories},
	{"description", FT_TEXT, "堵点卡点", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 2000},
	{"countermeasure", FT_TEXT, "解决措施", F_SEARCH, .max_len = 2000},
	{"resp_unit", FT_TEXT, "责任单位", F_REQUIRED | F_SEARCH | F_FILTER | F_LIST, .max_len = 100},
	{"owner_cadre_id", FT_REF, "责任人", F_FILTER | F_LIST, .ref = "cadre"},
	{"found_date", FT_DATE, "发现日期", F_REQUIRED | F_SORT | F_LIST},
	{"deadline", FT_DATE, "办结时限", F_REQUIRED | F_SORT | F_LIST},
	{"status", FT_ENUM, "办理状态", F_READONLY | F_FILTER | F_SORT | F_LIST,
	 .enum_values = problem_states, .help = "由办理流程改变：受理、办结、回访、退回"},
	{"accepted_date", FT_DATE, "受理日期", F_READONLY | F_SORT},
	{"closed_date", FT_DATE, "办结日期", F_READONLY | F_SORT | F_LIST},
	{"result", FT_TEXT, "办理结果", F_READONLY | F_SEARCH, .max_len = 2000},
	{"satisfaction", FT_ENUM, "企业满意度", F_READONLY | F_FILTER | F_LIST,
	 .enum_values = satisfactions, .help = "回访时记录"},
};

/* Accepted by the department, handled by the responsible unit, visited
 * again by someone other than the handler, who records the enterprise's
 * satisfaction; an unsatisfied enterprise sends it back to handling. */
static const struct wf_step problem_steps[] = {
	{"accept", "受理", "待受理", "办理中", "admin", 0, .stamp = "accepted_date"},
	{"return", "退回", "待受理", "已退回", "admin", WF_COMMENT},
	{"resubmit", "重新提交", "已退回", "待受理", "admin,operator", 0},
	{"close", "办结", "办理中", "已办结", "admin,operator", WF_COMMENT, .stamp = "closed_date",
	 .comment_to = "result"},
	{"revisit", "回访", "已办结", "已回访", "admin", WF_OTHER_USER, .input = "satisfaction"},
	{"reopen", "重新办理", "已办结", "办理中", "admin", WF_COMMENT, .clear = "closed_date"},
};

static const struct workflow problem_flow = {
	"status", problem_steps, COUNT(problem_steps),
	(const char *const[]){"待受理", "已退回", "办理中", NULL}};

/* ---- 531 recruitment: source points, events (src/domain/recruit.c) ---- */

static const char *const point_kinds[] = {"海外区域", "国内城市", "高校", NULL};

static const struct field source_point_fields[] = {
	{"name", FT_TEXT, "引才点名称", F_REQUIRED | F_UNIQUE | F_NATKEY | F_SEARCH | F_SORT | F_LIST,
	 .max_len = 100},
	{"kind", FT_ENUM, "类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST, .enum_values = point_kinds},
	{"country", FT_TEXT, "国家或地区", F_SEARCH | F_FILTER | F_LIST, .max_len = 50},
	{"city", FT_TEXT, "城市", F_SEARCH | F_LIST, .max_len = 50},
	{"city_code", FT_TEXT, "城市代码", 0, .max_len = 12,
	 .help = "国内城市填 GB/T 2260 行政区划代码"},
	{"lng", FT_DECIMAL, "经度", 0, .min = -180, .max = 180},
	{"lat", FT_DECIMAL, "纬度", 0, .min = -90, .max = 90},
	{"contact", FT_TEXT, "联络人", F_SEARCH, .max_len = 100},
	{"established", FT_DATE, "设立日期", F_SORT},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 1000},
};

static const struct link source_point_links[] = {
	{"cluster_ids", "服务产业集群", "source_point_cluster", "point_id", "cluster_id", "cluster"},
};

static const char *const recruit_kinds[] = {"招聘会", "项目路演", "校园招聘", "人才洽谈会",
                                            "创新创业大赛", "其他", NULL};

static const struct field recruit_event_fields[] = {
	{"point_id", FT_REF, "引才点", F_REQUIRED | F_FILTER | F_LIST, .ref = "source_point"},
	{"event_date", FT_DATE, "活动日期", F_REQUIRED | F_SORT | F_FILTER | F_LIST},
	{"kind", FT_ENUM, "活动类型", F_REQUIRED | F_FILTER | F_LIST, .enum_values = recruit_kinds},
	{"title", FT_TEXT, "活动名称", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 200},
	{"participants", FT_INT, "参加人数", F_SORT | F_LIST, .min = 0, .max = 1000000},
	{"talents_signed", FT_INT, "签约人才", F_SORT | F_LIST, .min = 0, .max = 100000},
	{"projects_signed", FT_INT, "签约项目", F_SORT | F_LIST, .min = 0, .max = 100000},
	{"note", FT_TEXT, "备注", F_SEARCH, .max_len = 1000},
};

/* ---- talent services (src/domain/service.c) ---- */

static const char *const service_kinds[] = {"安居", "人才金融", "子女入学", "医疗", "出入境便利",
                                            "其他", NULL};
static const char *const service_states[] = {"待受理", "办理中", "已办结", "已退回", NULL};

static const struct field service_request_fields[] = {
	{"talent_id", FT_REF, "人才", F_REQUIRED | F_FILTER | F_LIST, .ref = "talent"},
	{"kind", FT_ENUM, "服务类别", F_REQUIRED | F_FILTER | F_SORT | F_LIST,
	 .enum_values = service_kinds},
	{"detail", FT_TEXT, "诉求内容", F_REQUIRED | F_SEARCH | F_LIST, .max_len = 2000},
	{"amount", FT_DECIMAL, "金额(万元)", F_SORT, .min = 0, .max = 1e6,
	 .help = "人才金融：贷款或担保金额"},
	{"submitted_date", FT_DATE, "提出日期", F_REQUIRED | F_SORT | F_LIST},
	{"promised_date", FT_DATE, "承诺办结日期", F_SORT | F_LIST,
	 .help = "空时按服务类别的承诺时限计算"},
	{"handler_unit", FT_TEXT, "承办单位", F_SEARCH | F_FILTER | F_LIST, .max_len = 100},
	{"status", FT_ENUM, "办理状态", F_READONLY | F_FILTER | F_SORT | F_LIST,
	 .enum_values = service_states},
	{"accepted_date", FT_DATE, "受理日期", F_READONLY | F_SORT},
	{"closed_date", FT_DATE, "办结日期", F_READONLY | F_SORT | F_LIST},
	{"result", FT_TEXT, "办理结果", F_READONLY | F_SEARCH, .max_len = 2000},
	{"satisfaction", FT_ENUM, "满意度", F_READONLY | F_FILTER, .enum_values = satisfactions},
};

static const struct wf_step service_steps[] = {
	{"accept", "受理", "待受理", "办理中", "admin,operator", 0, .stamp = "accepted_date"},
	{"return", "退回", "待受理", "已退回", "admin,operator", WF_COMMENT},
	{"resubmit", "重新提交", "已退回", "待受理", "admin,operator", 0},
	{"close", "办结", "办理中", "已办结", "admin,operator", WF_COMMENT, .stamp = "closed_date",
	 .comment_to = "result"},
};

static const struct workflow service_flow = {
	"status", service_steps, COUNT(service_steps),
	(const char *const[]){"待受理", "已退回", "办理中", NULL}};

const struct entity model_entities[] = {
	{"region", "region", "行政区划", "系统", region_fields, COUNT(region_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "code", "", PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL,
	 .changed = match_entity_changed},
	{"cluster", "cluster", "产业集群", "产业链", cluster_fields, COUNT(cluster_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "sort_order", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL},
	{"cluster_stat", "cluster_stat", "集群年度数据", "产业链", cluster_stat_fields,
	 COUNT(cluster_stat_fields), NULL, 0, 0, "year", "-year", NULL, PERM_DATA_READ,
	 PERM_STRUCTURE_WRITE, NULL},
	{"chain", "chain", "产业链", "产业链", chain_fields, COUNT(chain_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "id", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL},
	{"segment", "segment", "产业链环节", "产业链", segment_fields, COUNT(segment_fields), NULL,
	 0, E_SOFT_DELETE, "name", "sort_order", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE,
	 structure_segment_validate,
	 .changed = match_entity_changed},
	{"park", "park", "园区", "产业链", park_fields, COUNT(park_fields), NULL, 0, E_SOFT_DELETE,
	 "name", "id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"enterprise", "enterprise", "企业", "产业链", enterprise_fields, COUNT(enterprise_fields),
	 enterprise_links, COUNT(enterprise_links), E_SOFT_DELETE, "name", "-id", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, structure_enterprise_validate,
	 .changed = match_entity_changed},
	{"institution", "institution", "高校院所与平台", "产业链", institution_fields,
	 COUNT(institution_fields), NULL, 0, E_SOFT_DELETE, "name", "id", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"person", "person", "人员", "干部", person_fields, COUNT(person_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "-id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE,
	 people_person_validate,
	 .changed = match_entity_changed},
	{"cadre", "cadre", "干部", "干部", cadre_fields, COUNT(cadre_fields), NULL, 0, E_SOFT_DELETE,
	 "post", "-id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL, .embed = "person_id"},
	{"career", "career", "任职经历", "干部", career_fields, COUNT(career_fields), NULL, 0, 0,
	 "unit_post", "start_date", "person_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE,
	 people_career_validate},
	{"talent", "talent", "人才", "人才", talent_fields, COUNT(talent_fields), NULL, 0,
	 E_SOFT_DELETE, "field", "-id", "person_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE,
	 NULL, .embed = "person_id",
	 .changed = match_entity_changed},
	{"party_member", "party_member", "党员", "组织", party_member_fields,
	 COUNT(party_member_fields), NULL, 0, E_SOFT_DELETE, "org_name", "-id",
	 "person_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL, .embed = "person_id"},
	{"skill", "skill", "技能分类", "人才", skill_fields, COUNT(skill_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "id", NULL, PERM_DATA_READ, PERM_STRUCTURE_WRITE, NULL,
	 .changed = match_entity_changed},
	{"need", "need", "人才需求", "人才", need_fields, COUNT(need_fields), NULL, 0,
	 E_SOFT_DELETE, "post_name", "-id", "enterprise_id.region_id", PERM_DATA_READ,
	 PERM_DATA_WRITE, people_need_validate,
	 .changed = match_entity_changed},
	{"catalog", "catalog", "紧缺人才目录", "人才", catalog_fields, COUNT(catalog_fields), NULL, 0,
	 E_READONLY, "title", "-id", NULL, PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"catalog_entry", "catalog_entry", "紧缺人才目录条目", "人才", catalog_entry_fields,
	 COUNT(catalog_entry_fields), NULL, 0, E_READONLY, "post_name", "sort_order", NULL,
	 PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"project", "project", "攻坚项目", "干部", project_fields, COUNT(project_fields), NULL, 0,
	 E_SOFT_DELETE, "name", "-id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"project_member", "project_member", "项目干部", "干部", project_member_fields,
	 COUNT(project_member_fields), NULL, 0, 0, "role", "-id", "project_id.region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"staffing_plan", "staffing_plan", "配备方案", "干部", staffing_plan_fields,
	 COUNT(staffing_plan_fields), NULL, 0, E_SOFT_DELETE, "name", "-id", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, staffing_plan_validate},
	{"project_milestone", "project_milestone", "攻坚节点", "干部", project_milestone_fields,
	 COUNT(project_milestone_fields), NULL, 0, E_SOFT_DELETE, "name", "due_date",
	 "project_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"post", "post", "岗位", "干部", post_fields, COUNT(post_fields), NULL, 0, E_SOFT_DELETE,
	 "name", "-id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"award_kind", "award_kind", "评选类别", "干部", award_kind_fields,
	 COUNT(award_kind_fields), NULL, 0, E_SOFT_DELETE, "name", "id", NULL, PERM_DATA_READ,
	 PERM_STRUCTURE_WRITE, NULL},
	{"award", "award", "评选推荐", "干部", award_fields, COUNT(award_fields), NULL, 0,
	 E_SOFT_DELETE, "unit", "-id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE,
	 people_award_validate, .workflow = &award_flow},
	{"training_class", "training_class", "培训班次", "干部", training_class_fields,
	 COUNT(training_class_fields), NULL, 0, E_SOFT_DELETE, "name", "-start_date", "region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, training_class_validate},
	{"enrollment", "enrollment", "培训学员", "干部", enrollment_fields, COUNT(enrollment_fields),
	 NULL, 0, 0, "result", "-id", "cadre_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE,
	 training_enrollment_validate},
	{"tempering", "tempering", "琢璞历练", "干部", tempering_fields, COUNT(tempering_fields), NULL,
	 0, E_SOFT_DELETE, "destination", "-start_date", "cadre_id.region_id", PERM_DATA_READ,
	 PERM_DATA_WRITE, tempering_validate},
	{"eval_scheme", "eval_scheme", "季季评方案", "干部", eval_scheme_fields,
	 COUNT(eval_scheme_fields), NULL, 0, E_SOFT_DELETE, "name", "-year", NULL, PERM_DATA_READ,
	 PERM_DATA_WRITE, evaluation_scheme_validate, .frozen = evaluation_frozen},
	{"eval_dimension", "eval_dimension", "季季评维度", "干部", eval_dimension_fields,
	 COUNT(eval_dimension_fields), NULL, 0, 0, "name", "sort_order", NULL, PERM_DATA_READ,
	 PERM_DATA_WRITE, evaluation_dimension_validate, .frozen = evaluation_frozen},
	{"eval_round", "eval_round", "季季评轮次", "干部", eval_round_fields,
	 COUNT(eval_round_fields), NULL, 0, E_SOFT_DELETE, "title", "-id", NULL, PERM_DATA_READ,
	 PERM_DATA_WRITE, evaluation_round_validate, .workflow = &eval_round_flow},
	{"eval_subject", "eval_subject", "季季评对象", "干部", eval_subject_fields,
	 COUNT(eval_subject_fields), NULL, 0, 0, "name", "id", "region_id", PERM_DATA_READ,
	 PERM_DATA_WRITE, evaluation_subject_validate, .frozen = evaluation_frozen},
	{"eval_score", "eval_score", "季季评分数", "干部", eval_score_fields,
	 COUNT(eval_score_fields), NULL, 0, 0, "evaluator", "id", "subject_id.region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, evaluation_score_validate, .frozen = evaluation_frozen},
	{"org", "org", "党组织", "组织", org_fields, COUNT(org_fields), NULL, 0, E_SOFT_DELETE,
	 "name", "id", "region_id", PERM_DATA_READ, PERM_DATA_WRITE, org_validate},
	{"org_link", "org_link", "组织成员单位", "组织", org_link_fields, COUNT(org_link_fields), NULL,
	 0, 0, "role", "-id", "org_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, org_link_validate},
	{"chain_duty", "chain_duty", "蹲链挂链赴链", "组织", chain_duty_fields,
	 COUNT(chain_duty_fields), NULL, 0, E_SOFT_DELETE, "kind", "-start_date",
	 "person_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, chain_duty_validate},
	{"study_session", "study_session", "学习教育", "组织", study_session_fields,
	 COUNT(study_session_fields), NULL, 0, E_SOFT_DELETE, "topic", "-session_date",
	 "org_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, study_session_validate},
	{"visit", "visit", "走访记录", "台账", visit_fields, COUNT(visit_fields), visit_links,
	 COUNT(visit_links), E_SOFT_DELETE, "summary", "-visit_date", "enterprise_id.region_id",
	 PERM_DATA_READ, PERM_DATA_WRITE, NULL},
	{"problem", "problem", "问题台账", "台账", problem_fields, COUNT(problem_fields), NULL, 0,
	 E_SOFT_DELETE, "description", "deadline", "enterprise_id.region_id", PERM_DATA_READ,
	 PERM_DATA_WRITE, problem_validate, .workflow = &problem_flow},
	{"source_point", "source_point", "引才点", "人才", source_point_fields,
	 COUNT(source_point_fields), source_point_links, COUNT(source_point_links), E_SOFT_DELETE,
	 "name", "id", NULL, PERM_DATA_READ, PERM_DATA_WRITE, recruit_point_validate},
	{"recruit_event", "recruit_event", "招才引智活动", "人才", recruit_event_fields,
	 COUNT(recruit_event_fields), NULL, 0, E_SOFT_DELETE, "title", "-event_date", NULL,
	 PERM_DATA_READ, PERM_DATA_WRITE, recruit_event_validate},
	{"service_request", "service_request", "人才服务", "人才", service_request_fields,
	 COUNT(service_request_fields), NULL, 0, E_SOFT_DELETE, "detail", "-submitted_date",
	 "talent_id.person_id.region_id", PERM_DATA_READ, PERM_DATA_WRITE, service_request_validate,
	 .workflow = &service_flow},
	{"audit_log", "audit_log", "审计日志", "系统", audit_fields, COUNT(audit_fields), NULL, 0,
	 E_READONLY | E_NO_TIMESTAMPS, "action", "-id", NULL, PERM_AUDIT_READ, PERM_NONE, NULL},
};

const size_t model_entity_count = COUNT(model_entities);
