/*
 * 任免审批表 files: the .lrmx reader on a realistic dossier (简历 lines in
 * the variants real files use, some unreadable, a family of four, a photo),
 * write → parse giving the same person, XML special characters, dates,
 * base64, refusals (DTD, wrong root, broken XML), the 简历 period parser's
 * edge cases, the mappings shared by import and export, and an import →
 * export → import cycle through the engine on a temporary database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/crypto.h"
#include "core/valid.h"
#include "domain/lrmx_dossier.h"
#include "engine/engine.h"
#include "io/lrmx.h"
#include "testutil.h"

/* a 1×1 PNG */
static const char png_b64[] =
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAACklEQVR4nGMAAQAABQABDQottAAAAABJRU5ErkJggg==";

/* A dossier as the 任免审批表 software writes it, with the irregularities
 * of real files: full-width spaces, an em dash, a continuation line, a
 * month 13, a line with no separator, an open period. */
static char *sample(const char *idcard)
{
	return xasprintf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Person>\n"
		"<XingMing>王建国</XingMing>\n"
		"<XingBie>男</XingBie>\n"
		"<ChuShengNianYue>197503</ChuShengNianYue>\n"
		"<MinZu>汉族</MinZu>\n"
		"<JiGuan>江苏无锡</JiGuan>\n"
		"<ChuShengDi>江苏无锡</ChuShengDi>\n"
		"<RuDangShiJian>1998.06</RuDangShiJian>\n"
		"<CanJiaGongZuoShiJian>199707</CanJiaGongZuoShiJian>\n"
		"<JianKangZhuangKuang>健康</JianKangZhuangKuang>\n"
		"<ZhuanYeJiShuZhiWu>高级经济师</ZhuanYeJiShuZhiWu>\n"
		"<ShuXiZhuanYeYouHeZhuanChang>产业经济</ShuXiZhuanYeYouHeZhuanChang>\n"
		"<QuanRiZhiJiaoYu_XueLi>大学本科</QuanRiZhiJiaoYu_XueLi>\n"
		"<QuanRiZhiJiaoYu_XueWei>经济学学士</QuanRiZhiJiaoYu_XueWei>\n"
		"<QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>南京大学经济学院国际贸易专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>\n"
		"<ZaiZhiJiaoYu_XueLi>研究生</ZaiZhiJiaoYu_XueLi>\n"
		"<ZaiZhiJiaoYu_XueWei>管理学硕士</ZaiZhiJiaoYu_XueWei>\n"
		"<XianRenZhiWu>无锡市发展和改革委员会党组成员、副主任</XianRenZhiWu>\n"
		"<JianLi>1993.09--1997.07  南京大学经济学院国际贸易专业学习\r\n"
		"1997.07-2003.05 无锡市计划委员会科员\r\n"
		"2003.05—2008.12\xE3\x80\x80无锡市发展计划委员会副科长、科长\r\n"
		"\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80（其间：2005.09--2008.07在中央党校在职研究生班学习）\r\n"
		"2008.13--2010.01  这一行月份错误\r\n"
		"  紧随错误行的续行\r\n"
		"\r\n"
		"2008.12～2016.03 江阴市发展和改革委员会副主任\r\n"
		"2016.03--         无锡市发展和改革委员会党组成员、副主任</JianLi>\n"
		"<JiangChengQingKuang>2019年度记三等功 &amp; 嘉奖</JiangChengQingKuang>\n"
		"<NianDuKaoHeJieGuo>2021、2022、2023年度考核均为称职</NianDuKaoHeJieGuo>\n"
		"<RenMianLiYou/>\n"
		"<JiaTingChengYuan>\n"
		"<Item><ChengWei>妻子</ChengWei><XingMing>李梅</XingMing><ChuShengRiQi>197608</ChuShengRiQi>"
		"<ZhengZhiMianMao>中共党员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>无锡市第一人民医院 主治医师</GongZuoDanWeiJiZhiWu></Item>\n"
		"<Item><ChengWei>儿子</ChengWei><XingMing>王小明</XingMing><ChuShengRiQi>20020517</ChuShengRiQi>"
		"<ZhengZhiMianMao>共青团员</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>南京大学学生</GongZuoDanWeiJiZhiWu></Item>\n"
		"<Item><ChengWei>父亲</ChengWei><XingMing>王大山</XingMing><ChuShengRiQi>194811</ChuShengRiQi>"
		"<ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>已退休</GongZuoDanWeiJiZhiWu></Item>\n"
		"<Item><ChengWei>母亲</ChengWei><XingMing>赵秀英</XingMing><ChuShengRiQi>1950.02</ChuShengRiQi>"
		"<ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>已去世</GongZuoDanWeiJiZhiWu></Item>\n"
		"</JiaTingChengYuan>\n"
		"<ChengBaoDanWei></ChengBaoDanWei>\n"
		"<JiSuanNianLingShiJian>202401</JiSuanNianLingShiJian>\n"
		"<TianBiaoShiJian>20240115</TianBiaoShiJian>\n"
		"<TianBiaoRen>张三</TianBiaoRen>\n"
		"<ShenFenZheng>%s</ShenFenZheng>\n"
		"<ZhaoPian>%.40s\n%s</ZhaoPian>\n"
		"<Version>3.2.1.16</Version>\n"
		"</Person>\n",
		idcard, png_b64, png_b64 + 40);
}

static void make_id(const char *birth8, const char *seq3, char out[19])
{
	snprintf(out, 19, "320202%s%s", birth8, seq3);
	out[17] = valid_idcard_check(out);
	out[18] = '\0';
}

static void parse_ok(const char *text, struct lrmx_person *p)
{
	char msg[256] = "";
	enum xz_result r = lrmx_parse(text, strlen(text), p, msg, sizeof(msg));
	if (r)
		fprintf(stderr, "parse: %s\n", msg);
	assert_int_equal(r, XZ_OK);
}

static void test_parse_sample(void **state)
{
	(void)state;
	char id[19];
	make_id("19750314", "123", id);
	char *text = sample(id);
	struct lrmx_person p;
	parse_ok(text, &p);
	assert_string_equal(p.name, "王建国");
	assert_string_equal(p.gender, "男");
	assert_string_equal(p.birth, "1975-03-01");
	assert_string_equal(p.party_date, "1998-06-01");
	assert_string_equal(p.work_start, "1997-07-01");
	assert_string_equal(p.fill_date, "2024-01-15");
	assert_string_equal(p.idcard, id);
	assert_string_equal(p.rewards, "2019年度记三等功 & 嘉奖");
	assert_null(p.reason); /* <RenMianLiYou/> */
	assert_null(p.reporting_unit);
	assert_string_equal(p.ft_edu_school, "南京大学经济学院国际贸易专业");
	/* the blank line is left out, \r\n split, indentation kept */
	assert_int_equal(p.nresume, 8);
	assert_string_equal(p.resume[0], "1993.09--1997.07  南京大学经济学院国际贸易专业学习");
	assert_true(!strncmp(p.resume[3], "\xE3\x80\x80", 3));
	assert_int_equal(p.nfamily, 4);
	assert_string_equal(p.family[0].relation, "妻子");
	assert_string_equal(p.family[0].birth, "1976-08-01");
	assert_string_equal(p.family[0].work, "无锡市第一人民医院 主治医师");
	assert_string_equal(p.family[1].birth, "2002-05-17");
	assert_string_equal(p.family[3].birth, "1950-02-01");
	assert_string_equal(p.family[3].work, "已去世");
	/* base64 across a line break */
	assert_int_equal(p.photo_len, 67);
	assert_memory_equal(p.photo, "\x89PNG\r\n\x1a\n", 8);

	struct lrmx_resume res;
	lrmx_resume_parse(p.resume, p.nresume, &res);
	assert_int_equal(res.nperiods, 5);
	assert_string_equal(res.periods[0].start, "1993-09-01");
	assert_string_equal(res.periods[0].end, "1997-07-01");
	assert_string_equal(res.periods[0].text, "南京大学经济学院国际贸易专业学习");
	assert_string_equal(res.periods[1].text, "无锡市计划委员会科员");
	assert_string_equal(res.periods[2].end, "2008-12-01");
	/* the continuation joins the period's text; its raw keeps both lines */
	assert_string_equal(res.periods[2].text,
	                    "无锡市发展计划委员会副科长、科长（其间：2005.09--2008.07在中央党校在职研究生班学习）");
	assert_non_null(strchr(res.periods[2].raw, '\n'));
	assert_string_equal(res.periods[3].start, "2008-12-01");
	assert_string_equal(res.periods[3].end, "2016-03-01");
	assert_string_equal(res.periods[4].start, "2016-03-01");
	assert_null(res.periods[4].end);
	assert_string_equal(res.periods[4].text, "无锡市发展和改革委员会党组成员、副主任");
	/* the bad line and the line continuing it are kept, in place */
	assert_int_equal(res.nunparsed, 2);
	assert_string_equal(res.unparsed[0].text, "2008.13--2010.01  这一行月份错误");
	assert_int_equal(res.unparsed[0].line, 5);
	assert_int_equal(res.unparsed[0].after, 3);
	assert_string_equal(res.unparsed[1].text, "  紧随错误行的续行");
	assert_int_equal(res.unparsed[1].after, 3);
	lrmx_resume_free(&res);
	lrmx_person_free(&p);
	free(text);
}

static void test_roundtrip(void **state)
{
	(void)state;
	char id[19];
	make_id("19750314", "123", id);
	char *text = sample(id), *out = NULL, *out2 = NULL, msg[200];
	size_t len = 0, len2 = 0;
	struct lrmx_person a, b, c;
	parse_ok(text, &a);
	assert_int_equal(lrmx_write(&a, &out, &len, msg, sizeof(msg)), XZ_OK);
	assert_int_equal(strlen(out), len);
	assert_true(!strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Person>", 46));
	assert_non_null(strstr(out, "<ChuShengNianYue>197503</ChuShengNianYue>"));
	assert_non_null(strstr(out, "<TianBiaoShiJian>20240115</TianBiaoShiJian>"));
	parse_ok(out, &b);
	assert_true(lrmx_person_equal(&a, &b));
	/* and writing again gives the same bytes */
	assert_int_equal(lrmx_write(&b, &out2, &len2, msg, sizeof(msg)), XZ_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(out, out2, len);
	/* a change is seen */
	parse_ok(out, &c);
	free(c.family[2].name);
	c.family[2].name = xstrdup("王大川");
	assert_false(lrmx_person_equal(&a, &c));
	lrmx_person_free(&a);
	lrmx_person_free(&b);
	lrmx_person_free(&c);
	free(text);
	free(out);
	free(out2);
}

static void test_special_characters(void **state)
{
	(void)state;
	struct lrmx_person a = {0}, b;
	a.name = xstrdup("A&B <C> \"D\" 'E'");
	a.rewards = xstrdup("第一行\r\n第二行 & <标签/> ]]> 结束");
	a.post = xstrdup("主任&副主任");
	lrmx_add_resume_line(&a, "2001.01--2002.02  <某>单位 & \"科员\"");
	struct lrmx_family m = {"妻子", "李'梅'", "1976-08-01", "群众", "A&B公司 <经理>"};
	lrmx_add_family(&a, &m);
	char *out = NULL, msg[200];
	size_t len;
	assert_int_equal(lrmx_write(&a, &out, &len, msg, sizeof(msg)), XZ_OK);
	assert_non_null(strstr(out, "<XingMing>A&amp;B &lt;C&gt; &quot;D&quot; &apos;E&apos;</XingMing>"));
	assert_non_null(strstr(out, "&#13;"));
	assert_null(strstr(out, "<某>"));
	parse_ok(out, &b);
	assert_true(lrmx_person_equal(&a, &b));
	assert_string_equal(b.rewards, "第一行\r\n第二行 & <标签/> ]]> 结束");
	assert_string_equal(b.family[0].work, "A&B公司 <经理>");
	lrmx_person_free(&a);
	lrmx_person_free(&b);
	free(out);

	/* invalid UTF-8 is refused by the writer, not written */
	struct lrmx_person bad = {0};
	bad.name = xstrdup("\xff\xfe");
	assert_int_equal(lrmx_write(&bad, &out, &len, msg, sizeof(msg)), XZ_ERR_VALIDATION);
	assert_null(out);
	lrmx_person_free(&bad);
}

static void test_refusals(void **state)
{
	(void)state;
	struct lrmx_person p;
	char msg[256];
	static const char *const bad[] = {
		"<?xml version=\"1.0\"?><!DOCTYPE Person [<!ENTITY a \"aaaa\">]><Person><XingMing>&a;</XingMing></Person>",
		"<?xml version=\"1.0\"?><Root><XingMing>王</XingMing></Root>",
		"<Person><XingMing>王</XingMing>",
		"<Person><ZhaoPian>@@@@</ZhaoPian></Person>",
		"",
		"<?xml version=\"1.0\" encoding=\"GB2312\"?><Person><XingMing>a</XingMing></Person>",
	};
	static const char *const why[] = {"DTD", "Person", "XML", "base64", "XML", "UTF-8"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		assert_int_equal(lrmx_parse(bad[i], strlen(bad[i]), &p, msg, sizeof(msg)),
		                 XZ_ERR_VALIDATION);
		if (!strstr(msg, why[i]))
			fail_msg("case %zu: message \"%s\" does not mention %s", i, msg, why[i]);
		assert_null(p.name);
	}
	/* unknown elements and attributes are ignored, not fatal */
	const char *ok = "<Person a=\"1\"><XingMing> 王 </XingMing><Extra><X>1</X></Extra></Person>";
	parse_ok(ok, &p);
	assert_string_equal(p.name, "王");
	lrmx_person_free(&p);
}

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"197503", "1975-03-01"},    {"19750314", "1975-03-14"}, {"1975.03", "1975-03-01"},
		{"1975.3", "1975-03-01"},    {"1975-03-14", "1975-03-14"}, {"1975年3月", "1975-03-01"},
		{"1975年3月14日", "1975-03-14"}, {" 1975.03.14 ", "1975-03-14"},
		{"1975．03", "1975-03-01"},
	};
	char iso[11];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!lrmx_date_in(ok[i].in, iso))
			fail_msg("%s not read as a date", ok[i].in);
		assert_string_equal(iso, ok[i].out);
	}
	static const char *const bad[] = {"197513", "19750230", "1975", "至今", "1975.03.x", "",
	                                  "1899.01", "abc"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (lrmx_date_in(bad[i], iso))
			fail_msg("%s read as a date", bad[i]);
	char out[9], shown[8];
	assert_true(lrmx_date_out("1975-03-01", out));
	assert_string_equal(out, "197503");
	assert_true(lrmx_date_out("1975-03-14", out));
	assert_string_equal(out, "19750314");
	assert_false(lrmx_date_out("1975.03", out));
	assert_true(lrmx_date_show("2016-03-01", shown));
	assert_string_equal(shown, "2016.03");
}

static void test_base64(void **state)
{
	(void)state;
	const unsigned char data[] = {0, 1, 2, 0xFF, 0xFE, 'a', 'b'};
	for (size_t n = 0; n <= sizeof(data); n++) {
		struct buf b = BUF_INIT;
		lrmx_base64_encode(data, n, &b);
		unsigned char *dec = NULL;
		size_t len = 0;
		assert_true(lrmx_base64_decode(b.data ? b.data : "", b.len, &dec, &len));
		assert_int_equal(len, n);
		if (n)
			assert_memory_equal(dec, data, n);
		free(dec);
		buf_free(&b);
	}
	unsigned char *dec;
	size_t len;
	assert_true(lrmx_base64_decode("YW Jj\r\nZA", 9, &dec, &len)); /* no padding, spaces */
	assert_int_equal(len, 4);
	assert_memory_equal(dec, "abcd", 4);
	free(dec);
	assert_false(lrmx_base64_decode("YW=Jj", 5, &dec, &len));
	assert_null(dec);
}

static void test_resume_variants(void **state)
{
	(void)state;
	char *lines[] = {
		"前言：本人简历如下", /* before any period */
		"1990.09—1994.07　江南大学学习",
		"1994.07~1996.01 无锡市某局科员",
		"1996.01至1999.12 无锡市某局副科长",
		"1999.12--2001.03", /* a period whose text follows */
		"    无锡市某区挂职锻炼",
		"2001.03--1999.01 结束早于开始",
		"2001.3 没有分隔符",
		"2001.03——2005年6月 无锡市某办公室主任",
		"2005.06-至今 无锡市某委员会副主任",
		"2010.01--2011.01", /* a period never given text */
	};
	struct lrmx_resume r;
	lrmx_resume_parse(lines, sizeof(lines) / sizeof(lines[0]), &r);
	assert_int_equal(r.nperiods, 6);
	assert_string_equal(r.periods[0].text, "江南大学学习");
	assert_string_equal(r.periods[1].start, "1994-07-01");
	assert_string_equal(r.periods[2].end, "1999-12-01");
	assert_string_equal(r.periods[3].text, "无锡市某区挂职锻炼");
	assert_string_equal(r.periods[3].raw, "1999.12--2001.03\n    无锡市某区挂职锻炼");
	assert_string_equal(r.periods[4].end, "2005-06-01");
	assert_string_equal(r.periods[4].text, "无锡市某办公室主任");
	assert_null(r.periods[5].end);
	assert_string_equal(r.periods[5].text, "无锡市某委员会副主任");
	assert_int_equal(r.nunparsed, 4);
	assert_int_equal(r.unparsed[0].after, 0);
	assert_int_equal(r.unparsed[0].line, 1);
	assert_string_equal(r.unparsed[1].text, "2001.03--1999.01 结束早于开始");
	assert_int_equal(r.unparsed[1].after, 4);
	assert_string_equal(r.unparsed[2].text, "2001.3 没有分隔符");
	assert_string_equal(r.unparsed[3].text, "2010.01--2011.01");
	assert_int_equal(r.unparsed[3].after, 6);
	lrmx_resume_free(&r);

	/* the writer's own lines read back */
	struct buf b = BUF_INIT;
	lrmx_resume_format("2016-03-01", NULL, "无锡市某委员会主任", &b);
	assert_string_equal(buf_cstr(&b), "2016.03--         无锡市某委员会主任");
	char *one[] = {b.data};
	lrmx_resume_parse(one, 1, &r);
	assert_int_equal(r.nperiods, 1);
	assert_null(r.periods[0].end);
	assert_string_equal(r.periods[0].text, "无锡市某委员会主任");
	lrmx_resume_free(&r);
	buf_free(&b);
}

static void test_mappings(void **state)
{
	(void)state;
	char *school, *major;
	static const struct {
		const char *text, *school, *major;
	} splits[] = {
		{"南京大学经济学院国际贸易专业", "南京大学", "国际贸易"},
		{"无锡职业技术学院机电一体化专业", "无锡职业技术学院", "机电一体化"},
		{"中国科学院大学计算机应用技术专业", "中国科学院大学", "计算机应用技术"},
		{"外交学院国际关系专业", "外交学院", "国际关系"},
		{"中央党校研究生院经济管理", "中央党校研究生院", "经济管理"},
		{"江南大学", "江南大学", NULL},
		{"清华大学经济管理学院", "清华大学", NULL},
		{"Stanford University 计算机", "Stanford", "University 计算机"},
	};
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		lrmx_school_split(splits[i].text, &school, &major);
		assert_string_equal(school, splits[i].school);
		if (splits[i].major)
			assert_string_equal(major, splits[i].major);
		else
			assert_null(major);
		/* joining gives a text that splits back the same */
		char *joined = lrmx_school_join(school, major), *s2, *m2;
		lrmx_school_split(joined, &s2, &m2);
		assert_string_equal(s2, school);
		assert_true(major ? m2 && !strcmp(m2, major) : !m2);
		free(joined);
		free(s2);
		free(m2);
		free(school);
		free(major);
	}
	/* a school whose name the split would cut: the join says where with a space */
	char *joined = lrmx_school_join("东南大学成贤学院", "土木工程");
	assert_string_equal(joined, "东南大学成贤学院 土木工程专业");
	free(joined);

	assert_string_equal(lrmx_education_value("大学本科", NULL), "大学本科");
	assert_string_equal(lrmx_education_value("大学", NULL), "大学本科");
	assert_string_equal(lrmx_education_value("大专", NULL), "大学专科");
	assert_string_equal(lrmx_education_value("研究生", "经济学博士"), "博士研究生");
	assert_string_equal(lrmx_education_value("研究生", "管理学硕士"), "硕士研究生");
	assert_string_equal(lrmx_education_value("中专", NULL), "中专及以下");
	assert_null(lrmx_education_value("其他", NULL));
	assert_string_equal(lrmx_degree_value("经济学学士"), "学士");
	assert_null(lrmx_degree_value("荣誉"));

	static const struct {
		const char *post, *unit;
	} posts[] = {
		{"无锡市发展和改革委员会党组成员、副主任", "无锡市发展和改革委员会"},
		{"中共无锡市委组织部副部长", "中共无锡市委组织部"},
		{"江阴市委书记", "江阴市委"},
		{"无锡市长江路街道党工委书记", "无锡市长江路街道党工委"},
		{"某银行行长", "某银行"},
		{"待分配", NULL},
	};
	for (size_t i = 0; i < sizeof(posts) / sizeof(posts[0]); i++) {
		char *u = lrmx_unit_from_post(posts[i].post);
		if (posts[i].unit)
			assert_string_equal(u, posts[i].unit);
		else
			assert_null(u);
		free(u);
	}

	struct lrmx_family fam[] = {
		{"妻子", "李 梅", "1976-08-01", "中共党员", "无锡市第一人民医院 主治医师"},
		{"儿子", "王小明", NULL, NULL, NULL},
	};
	char *text = lrmx_family_to_text(fam, 2);
	assert_string_equal(text, "妻子 李梅 1976-08-01 中共党员 无锡市第一人民医院 主治医师\n"
	                          "儿子 王小明 - - -");
	struct lrmx_person p = {0};
	lrmx_family_from_text(text, &p);
	assert_int_equal(p.nfamily, 2);
	assert_string_equal(p.family[0].name, "李梅");
	assert_string_equal(p.family[0].work, "无锡市第一人民医院 主治医师");
	assert_null(p.family[1].birth);
	assert_null(p.family[1].work);
	lrmx_person_free(&p);
	free(text);
}

/* ---- through the engine ---- */

static json_t *get_row(struct store *db, const char *entity, const char *key, int64_t person_id)
{
	struct engine_ctx ctx;
	char pid[24];
	snprintf(pid, sizeof(pid), "%lld", (long long)person_id);
	struct kv params[] = {{key, pid}, {"size", "200"}, {"sort", "start_date"}};
	json_t *out = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	size_t n = strcmp(entity, "career") ? 2 : 3;
	assert_int_equal(engine_list(&ctx, model_find(entity), params, n, &out), XZ_OK);
	engine_ctx_free(&ctx);
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	/* what two imports may differ in */
	json_t *row;
	size_t i;
	json_array_foreach(items, i, row) {
		json_object_del(row, "id");
		json_object_del(row, "version");
		json_object_del(row, "created_at");
		json_object_del(row, "updated_at");
	}
	return items;
}

static json_t *import_ok(struct store *db, const char *data, size_t len, const char *name)
{
	struct engine_ctx ctx;
	json_t *report = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	enum xz_result r = lrmx_import(&ctx, data, len, name, NULL, &report);
	if (r) {
		char *d = json_dumps(report, JSON_INDENT(1));
		fprintf(stderr, "import: %d %s\n", r, d);
		free(d);
	}
	assert_int_equal(r, XZ_OK);
	engine_ctx_free(&ctx);
	return report;
}

static void test_import_export(void **state)
{
	(void)state;
	struct tmpdb t;
	struct store *db = NULL;
	crypto_use_ephemeral_key();
	tmpdb_init(&t);
	assert_int_equal(store_open(t.path, &db), XZ_OK);
	assert_int_equal(store_exec(db, "INSERT INTO region (code, name, level) VALUES "
	                                "('320200', '无锡市', '市')"),
	                 XZ_OK);
	char id[19];
	make_id("19750314", "123", id);
	char *text = sample(id);

	json_t *rep = import_ok(db, text, strlen(text), "王建国.lrmx");
	json_t *file = json_array_get(json_object_get(rep, "files"), 0);
	assert_string_equal(json_string_value(json_object_get(file, "action")), "created");
	assert_int_equal(json_integer_value(json_object_get(file, "careers")), 5);
	assert_int_equal(json_array_size(json_object_get(file, "unparsed_lines")), 2);
	int64_t pid = json_integer_value(json_object_get(file, "person_id"));
	json_decref(rep);

	json_t *persons = get_row(db, "person", "id", pid);
	json_t *person = json_array_get(persons, 0);
	assert_string_equal(json_string_value(json_object_get(person, "birth_date")), "1975-03-14");
	assert_string_equal(json_string_value(json_object_get(person, "education")), "大学本科");
	assert_string_equal(json_string_value(json_object_get(person, "degree")), "学士");
	assert_string_equal(json_string_value(json_object_get(person, "school")), "南京大学");
	assert_string_equal(json_string_value(json_object_get(person, "major")), "国际贸易");
	assert_string_equal(json_string_value(json_object_get(person, "political_status")), "中共党员");
	json_t *cadres = get_row(db, "cadre", "person_id", pid);
	json_t *cadre = json_array_get(cadres, 0);
	assert_string_equal(json_string_value(json_object_get(cadre, "unit")), "无锡市发展和改革委员会");
	assert_string_equal(json_string_value(json_object_get(cadre, "level")), "市");
	assert_string_equal(json_string_value(json_object_get(cadre, "appointed")), "2016-03-01");
	json_t *careers = get_row(db, "career", "person_id", pid);
	assert_int_equal(json_array_size(careers), 5);
	assert_int_equal(query_int(db, "SELECT count(*) FROM person_photo"), 1);
	assert_int_equal(query_int(db, "SELECT length(data) FROM person_photo"), 67);

	/* export, then import the export: the same rows, nothing duplicated */
	struct engine_ctx ctx;
	char *out = NULL;
	size_t len = 0;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(lrmx_export(&ctx, pid, &out, &len), XZ_OK);
	engine_ctx_free(&ctx);
	assert_non_null(strstr(out, id));
	assert_non_null(strstr(out, "2008.13--2010.01  这一行月份错误\n  紧随错误行的续行\n2008.12～2016.03"));
	struct lrmx_person exported;
	parse_ok(out, &exported);
	assert_int_equal(exported.nfamily, 4);
	assert_int_equal(exported.photo_len, 67);
	lrmx_person_free(&exported);
	rep = import_ok(db, out, len, "export.lrmx");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(rep, "files"), 0), "action")),
	                    "updated");
	json_decref(rep);
	json_t *persons2 = get_row(db, "person", "id", pid), *cadres2 = get_row(db, "cadre", "person_id", pid),
	       *careers2 = get_row(db, "career", "person_id", pid);
	assert_true(json_equal(persons, persons2));
	assert_true(json_equal(cadres, cadres2));
	assert_true(json_equal(careers, careers2));
	assert_int_equal(query_int(db, "SELECT count(*) FROM person"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM career"), 5);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'export_lrmx'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'import_lrmx'"), 2);

	/* a second export gives the same dossier */
	char *again = NULL;
	size_t len2 = 0;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(lrmx_export(&ctx, pid, &again, &len2), XZ_OK);
	char *html = NULL;
	size_t hlen = 0;
	assert_int_equal(lrmx_print_html(&ctx, pid, false, &html, &hlen), XZ_OK);
	engine_ctx_free(&ctx);
	struct lrmx_person first, second;
	parse_ok(out, &first);
	parse_ok(again, &second);
	free(first.fill_date), free(first.age_date); /* today's date: may differ at midnight */
	free(second.fill_date), free(second.age_date);
	first.fill_date = first.age_date = second.fill_date = second.age_date = NULL;
	assert_true(lrmx_person_equal(&first, &second));
	lrmx_person_free(&first);
	lrmx_person_free(&second);
	assert_null(strstr(html, id));
	assert_non_null(strstr(html, "320***********"));
	assert_non_null(strstr(html, "@page{size:A4"));
	assert_null(strstr(html, "李梅"));

	/* a viewer may not export the dossier */
	struct actor viewer = *engine_system_actor();
	viewer.perms = PERM_DATA_READ;
	engine_ctx_init(&ctx, db, &viewer);
	char *denied = NULL;
	assert_int_equal(lrmx_export(&ctx, pid, &denied, &len2), XZ_ERR_FORBIDDEN);
	assert_null(denied);
	engine_ctx_free(&ctx);

	/* a bad 身份证号 in a file: nothing written, the file named */
	char *bad = sample("320202197503141230");
	json_t *report = NULL;
	engine_ctx_init(&ctx, db, engine_system_actor());
	assert_int_equal(lrmx_import(&ctx, bad, strlen(bad), "坏.lrmx", NULL, &report),
	                 XZ_ERR_VALIDATION);
	engine_ctx_free(&ctx);
	json_t *err = json_array_get(json_object_get(report, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(err, "file")), "坏.lrmx");
	assert_string_equal(json_string_value(json_object_get(err, "field")), "ShenFenZheng");
	json_decref(report);

	json_decref(persons);
	json_decref(cadres);
	json_decref(careers);
	json_decref(persons2);
	json_decref(cadres2);
	json_decref(careers2);
	free(bad);
	free(html);
	free(again);
	free(out);
	free(text);
	store_close(db);
	tmpdb_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sample),     cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_special_characters), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_dates),            cmocka_unit_test(test_base64),
		cmocka_unit_test(test_resume_variants),  cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_import_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
