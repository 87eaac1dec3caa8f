"""The invented report the audit tests plant errors in: a clean report (zero findings) in the seeds' flattened
.txt form (a paragraph per line, a table cell per tab-indented line, a blank line after each row), and for
every kind of finding one replacement that plants exactly one error."""

from __future__ import annotations

CLEAN = """\
某县残疾人联合会2023年残疾儿童康复救助项目支出绩效自评报告
根据《关于开展2023年度部门预算支出绩效自评工作的通知》（某财绩〔2024〕3号）的要求，2024年3月1日至3月31日，某县残疾人联合会组成绩效评价工作领导小组，对本项目支出绩效进行了评价。
一、项目基本情况
依据《关于下达2023年残疾儿童康复救助资金的通知》（某财社〔2023〕12号），市级财政下达本项目资金。
2023年，本项目预算资金120万元，实际到位120万元，资金到位率100.00%。
2023年，本项目实际支出108万元，预算执行率90.00%。
2023年末，本项目结转结余资金12万元。
项目资金到位情况：中央资金60万元，省级资金30万元，县级资金30万元，合计120万元。
2023年共分配资金120万元，涉及3个县（区），其中：宜良县50万元，富民县40万元，晋宁区30万元。
2023年共救助残疾儿童1250人，其中：城镇450人，农村800人。全年累计为1250名残疾儿童提供康复救助服务。
2023年共惠及受益对象1250人，计划1000人，任务完成率125.00%。
本次回访采用入户和电话两种方式，其中入户回访1200人、电话回访50人，入户率96.00%。
2023年春节期间共慰问困难残疾人2,400人。慰问工作由各乡镇残联组织实施。其中入户走访2,280人，入户走访率95.00%。
2023年12月20日，全部救助资金发放到位。为20名残疾人毕业生提供就业服务，就业率85%。
二、评价结论
从决策、管理、绩效三个方面，对本项目的12个三级指标进行评价、打分，最终自评得分88.50分，评定等级为良。
项目绩效指标体系得分情况
\t一级指标
\t权重分
\t得分
\t扣分
\t得分率

\tA项目决策
\t20.00
\t18.50
\t1.50
\t92.50%

\tB项目管理
\t20.00
\t17.00
\t3.00
\t85.00%

\tC项目绩效
\t60.00
\t53.00
\t7.00
\t88.33%

\t合计
\t100.00
\t88.50
\t11.50
\t88.50%

1.项目决策（满分20分，评价得分18.50分）
根据《关于下达2023年残疾儿童康复救助资金的通知》（某财社〔2023〕12号），资金于当年全部到位。
2023年残疾儿童康复救助资金分配情况表
\t序号
\t县（区）
\t下拨资金（万元）
\t实际受益人数（人）

\t1
\t宜良县
\t50
\t500

\t2
\t富民县
\t40
\t450

\t3
\t晋宁区
\t30
\t300

\t合计
\t
\t120
\t1250

共计发放问卷10份，收回有效问卷10份，问卷共2题，满意度综合得分为19.30分。
满意度调查问卷统计表
\t问卷题目及选项
\t项目
\tA（非常满意）
\tB（满意）
\tC（一般）
\tD（不满意）
\tE（很不满意）
\t合计

\t1.您对本项目的总体评价是：
\t人数
\t8
\t2
\t0
\t0
\t0
\t10

\t
\t占比
\t80.00%
\t20.00%
\t0.00%
\t0.00%
\t0.00%
\t100%

\t
\t分数
\t8.00
\t1.80
\t0.00
\t0.00
\t0.00
\t9.80

\t2.您对补助发放及时性的评价是：
\t人数
\t6
\t3
\t1
\t0
\t0
\t10

\t
\t占比
\t60.00%
\t30.00%
\t10.00%
\t0.00%
\t0.00%
\t100%

\t
\t分数
\t6.00
\t2.70
\t0.80
\t0.00
\t0.00
\t9.50

\t合计
\t人数
\t14
\t5
\t1
\t0
\t0
\t20

\t
\t占比
\t70.00%
\t25.00%
\t5.00%
\t0.00%
\t0.00%
\t100%

\t
\t分数
\t14.00
\t4.50
\t0.80
\t0.00
\t0.00
\t19.30

说明：各题分值均为10分；选项系数为A（非常满意）1，B（满意）0.9，C（一般）0.8。
三、存在的问题
本项目存在以下三个问题：
1.政策宣传不足。
2.申请流程繁琐。
3.信息化水平不高。
相关附件：
1.项目绩效指标体系及评分表；
2.满意度调查问卷统计表。
某县残疾人联合会
2024年4月10日
"""

# kind → (what is replaced, by what, the finding's "found" text); each plants exactly one error.
PLANTED = {
    "sum_table": ("\t300\n\n\t合计\n\t\n\t120\n\t1250", "\t300\n\n\t合计\n\t\n\t120\n\t1260", "sum", "1260"),
    "sum_qizhong": ("城镇450人，农村800人", "城镇450人，农村810人", "sum", "1250人"),
    "sum_closing": ("县级资金30万元，合计120万元", "县级资金30万元，合计130万元", "sum", "130万元"),
    "sum_survey": ("\t14\n\t5\n\t1\n\t0\n\t0\n\t20", "\t14\n\t5\n\t1\n\t0\n\t0\n\t21", "sum", "21"),
    "derived_rate_column": ("\t17.00\n\t3.00\n\t85.00%", "\t17.00\n\t3.00\n\t58.00%", "derived", "58.00%"),
    "derived_share": ("\t60.00%\n\t30.00%\n\t10.00%", "\t60.00%\n\t30.00%\n\t1.00%", "derived", "1.00%"),
    "derived_balance": ("结转结余资金12万元", "结转结余资金21万元", "derived", "21万元"),
    "rate_funds": ("预算执行率90.00%", "预算执行率80.00%", "rate", "80.00%"),
    "rate_completion": ("任务完成率125.00%", "任务完成率152.00%", "rate", "152.00%"),
    "rate_stem": ("入户率96.00%", "入户率69.00%", "rate", "69.00%"),
    "rate_earlier_total": ("入户走访率95.00%", "入户走访率96.00%", "rate", "96.00%"),
    "rate_small_group": ("就业率85%", "就业率88%", "rate", "88%"),
    "grade": ("评定等级为良", "评定等级为优", "grade", "优"),
    "count_adjacent": ("绩效三个方面", "绩效四个方面", "count", "四个"),
    "count_announced": ("存在以下三个问题", "存在以下四个问题", "count", "四个"),
    "count_qizhong": ("涉及3个县（区）", "涉及4个县（区）", "count", "4个"),
    "count_questions": ("问卷共2题", "问卷共3题", "count", "3"),
    "consistency_heading": ("评价得分18.50分）", "评价得分18.00分）", "consistency", "18.00"),
    "consistency_total": ("最终自评得分88.50分", "最终自评得分88.60分", "consistency", "88.60"),
    "consistency_survey": ("满意度综合得分为19.30分", "满意度综合得分为19.80分", "consistency", "19.80"),
    "consistency_typo": ("全年累计为1250名", "全年累计为1205名", "consistency", "1205名"),
    "consistency_region": ("富民县40万元，晋宁区30万元", "富民县40万元，晋宁县30万元", "consistency", "晋宁县"),
    "consistency_two_lists": ("2.满意度调查问卷统计表。\n", "2.满意度调查问卷统计表。\n附件1：资金分配情况表；\n附件2：访谈记录。\n",
                              "consistency", None),
    "consistency_county_amount": ("宜良县50万元，富民县40万元", "宜良县55万元，富民县35万元", "consistency", None),
    "reference": ("，资金于当年全部到位", "，资金于当年全部到位", "reference", None),  # replaced below
    "unit_yuan": ("富民县40万元，晋宁区", "富民县40元，晋宁区", "unit", "40元"),
    "unit_missing": ("实际到位120万元", "实际到位120，", "unit", "120"),
    "date_after_report": ("至3月31日", "至4月30日", "date", "2024年4月30日"),
    "date_event_after_report": ("2023年12月20日，全部", "2024年12月20日，全部", "date", "2024年12月20日"),
    "date_impossible": ("2023年12月20日", "2023年12月32日", "date", "2023年12月32日"),
}
PLANTED["reference"] = ("（某财社〔2023〕12号），资金于", "（某财社〔2023〕21号），资金于", "reference", "某财社〔2023〕21号")
PLANTED["unit_missing"] = ("实际到位120万元，", "实际到位120，", "unit", "120")


def plant(key: str) -> str:
    old, new, _, _ = PLANTED[key]
    assert CLEAN.count(old) == 1, key  # the text to replace, exactly once
    return CLEAN.replace(old, new, 1)


# The per-capita check (kind "per_capita") needs a report of the 三、四级残疾人 pension subsidy: a second clean
# report, its allocation table exactly at the rule's city share per person for 2023 (200 元 × 5:5 = 100 元 for
# 石林县 and 阳宗海, × 7:3 = 140 元 for 东川区), and its planted twins. No 合计 row: a planted figure changes
# one row only.
PENSION_CLEAN = """\
某市残疾人联合会2023年三、四级残疾人城乡居民养老保险个人缴费补助项目支出绩效自评报告
根据《关于印发〈某市三、四级残疾人参加城乡居民社会养老保险个人缴费补助办法（试行）〉的通知》（昆残联发〔2016〕10号），市级财政按各县（区）分担比例下达补助资金。
2023年三、四级残疾人城乡居民养老保险补助经费使用情况表
\t序号
\t县（市、区）
\t下拨资金（万元）
\t实际补助人数（人）
\t备注

\t1
\t石林县
\t10
\t1000
\t

\t2
\t东川区
\t14
\t1000
\t

\t3
\t阳宗海
\t5
\t500
\t

某市残疾人联合会
2024年4月10日
"""

# key → (what is replaced, by what, the finding's "found" text); each plants exactly one per-capita error.
PENSION_PLANTED = {
    "per_capita_high": ("\t石林县\n\t10\n", "\t石林县\n\t32\n", "per_capita", "320.00元/人"),
    "per_capita_low": ("\t东川区\n\t14\n", "\t东川区\n\t5\n", "per_capita", "50.00元/人"),
    "per_capita_people": ("\t5\n\t500\n", "\t5\n\t200\n", "per_capita", "250.00元/人"),  # 阳宗海, a zone
}


def plant_pension(key: str) -> str:
    old, new, _, _ = PENSION_PLANTED[key]
    assert PENSION_CLEAN.count(old) == 1, key
    return PENSION_CLEAN.replace(old, new, 1)
