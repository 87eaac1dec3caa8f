"""Seed 003 (呈贡区民政局 2019, five social-assistance programmes) reproduced by `jixiao demo` from its
published figures: each programme's 合计 from its sources, 结余 = 合计 − spending, the combined 93 → 优;
where the seed's own printed figure does not follow from its parts the computed one is printed and the
demo workbook's 演示说明 names the printed figure it corrects. The report audits clean."""

from __future__ import annotations

import json

import pytest
from docx import Document

from jixiao.audit.services import audit_file
from jixiao.demo.run import WORKBOOK_NAME, demo_run
from jixiao.demo.seeds import DEMO_KEYS, PROGRAMME_SEED_KEYS, load_seed, seed_folder_name
from jixiao.workbooks.reader import read_workbook
from tests.workbooks.sheets import load_sheets

# name, sources (as printed in the seed), 合计, spent, 结余, households, persons
PROGRAMMES = [
    ("城市居民最低生活保障", [("中央资金", "26"), ("省级资金", "40"), ("县区级资金", "38.7"), ("上年结转", "8.53")],
     "113.23", "70.32", "42.91", "990", "1212"),  # the seed prints 结余 42.92
    ("涉诉特困人员救助", [("县区级资金", "30")], "30", "30", "0", "13", "18"),
    ("城乡临时救助", [("省级资金", "10"), ("上年结转", "18.09")], "28.09", "7.03", "21.06", "12", "12"),
    ("特困人员供养", [("中央资金", "10"), ("省级资金", "5"), ("县区级资金", "3.85"), ("上年结转", "1.85")],
     "20.7", "18.22", "2.48", "", "12"),  # the seed prints 合计 20.07
    ("六十年代精减退职职工生活补助", [("县区级资金", "4.3")], "4.3", "3.79", "0.51", "", "20"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    outputs = demo_run(out, pdf=False, store=False)
    return out / seed_folder_name("003"), outputs[DEMO_KEYS.index("003")]


def test_demo_reproduces_every_seed():
    assert DEMO_KEYS == ("001", "002", "003", "004") and PROGRAMME_SEED_KEYS == ("003",)


def test_seed_003_figures(demo):
    _, outputs = demo
    fig = outputs.figures
    assert (fig["total_score"], fig["grade"]) == ("93.00", "优")
    got = [(p["name"], [(s["words"], s["amount"]) for s in p["sources"]], p["total"], p["spent"], p["balance"],
            p["households"], p["persons"]) for p in fig["programmes"]]
    assert got == PROGRAMMES
    assert fig["programmes_total"]["total"] == "196.32" and fig["programmes_total"]["spent"] == "129.36"
    assert fig["programmes_total"]["balance"] == "66.96"
    dibao = fig["programmes"][0]
    assert (dibao["monthly_households"], dibao["monthly_persons"], dibao["standard"].split("（")[0]) == \
        ("83", "101", "630元/人/月")
    # the programmes' money is the project's: every source arrived
    assert fig["funds"]["arrival_rate"] == "100.00%" and fig["funds"]["execution_rate"] == "65.89%"


def test_demo_workbook_reads_back_and_names_what_it_corrects(demo):
    folder, _ = demo
    workbook = folder / WORKBOOK_NAME
    assert read_workbook(workbook).programmes == load_seed("003").programmes
    sheets = load_sheets(workbook)
    note = next(row[1] for row in sheets["项目信息"] if row[0] == "演示说明")
    assert "城市低保的结余，原报告印为42.92万元" in note
    assert "特困人员供养的资金合计，原报告印为20.07万元" in note
    assert "“该六个项目”，实际所列为五个项目" in note
    assert [row[0] for row in sheets["子项目"][1:6]] == [p[0] for p in PROGRAMMES]
    assert sheets["资金来源"][1:] == [] or all(not any(v for v in row) for row in sheets["资金来源"][1:])


def test_seed_003_report_tables_cell_by_cell(demo):
    folder, _ = demo
    tables = Document(str(folder / "报告.docx")).tables
    for table, (name, sources, total, spent, balance, _, _) in zip(tables, PROGRAMMES, strict=False):
        rows = [[c.text for c in row.cells] for row in table.rows]
        assert rows[0] == ["项目", "金额", "说明"], name
        assert [r[:2] for r in rows[1:1 + len(sources)]] == [list(s) for s in sources], name
        assert rows[1 + len(sources)] == ["资金合计", total, ""], name
        assert rows[-2][:2] == ["支出合计", spent], name
        assert rows[-1][:2] == ["结余（资金合计－支出合计）", balance], name
    tekun = [[c.text for c in row.cells] for row in tables[3].rows]
    assert tekun[6:9] == [["支出：供养经费", "11.62", ""],
                          ["支出：集中、分散供养照料护理补贴", "5.6", "昆财社〔2019〕106号"],
                          ["支出：购买老人寒冬衣物", "1", ""]]
    level1 = [[c.text for c in row.cells] for row in tables[5].rows]
    assert level1 == [
        ["一级指标", "权重分", "得分", "扣分", "得分率"],
        ["A项目决策", "20.00", "20.00", "0.00", "100.00%"],
        ["B项目管理", "20.00", "18.00", "2.00", "90.00%"],
        ["C项目绩效", "60.00", "55.00", "5.00", "91.67%"],
        ["合计", "100.00", "93.00", "7.00", "93.00%"],
    ]


def test_seed_003_report_text(demo):
    folder, _ = demo
    texts = [p.text for p in Document(str(folder / "报告.docx")).paragraphs if p.text.strip()]
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、")]
    assert headings == ["一、城市居民最低生活保障", "二、涉诉特困人员救助", "三、城乡临时救助", "四、特困人员供养",
                        "五、六十年代精减退职职工生活补助", "六、综合评价情况及评价结论", "七、存在问题"]
    assert "结余42.91万元，原因是上级资金拨给过多。" in texts
    assert "项目资金到位情况：中央资金10万元，省级资金5万元，县区级资金3.85万元，上年结转1.85万元，合计20.7万元。" in texts
    assert "全年累计救助990户1212人，平均月救助83户101人。" in texts
    assert any("五个项目综合得分93.00分，评定等级为优。" in t for t in texts)
    assert "2019年，五个项目资金合计196.32万元，共支出129.36万元，结余66.96万元。" in texts


def test_seed_003_report_audits_clean(demo):
    folder, _ = demo
    report = audit_file(folder / "报告.docx")
    assert report.errors == [] and report.findings == [], report.as_text()


def test_seed_003_summary_json(demo):
    folder, _ = demo
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    assert [p["balance"] for p in summary["programmes"]] == [p[4] for p in PROGRAMMES]
    assert summary["programmes_total"]["count"] == 5
