#!/usr/bin/python3
"""Writes a deterministic talent table for the import benchmarks.

    gen_talents.py ROWS OUT.csv     a UTF-8 CSV (no BOM, LF line ends)

(gen_xlsx.py writes the same rows as an xlsx.)

Columns (headers are the Chinese labels the import matches):
姓名,身份证号,所在区划,手机号,学历,人才类别,专业技能,工作年限

Every 身份证号 is valid (GB 11643 check digit, a real birth date 1965-1999) and
unique within the file, and none can collide with the demo city's people: the
birthplace codes used here (outside 无锡 and outside the demo's list of
origins) never occur in `xinzhi demo`. Uniqueness comes from a bijection
i -> (birthplace, birth date, sequence number), not from a set, so the
generator's memory is flat too. 所在区划 is one of the demo's district codes;
专业技能 holds one to three skills joined by 、. Same ROWS, same bytes.
"""
import datetime
import random
import sys

HEADER = ["姓名", "身份证号", "所在区划", "手机号", "学历", "人才类别", "专业技能", "工作年限"]

# birthplaces: real county codes that the demo generator does not use
BIRTHPLACES = ["321081", "321282", "321323", "320981", "320623", "341221", "330681",
               "370883", "410526", "420984"]
# the demo city's districts (xinzhi demo --scale small has all of them)
REGIONS = ["320213", "320205", "320206", "320211", "320214", "320281", "320282"]

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
            "曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康"
            "顾钱华荣浦过缪")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志宏海波鹏辉晓燕红"
         "文斌亮飞俊峰雪琳婷宇浩然子轩欣怡雨涵思远佳琪一鸣嘉诚晨阳博文梓萱")
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157",
                   "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
                   "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"]
EDUCATIONS = ["博士研究生", "硕士研究生", "大学本科", "大学专科", "中专及以下"]
EDU_WEIGHTS = [6, 22, 48, 16, 8]
CATEGORIES = ["顶尖人才", "领军人才", "高层次人才", "青年人才", "高技能人才"]
CAT_WEIGHTS = [1, 4, 20, 45, 30]
SKILLS = ["数字IC设计", "模拟IC设计", "版图设计", "工艺整合", "光刻", "封装测试", "MEMS设计",
          "传感器ASIC设计", "射频前端设计", "嵌入式硬件开发", "嵌入式软件开发", "机器视觉",
          "深度学习", "自然语言处理", "云原生架构", "数据库开发", "网络安全", "工业互联网平台",
          "PLC编程", "数控加工", "焊接工艺", "精密装配", "液压系统设计", "机器人集成",
          "锂电池电芯设计", "光伏组件工艺", "储能系统集成", "氢燃料电池", "电力电子",
          "抗体药物研发", "细胞培养", "制剂工艺", "医疗器械注册", "临床试验管理",
          "高分子材料", "碳纤维复合材料", "特种合金", "纺织染整", "服装设计", "供应链管理",
          "汽车电子", "自动驾驶算法", "整车测试", "环保工程", "水处理工艺", "量子测控"]

BASE_DAY = datetime.date(1965, 1, 1).toordinal()
NDAYS = datetime.date(1999, 12, 31).toordinal() - BASE_DAY + 1
SPACE = len(BIRTHPLACES) * NDAYS * 1000     # all (birthplace, birth date, sequence) triples
STEP = 1000003                              # a prime that shares no factor with SPACE
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idcard(i):
    k = (i * STEP + 12345) % SPACE
    place = BIRTHPLACES[k % len(BIRTHPLACES)]
    k //= len(BIRTHPLACES)
    birth = datetime.date.fromordinal(BASE_DAY + k % NDAYS)
    seq = k // NDAYS
    first = "%s%04d%02d%02d%03d" % (place, birth.year, birth.month, birth.day, seq)
    s = sum(int(c) * w for c, w in zip(first, W))
    return first + "10X98765432"[s % 11], birth


def rows(n):
    rnd = random.Random(20240401)
    for i in range(n):
        card, birth = idcard(i)
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
        mobile = MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)] + "%08d" % ((i * 7919 + 31) % 100000000)
        age = 2024 - birth.year
        years = max(0, min(age - 22 + rnd.randint(-2, 2), 45))
        skills = "、".join(rnd.sample(SKILLS, rnd.choice((1, 2, 2, 3))))
        yield [name, card, rnd.choice(REGIONS), mobile,
               rnd.choices(EDUCATIONS, EDU_WEIGHTS)[0], rnd.choices(CATEGORIES, CAT_WEIGHTS)[0],
               skills, years]


def write_csv(n, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        # no cell holds a comma, quote or new line, so no quoting is needed
        f.writelines(",".join(map(str, r)) + "\n" for r in rows(n))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_talents.py ROWS OUT.csv")
    n, path = int(sys.argv[1]), sys.argv[2]
    if n > SPACE:
        sys.exit("at most %d rows" % SPACE)
    write_csv(n, path)


if __name__ == "__main__":
    main()
