/*
 * Demo 进园助企大走访 and talent services: visits by district cadres to the
 * seeded enterprises through 2026, the problems (堵点卡点) they found with
 * the unit and cadre responsible, and talents' service requests. Rows are
 * created through the engine (so the validation hooks hold: the chain of
 * the enterprise, the promised date of the kind); the state each has
 * reached by the demo's today is then written with the dates the steps set
 * (受理日期, 办结日期, 办理结果, 满意度) and one workflow_step row per step,
 * in order, so the history, the dates and the state agree. Deterministic for
 * a seed; runs inside demo_seed()'s transaction.
 */
#include "domain/demo.h"
#include "domain/problem.h"
#include "domain/service.h"
#include "core/mem.h"
#include "engine/engine.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TODAY "2026-11-26" /* the demo's today, as in demo_people.c */

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static int roll(uint64_t *s, int n)
{
	return n > 0 ? (int)(next(s) % (uint64_t)n) : 0;
}

static void add_days(const char *date, int days, char out[11])
{
	struct tm tm = {0};
	sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900, tm.tm_mon--;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *min_date(const char *a, const char *b)
{
	return strcmp(a, b) < 0 ? a : b;
}

/* ---- what the demo knows ---- */

struct dent {
	int64_t id, chain;
	char district[8];
};

struct dperson {
	int64_t id;
	char district[8];
};

struct world {
	struct dent *ents;
	size_t nents;
	struct dperson *cadres, *talents;
	size_t ncadres, ntalents;
};

static enum xz_result load_people(struct store *db, const char *sql, struct dperson **out,
                                  size_t *n)
{
	struct store_stmt *st = NULL;
	size_t cap = 0;
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	while (store_step(st) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct dperson *p = &(*out)[(*n)++];
		p->id = store_column_int(st, 0);
		snprintf(p->district, sizeof(p->district), "%.6s",
		         store_column_text(st, 1) ? store_column_text(st, 1) : "");
	}
	store_finalize(st);
	return XZ_OK;
}

static enum xz_result load_world(struct store *db, struct world *w)
{
	struct store_stmt *st = NULL;
	size_t cap = 0;
	enum xz_result r =
	    store_prepare(db,
	                  "SELECT e.id, r.code, (SELECT min(s.chain_id) FROM enterprise_segment es"
	                  " JOIN segment s ON s.id = es.segment_id WHERE es.enterprise_id = e.id)"
	                  " FROM enterprise e JOIN region r ON r.id = e.region_id"
	                  " WHERE e.deleted_at IS NULL ORDER BY e.id",
	                  &st);
	if (r)
		return r;
	while (store_step(st) == STORE_ROW) {
		if (w->nents == cap) {
			cap = cap ? 2 * cap : 256;
			w->ents = xrealloc(w->ents, cap * sizeof(*w->ents));
		}
		struct dent *e = &w->ents[w->nents++];
		e->id = store_column_int(st, 0);
		snprintf(e->district, sizeof(e->district), "%.6s", store_column_text(st, 1));
		e->chain = store_column_int(st, 2);
	}
	store_finalize(st);
	if ((r = load_people(db,
	                     "SELECT c.id, r.code FROM cadre c JOIN region r ON r.id = c.region_id"
	                     " WHERE c.deleted_at IS NULL ORDER BY c.id",
	                     &w->cadres, &w->ncadres)))
		return r;
	return load_people(db,
	                   "SELECT t.id, r.code FROM talent t JOIN person p ON p.id = t.person_id"
	                   " JOIN region r ON r.id = p.region_id WHERE t.deleted_at IS NULL"
	                   " ORDER BY t.id",
	                   &w->talents, &w->ntalents);
}

/* a cadre of the district (any cadre when it has none) */
static int64_t cadre_of(const struct world *w, const char *district, uint64_t *rng)
{
	if (!w->ncadres)
		return 0;
	size_t start = (size_t)roll(rng, (int)w->ncadres);
	for (size_t k = 0; k < w->ncadres; k++) {
		const struct dperson *c = &w->cadres[(start + k) % w->ncadres];
		if (!strcmp(c->district, district))
			return c->id;
	}
	return w->cadres[start].id;
}

/* ---- workflow history ---- */

static enum xz_result step_row(struct store *db, const char *entity, int64_t id, const char *action,
                               const char *label, const char *from, const char *to,
                               const char *role, const char *comment, const char *date)
{
	struct store_stmt *st = NULL;
	char ts[32];
	snprintf(ts, sizeof(ts), "%sT02:%02d:00Z", date, (int)(id % 60));
	enum xz_result r =
	    store_prepare(db,
	                  "INSERT INTO workflow_step (entity, entity_id, action,"
	                  " label, from_state, to_state, user_id, username, role,"
	                  " comment, ts) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
	                  &st);
	if (r)
		return r;
	store_bind_text(st, 1, entity);
	store_bind_int(st, 2, id);
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, label);
	store_bind_text(st, 5, from);
	store_bind_text(st, 6, to);
	store_bind_text(st, 7, role);
	store_bind_text(st, 8, comment);
	store_bind_text(st, 9, ts);
	r = store_step(st) == STORE_DONE ? XZ_OK : store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* the state and the dates the steps set, written at once */
static enum xz_result set_state(struct store *db, const char *table, int64_t id, const char *status,
                                const char *accepted, const char *closed, const char *result,
                                const char *satisfaction)
{
	char sql[200];
	struct store_stmt *st = NULL;
	snprintf(sql, sizeof(sql),
	         "UPDATE %s SET status = ?, accepted_date = ?, closed_date = ?, result = ?,"
	         " satisfaction = ? WHERE id = ?",
	         table);
	enum xz_result r = store_prepare(db, sql, &st);
	if (r)
		return r;
	store_bind_text(st, 1, status);
	store_bind_text(st, 2, accepted);
	store_bind_text(st, 3, closed);
	store_bind_text(st, 4, result);
	store_bind_text(st, 5, satisfaction);
	store_bind_int(st, 6, id);
	r = store_step(st) == STORE_DONE ? XZ_OK : store_stmt_result(st);
	store_finalize(st);
	return r;
}

/* ---- texts ---- */

/* each problem with the measure that answers it, and the units that handle
 * problems of its category */
struct issue {
	const char *problem, *measure;
};

struct category_text {
	const char *category;
	struct issue issues[6];
	const char *units[3];
};

static const struct category_text texts[] = {
    {"融资",
     {{"企业扩产急需流动资金约3000万元，现有授信额度不足，抵押物评估值偏低",
       "组织政银企对接会，推荐3家合作银行开展授信评估，引入政府性融资担保增信"},
      {"科技型企业轻资产，缺少抵押物，银行贷款审批周期长",
       "纳入“科技贷”风险补偿资金池支持范围，推动合作银行开辟审批绿色通道"},
      {"应收账款账期长达180天，资金周转困难，希望对接供应链金融产品",
       "对接链主企业和合作银行开展应收账款融资，推广供应链票据"},
      {"拟申报专精特新“小巨人”，希望获得知识产权质押融资支持",
       "协调知识产权评估机构上门评估，办理知识产权质押登记并给予贴息"},
      {"设备更新改造贷款贴息政策不清楚，申报渠道不畅",
       "开展设备更新贷款贴息政策专场辅导，专人指导申报"},
      {"Pre-IPO轮融资需要对接市级产业基金",
       "由市产业基金管理公司上门开展尽职调查，推荐上市辅导机构"}},
     {"市地方金融管理局", "人民银行无锡市分行", "市产业集团"}},
    {"用工",
     {{"新建产线投产在即，缺少熟练操作工约120人", "组织专场招聘会，对接职业院校开展订单式培养"},
      {"一线员工流动性大，年流失率超过30%",
       "落实稳岗返还和以工代训补贴，指导企业完善薪酬和技能等级制度"},
      {"技术工人招聘难，数控、焊接等岗位长期空缺", "纳入紧缺技能人才目录，开展企业新型学徒制培训"},
      {"外地员工子女入学和住宿问题影响稳岗", "协调教育部门统筹安排随迁子女入学，调配园区人才公寓"},
      {"旺季季节性用工缺口大，希望对接劳务协作地区",
       "对接对口劳务协作地区组织定向输送，开展余缺调剂"}},
     {"市人力资源和社会保障局", "区人力资源和社会保障局", "市总工会"}},
    {"用地",
     {{"二期项目需新增工业用地约50亩，园区可供地块不足",
       "纳入年度用地计划优先保障，启动相邻低效用地收储"},
      {"厂房租赁到期，希望协调标准厂房过渡", "协调园区国企标准厂房定向租赁，给予过渡期租金减免"},
      {"现有土地容积率偏低，申请提高容积率加层改造",
       "按“工业上楼”政策办理规划条件调整，免收新增面积土地价款"},
      {"历史遗留用地手续不全，影响不动产登记和抵押融资",
       "成立专班梳理历史遗留问题，分类补办用地和规划手续"}},
     {"市自然资源和规划局", "区自然资源和规划分局", "园区管委会"}},
    {"审批",
     {{"环评审批周期长，影响新项目按期开工", "提前介入开展环评预审，压缩审批时限"},
      {"新建厂房施工许可、消防验收手续办理时间长", "启用“拿地即开工”并联审批，专人帮办代办"},
      {"医疗器械注册证审评进度慢，产品无法上市", "协调省药监局开辟创新医疗器械审评绿色通道"},
      {"能评、安评多头报批，材料重复提交", "推行“一件事”集成办理，材料一次提交、多部门共享"},
      {"危化品经营许可证延续办理遇到困难", "由应急管理部门上门指导整改，办理许可延续"}},
     {"市行政审批局", "市生态环境局", "市市场监督管理局"}},
    {"技术",
     {{"关键工艺良率不足，希望对接高校院所联合攻关",
       "对接江南大学等高校院所组建联合攻关团队，列入市级科技攻关项目"},
      {"缺少中试验证平台，新产品产业化进度慢", "开放市级中试平台，给予中试费用补贴"},
      {"进口设备核心部件受限，需国产替代方案", "组织国产装备供需对接，纳入首台（套）推广应用目录"},
      {"研发投入加计扣除政策申报不熟悉", "税务部门开展政策辅导，专人指导加计扣除申报"},
      {"希望共建企业技术中心和博士后工作站",
       "指导申报市级企业技术中心，协调设立博士后创新实践基地"}},
     {"市科学技术局", "市工业和信息化局", "市产业创新研究院"}},
    {"人才",
     {{"急需引进集成电路设计领域高端人才，薪酬竞争力不足",
       "纳入“太湖人才计划”重点支持，落实人才安家补贴"},
      {"高层次人才配偶就业和子女入学需要协调", "人才办协调人社、教育部门落实配偶安置和子女入学"},
      {"博士后进站名额有限，科研人员引进受限", "协调增加博士后进站名额，给予博士后日常经费资助"},
      {"海外人才来锡工作许可和居留办理不便", "开通外国人才工作许可和居留“一窗通办”"},
      {"企业人才认定标准不清楚，人才政策享受不到位", "开展人才政策进企业宣讲，一对一兑现人才政策"}},
     {"市委人才工作领导小组办公室", "市人力资源和社会保障局", "市科学技术局"}},
    {"市场",
     {{"新产品缺少应用场景，希望进入本地重点工程采购目录",
       "发布应用场景清单，组织与重点工程建设单位供需对接"},
      {"海外订单下滑，希望获得出口信用保险支持", "落实出口信用保险保费补贴，组织参加境外重点展会"},
      {"参加国际展会费用高，希望给予补贴", "纳入市级重点展会目录，按规定给予展位费补贴"},
      {"产业链上下游本地配套率低，希望对接链主企业", "组织链主企业与配套企业对接会，推动本地配套"}},
     {"市商务局", "市工业和信息化局", "市发展和改革委员会"}},
    {"其他",
     {{"园区道路和公交配套不足，员工通勤不便", "协调交通运输部门优化公交线路，增设园区通勤班车"},
      {"企业周边电力容量不足，新增用电报装困难", "协调供电公司开展线路增容改造，开辟报装绿色通道"},
      {"污水管网未接通，影响新厂区投产", "由属地街道牵头协调污水管网接驳工程"},
      {"企业安全生产标准化评审需要指导", "由应急管理部门组织专家上门指导安全生产标准化建设"}},
     {"市发展和改革委员会", "国网无锡供电公司", "属地街道办事处"}},
};
#define NTEXTS (sizeof(texts) / sizeof(texts[0]))

static size_t count_of(const struct issue *v, size_t max)
{
	size_t n = 0;
	while (n < max && v[n].problem)
		n++;
	return n;
}

static const char *const summaries[] = {
    "走访企业生产车间和研发中心，听取企业负责人关于经营情况和发展规划的汇报，梳理企业诉求。",
    "召开座谈会，了解企业订单、用工、融资等情况，宣讲惠企政策，现场协调部分问题。",
    "实地察看新建项目进度，了解项目建设中遇到的困难，明确责任部门跟进办理。",
    "围绕产业链强链补链，走访链上重点企业，了解上下游配套和技术攻关需求。",
    "开展“进园助企大走访”专项活动，逐项登记企业反映的堵点卡点问题。",
};

static const char *const closing[] = {
    "已协调解决，企业反馈良好。",
    "已按政策办理完毕，相关材料已归档。",
    "已组织专题对接，企业问题得到解决。",
    "已完成协调，后续由责任单位持续跟踪。",
};

/* ---- visits and problems ---- */

static enum xz_result seed_problem(struct engine_ctx *ctx, const struct world *w,
                                   const struct dent *ent, int64_t visit_id, const char *visit_date,
                                   uint64_t *rng)
{
	const struct category_text *t = &texts[roll(rng, (int)NTEXTS)];
	const struct issue *is = &t->issues[roll(rng, (int)count_of(t->issues, 6))];
	const char *desc = is->problem, *measure = is->measure;
	const char *unit = t->units[roll(rng, 3)];
	char deadline[11];
	add_days(visit_date, 15 + 15 * roll(rng, 4), deadline);
	json_t *in = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "enterprise_id",
	                       (json_int_t)ent->id, "visit_id", (json_int_t)visit_id, "category",
	                       t->category, "description", desc, "countermeasure", measure,
	                       "resp_unit", unit, "found_date", visit_date, "deadline", deadline);
	int64_t owner = cadre_of(w, ent->district, rng);
	if (owner)
		json_object_set_new(in, "owner_cadre_id", json_integer(owner));
	if (ent->chain && roll(rng, 4) == 0)
		json_object_set_new(in, "chain_id", json_integer(ent->chain));
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find("problem"), in, &made);
	json_decref(in);
	if (r)
		return r;
	int64_t id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);

	/* how far it got by today: recent ones are still waiting */
	int age = 0;
	{
		char d[11];
		for (age = 0; age < 400; age += 1) {
			add_days(visit_date, age, d);
			if (strcmp(d, TODAY) >= 0)
				break;
		}
	}
	int dice = roll(rng, 100);
	struct store *db = ctx->db;
	char accepted[11], closed[11];
	add_days(visit_date, 1 + roll(rng, 4), accepted);
	if (age < 5 || dice < 8) /* 待受理 */
		return XZ_OK;
	if (strcmp(accepted, TODAY) > 0)
		snprintf(accepted, sizeof(accepted), "%s", TODAY);
	if (dice < 13) { /* 已退回 */
		r = step_row(db, "problem", id, "return", "退回", "待受理", "已退回", "admin",
		             "问题属企业内部经营事项，不属于政府部门办理范围，请补充说明",
		             accepted);
		return r ? r : set_state(db, "problem", id, "已退回", NULL, NULL, NULL, NULL);
	}
	if ((r = step_row(db, "problem", id, "accept", "受理", "待受理", "办理中", "admin", NULL,
	                  accepted)))
		return r;
	/* closed: mostly before the deadline, some late; never after today */
	int span = 5 + roll(rng, 40);
	add_days(accepted, dice % 5 == 0 ? span + 30 : span, closed);
	bool can_close = strcmp(closed, TODAY) <= 0 && age > 10;
	if (dice < (age > 120 ? 22 : 45) || !can_close) /* 办理中, overdue past the deadline */
		return set_state(db, "problem", id, "办理中", accepted, NULL, NULL, NULL);
	const char *result = closing[roll(rng, 4)];
	if ((r = step_row(db, "problem", id, "close", "办结", "办理中", "已办结", "operator",
	                  result, closed)))
		return r;
	char revisit[11];
	add_days(closed, 3 + roll(rng, 10), revisit);
	if (dice < 70 || strcmp(revisit, TODAY) > 0)
		return set_state(db, "problem", id, "已办结", accepted, closed, result, NULL);
	int s = roll(rng, 10);
	const char *sat = s < 7 ? "满意" : s < 9 ? "基本满意" : "不满意";
	if ((r = step_row(db, "problem", id, "revisit", "回访", "已办结", "已回访", "admin", NULL,
	                  min_date(revisit, TODAY))))
		return r;
	return set_state(db, "problem", id, "已回访", accepted, closed, result, sat);
}

static enum xz_result seed_visits(struct engine_ctx *ctx, const struct world *w, int nvisits,
                                  uint64_t *rng)
{
	const struct entity *ve = model_find("visit");
	enum xz_result r = XZ_OK;
	for (int i = 0; i < nvisits && !r && w->nents; i++) {
		const struct dent *ent = &w->ents[roll(rng, (int)w->nents)];
		/* through 2026, spread evenly up to the demo's today */
		char date[11];
		add_days("2026-01-05", (int)((long)i * 320 / nvisits) + roll(rng, 5), date);
		if (strcmp(date, TODAY) > 0)
			snprintf(date, sizeof(date), "%s", TODAY);
		json_t *cadres = json_array();
		int ncad = 1 + roll(rng, 3);
		for (int k = 0; k < ncad; k++) {
			int64_t c = cadre_of(w, ent->district, rng);
			bool seen = false;
			size_t j;
			json_t *v;
			json_array_foreach(cadres, j, v) seen |= json_integer_value(v) == c;
			if (c && !seen)
				json_array_append_new(cadres, json_integer(c));
		}
		json_t *in = json_pack("{s:s, s:I, s:s, s:o}", "visit_date", date, "enterprise_id",
		                       (json_int_t)ent->id, "summary", summaries[roll(rng, 5)],
		                       "cadre_ids", cadres);
		if (roll(rng, 3) == 0)
			json_object_set_new(in, "visitors",
			                    json_string("区工信局、园区管委会相关同志"));
		json_t *made = NULL;
		r = engine_create(ctx, ve, in, &made);
		json_decref(in);
		if (r)
			break;
		int64_t visit_id = json_integer_value(json_object_get(made, "id"));
		json_decref(made);
		/* 1–4 problems a visit: about 2.5 */
		int np = 1 + roll(rng, 4);
		for (int k = 0; k < np && !r; k++)
			r = seed_problem(ctx, w, ent, visit_id, date, rng);
	}
	return r;
}

/* ---- talent services ---- */

struct service_text {
	const char *kind;
	const char *details[3];
	const char *units[2];
};

static const struct service_text services[] = {
    {"安居",
     {"申请人才公寓租住，希望安排在工作单位附近", "申请高层次人才购房补贴",
      "申请租房补贴，已提交劳动合同和社保缴纳证明"},
     {"市住房和城乡建设局", "区人才服务中心"}},
    {"人才金融",
     {"申请“人才贷”用于创业项目研发投入", "为人才创办企业申请融资担保",
      "申请知识产权质押贷款，用于中试生产线建设"},
     {"无锡人才金融服务中心", "市融资担保公司"}},
    {"子女入学",
     {"子女申请就近入读公办小学一年级", "子女由外省转学至本市初中二年级", "子女申请入读公办幼儿园"},
     {"市教育局", "区教育局"}},
    {"医疗",
     {"申请高层次人才医疗保健绿色通道", "父母就医预约专家门诊需要协助", "办理年度健康体检服务"},
     {"市卫生健康委员会", "区卫生健康委员会"}},
    {"出入境便利",
     {"外籍人才申请办理工作类居留许可", "申请APEC商务旅行卡", "外籍家属申请团聚类居留证件"},
     {"市公安局出入境管理支队", "市外事办公室"}},
    {"其他",
     {"配偶在本市就业需要协助推荐", "申请人才服务“一卡通”", "咨询人才落户办理流程"},
     {"市人才服务中心", "区人才服务中心"}},
};
#define NSERVICES (sizeof(services) / sizeof(services[0]))

static enum xz_result seed_service(struct engine_ctx *ctx, const struct world *w, int i, int n,
                                   uint64_t *rng)
{
	const struct service_text *t = &services[roll(rng, (int)NSERVICES)];
	const struct dperson *talent = &w->talents[roll(rng, (int)w->ntalents)];
	char submitted[11];
	add_days("2026-03-02", (int)((long)i * 265 / n) + roll(rng, 3), submitted);
	if (strcmp(submitted, TODAY) > 0)
		snprintf(submitted, sizeof(submitted), "%s", TODAY);
	json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:s}", "talent_id", (json_int_t)talent->id,
	                       "kind", t->kind, "detail", t->details[roll(rng, 3)],
	                       "submitted_date", submitted, "handler_unit", t->units[roll(rng, 2)]);
	if (!strcmp(t->kind, "人才金融"))
		json_object_set_new(in, "amount", json_real(50.0 * (1 + roll(rng, 20))));
	json_t *made = NULL;
	enum xz_result r = engine_create(ctx, model_find("service_request"), in, &made);
	json_decref(in);
	if (r)
		return r;
	int64_t id = json_integer_value(json_object_get(made, "id"));
	json_decref(made);
	int days = service_promised_days(t->kind);
	int dice = roll(rng, 100);
	struct store *db = ctx->db;
	char accepted[11], closed[11], limit[11];
	add_days(submitted, days, limit);
	int acc_off = 1 + roll(rng, 2);
	add_days(submitted, acc_off, accepted);
	char recent[11];
	add_days(TODAY, -10, recent);
	bool is_recent = strcmp(submitted, recent) > 0;
	if ((is_recent && dice < 50) || dice < 4 || strcmp(accepted, TODAY) > 0)
		return XZ_OK; /* 待受理: mostly the last days' */
	if (dice < 9) {
		r = step_row(db, "service_request", id, "return", "退回", "待受理", "已退回",
		             "operator", "材料不全，请补充社保缴纳证明后重新提交", accepted);
		return r ? r
		         : set_state(db, "service_request", id, "已退回", NULL, NULL, NULL, NULL);
	}
	if ((r = step_row(db, "service_request", id, "accept", "受理", "待受理", "办理中",
	                  "operator", NULL, accepted)))
		return r;
	/* most within the promised days, one in six later */
	int take = dice % 6 == 0 ? days + 2 + roll(rng, 10) : 1 + roll(rng, days);
	if (take < acc_off) /* never closed before it was accepted */
		take = acc_off;
	add_days(submitted, take, closed);
	if (dice < 22 || strcmp(closed, TODAY) > 0)
		return set_state(db, "service_request", id, "办理中", accepted, NULL, NULL, NULL);
	const char *result = "已按政策办理完毕，已电话告知申请人。";
	if ((r = step_row(db, "service_request", id, "close", "办结", "办理中", "已办结",
	                  "operator", result, closed)))
		return r;
	return set_state(db, "service_request", id, "已办结", accepted, closed, result, NULL);
}

enum xz_result demo_problem_seed(struct engine_ctx *ctx, const char *scale, uint64_t seed)
{
	struct world w = {0};
	uint64_t rng = seed ^ 0x70726f626c656dULL; /* "problem" */
	bool city = scale && !strcmp(scale, "city");
	enum xz_result r = load_world(ctx->db, &w);
	if (!r)
		r = seed_visits(ctx, &w, city ? 600 : 60, &rng);
	int nservice = city ? 800 : 80;
	for (int i = 0; !r && w.ntalents && i < nservice; i++)
		r = seed_service(ctx, &w, i, nservice, &rng);
	free(w.ents);
	free(w.cadres);
	free(w.talents);
	return r;
}
