"""The audit on reports written for the test: a clean report (zero findings) and, for every kind of
finding, its twin with one planted error (found, and nothing else).

The report is written in the seeds' flattened .txt form (a paragraph per line, a table cell per
tab-indented line, a blank line after each row); ``docx_twin`` lays the same text out as a .docx.
"""

from __future__ import annotations

import pytest

from jixiao.audit.document import read_document
from jixiao.audit.services import audit_file
from tests.audit.planted import CLEAN, PENSION_PLANTED, PLANTED, plant


def audit_text(tmp_path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = audit_file(path)
    assert report.errors == []
    return report


def test_clean_report_has_no_findings(tmp_path):
    report = audit_text(tmp_path, CLEAN)
    assert report.findings == [], report.as_text()


@pytest.mark.parametrize("key", sorted(PLANTED))
def test_each_planted_error_is_found_alone(tmp_path, key):
    _, _, kind, found = PLANTED[key]
    report = audit_text(tmp_path, plant(key))
    kinds = [f.kind for f in report.findings]
    expected_count = 2 if key == "consistency_county_amount" else 1
    assert kinds == [kind] * expected_count, report.as_text()
    if found is not None:
        assert report.findings[0].found == found, report.as_text()
    f = report.findings[0]
    assert f.message and f.expected and f.location.describe()


def test_every_kind_is_planted():
    from jixiao.audit.findings import KINDS

    planted = {kind for _, _, kind, _ in (*PLANTED.values(), *PENSION_PLANTED.values())}
    assert planted == set(KINDS)  # per_capita in its own report: tests/audit/test_per_capita.py


def test_planted_errors_in_one_report_are_all_found(tmp_path):
    keys = ["derived_rate_column", "rate_stem", "grade", "reference", "unit_yuan", "date_after_report",
            "count_announced", "consistency_typo", "sum_qizhong"]
    text = CLEAN
    for key in keys:
        old, new, _, _ = PLANTED[key]
        text = text.replace(old, new, 1)
    report = audit_text(tmp_path, text)
    assert sorted(f.kind for f in report.findings) == sorted(PLANTED[k][2] for k in keys), report.as_text()


# Legitimate phrasing that looks like a break at first sight: none of it may be reported.
LOOKALIKES = [
    "2022年共救助残疾儿童1240人，2023年共救助残疾儿童1250人。",  # near-equal counts of different years
    "原晋宁县于2016年撤县设区，现晋宁区残联承担本项目。",  # a former name on purpose
    "本项目实施期为2023年1月1日至2023年12月31日，绩效评价按年度开展。",  # the project period, not the evaluation
    "项目决策得分18.5分，项目管理得分17分，项目绩效得分53分，总得分88.5分，等级为良。",  # sub-scores first
    "其中：重度残疾儿童300人。",  # a partial 其中 list (one item)
    "2023年共发放补助资金108万元，其中康复训练补助60万元，辅具适配补助20万元。",  # a partial 其中 list
    "会同民政局等12个部门共同组织实施，补发5、6、7月份补贴。",  # 等 with one item named; months
    "服务满意率达到90%以上，抽查比例不低于30%。",  # bounds, not rates to recompute
    "计划于2024年6月30日前完成整改。",  # a deadline after the report date
    "年初预算100万元，年中追加20万元，全年预算120万元，预算执行率90.00%。",  # more than one budget figure
    # a rate whose total would be in an earlier sentence, but the pairing is not unambiguous:
    "2022年共走访3,700人。2023年共走访4,800人。其中入户走访4,520人，入户走访率90.00%。",  # two totals
    "共走访4,800人。走访困难残疾人4,650人，其中入户走访4,520人，入户走访率97.20%。",  # a nearer, larger count
    "共发放走访慰问金4,800万元。其中入户走访4,520人，入户走访率90.00%。",  # the total is of another unit
    "共走访4,800人。其中电话回访4,520人，入户走访率90.00%。",  # no count named after the rate
]


def test_lookalikes_are_not_reported(tmp_path):
    text = CLEAN.replace("二、评价结论\n", "\n".join(LOOKALIKES) + "\n二、评价结论\n")
    report = audit_text(tmp_path, text)
    assert report.findings == [], report.as_text()


def test_expected_and_found_for_a_wrong_rate(tmp_path):
    report = audit_text(tmp_path, plant("rate_stem"))
    (f,) = report.findings
    assert (f.expected, f.found) == ("96.00%", "69.00%")
    assert "1200人÷（1200人＋50人）" in f.message


def test_rate_with_its_total_in_an_earlier_sentence(tmp_path):
    report = audit_text(tmp_path, plant("rate_earlier_total"))
    (f,) = report.findings
    assert (f.expected, f.found) == ("95.00%", "96.00%")
    assert f.message == "入户走访率应为入户走访2,280人÷共慰问困难残疾人2,400人=95.00%，文中为96.00%。"
    assert f.location.paragraph == next(p.number for p in read_document(tmp_path / "report.txt").paragraphs
                                         if "入户走访率" in p.text)


def test_rate_with_its_total_in_the_issue_s_wording(tmp_path):
    """共慰问1,198人。……其中入户走访1,150人，入户走访率96.99%: 1,150 ÷ 1,198 = 95.99%."""
    line = "共慰问1,198人。慰问工作由各乡镇组织实施。其中入户走访1,150人，入户走访率{}。"
    text = CLEAN.replace("二、评价结论\n", line.format("96.99%") + "\n二、评价结论\n")
    (f,) = audit_text(tmp_path, text).findings
    assert (f.kind, f.expected, f.found) == ("rate", "95.99%", "96.99%")
    text = CLEAN.replace("二、评价结论\n", line.format("95.99%") + "\n二、评价结论\n")
    assert audit_text(tmp_path, text).findings == []


def test_rate_whose_total_is_ambiguous_is_not_reported(tmp_path):
    """90.00% agrees with neither 4,520 ÷ 4,650 nor 4,520 ÷ 4,800, but which one is meant is not certain."""
    line = "共走访4,800人。走访困难残疾人4,650人，其中入户走访4,520人，入户走访率90.00%。"
    text = CLEAN.replace("二、评价结论\n", line + "\n二、评价结论\n")
    assert audit_text(tmp_path, text).findings == []
    # without the nearer count the total is certain, and the same rate is reported
    text = CLEAN.replace("二、评价结论\n", line.replace("走访困难残疾人4,650人，", "") + "\n二、评价结论\n")
    (f,) = audit_text(tmp_path, text).findings
    assert (f.expected, f.found) == ("94.17%", "90.00%")


def _number_of(tmp_path, start: str) -> int:
    return next(p.number for p in read_document(tmp_path / "report.txt").paragraphs if p.text.startswith(start))


def test_two_attachment_lists_are_reported_once_at_the_second(tmp_path):
    report = audit_text(tmp_path, plant("consistency_two_lists"))
    (f,) = report.findings
    first, second = _number_of(tmp_path, "相关附件"), _number_of(tmp_path, "附件1：资金")
    assert f.location.paragraph == second and f.found == f"第{second}段起的第二个附件列表"
    assert f.message == (f"报告中有两个编号的附件列表：第{first}段起2项、第{second}段起2项，各自从1编号，"
                         "“附件1”在两处所指不同，应合为一个列表、统一编号。")


@pytest.mark.parametrize("second", [
    "七、附件\n1.资金分配情况表\n2.访谈记录\n3.问卷\n",  # a heading and numbered paragraphs
    "附件：1.资金分配情况表；2.访谈记录。\n",  # one paragraph
    "附件1：资金分配情况表；附件2：访谈记录。\n",  # one paragraph, 附件N
])
def test_a_second_attachment_list_in_other_forms(tmp_path, second):
    text = CLEAN.replace("某县残疾人联合会\n2024年4月10日", second + "某县残疾人联合会\n2024年4月10日")
    (f,) = audit_text(tmp_path, text).findings
    assert f.kind == "consistency" and "两个编号的附件列表" in f.message


@pytest.mark.parametrize("text", [
    # the annex pages after the one list: 附件1 and 附件2 each head their own page (a table between)
    "附件1：项目绩效指标体系及评分表\n\t指标\n\t权重分\n\n\tA\n\t20\n\n附件2：满意度调查问卷统计表\n"
    "1.调查对象为受助儿童家长。\n2.调查采用电话方式。\n",
    # a numbered list that is not of attachments
    "四、下一步工作\n1.加强政策宣传。\n2.简化申请流程。\n",
    # one annex referred to in a sentence
    "具体评分情况详见附件1：项目绩效指标体系及评分表。\n",
])
def test_one_attachment_list_with_annex_pages_is_clean(tmp_path, text):
    text = CLEAN.replace("某县残疾人联合会\n2024年4月10日\n", "某县残疾人联合会\n2024年4月10日\n" + text)
    assert audit_text(tmp_path, text).findings == []


def test_full_width_digits_and_chinese_numerals(tmp_path):
    text = CLEAN.replace("预算执行率90.00%", "预算执行率９０．００％").replace("绩效三个方面", "绩效３个方面")
    assert audit_text(tmp_path, text).findings == []
    text = CLEAN.replace("预算执行率90.00%", "预算执行率８０．００％")
    (f,) = audit_text(tmp_path, text).findings
    assert f.kind == "rate" and f.expected == "90.00%"
