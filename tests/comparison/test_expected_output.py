"""One finding of every kind on a hand-made set, the whole findings.csv spelled out (values, order, wording), plus
the xlsx sheets and summary.json that go with it."""

import json

from python_calamine import CalamineWorkbook

from jixiao.comparison.kinds import FINDING_KINDS
from tests.comparison.files import make_id, person, run
from tests.comparison.test_rules import pension, subsidy

UNINSURED, UNPAID, COVERED = make_id("19800101", "101"), make_id("19810202", "202"), make_id("19820303", "303")
DOUBLE, DEAD, MOVED, TYPO = (make_id("19830404", "404"), make_id("19840505", "505"), make_id("19850606", "606"),
                             make_id("19860707", "707"))
TYPED = TYPO[:16] + TYPO[17] + TYPO[16]  # its last two characters swapped (and so an invalid check digit)

EXPECTED = [
    ("uninsured", "符合条件未参保", "pension", "registry", "2", UNINSURED, "甲未保", "530125001002", "",
     "三级、44岁（2024年），符合三、四级残疾人城乡居民养老保险个人缴费补助条件；2024年城乡居民养老保险参保缴费名册中没有参保记录"
     "（参保缴费或参保未缴费）"),
    ("unpaid", "参保未缴费", "pension", "pension", "2", UNPAID, "乙欠费", "530125001002", "",
     "2024年参保状态为“参保未缴费”（城乡居民养老保险参保缴费名册第2行），没有参保缴费记录：先缴后补、不缴不补"),
    ("covered_elsewhere", "已由其他部门补助", "pension", "pension", "4", COVERED, "丙他补", "530125001002", "",
     "县民政局已支付2024年养老保险缴费补助200元（城乡居民养老保险参保缴费名册第4行），不低于本项目标准200元：按就高原则，本项目不再补助"),
    ("double_paid", "重复补助", "pension", "", "", DOUBLE, "丁双补", "530125001002", "",
     "2024年有2笔养老保险缴费补助：县残联200元（城乡居民养老保险参保缴费名册第5行）、县民政局100元（其他部门缴费补助发放名册第2行）"),
    ("deceased_active", "死亡未注销", "", "deaths", "2", DEAD, "戊已故", "530125001002", "",
     "死亡日期2024-08-01（死亡人员名单第2行），残疾人证仍为有效"),
    ("moved_out", "户籍已迁出", "", "moves", "2", MOVED, "己迁出", "530125002001", "",
     "2024-05-01迁往530102001001（户籍迁出名单第2行），户籍地530125002001，残疾人证仍为有效"),
    ("invalid_id", "身份证号无效", "", "moves", "3", TYPED, "庚输错", "", "", "校验位错误：按前17位计算应为“9”，实际为“7”"),
    ("duplicate_person", "重复登记", "", "pension", "3", UNPAID, "乙欠费", "", "", "与第2行重复（身份证号、缴费年度相同）"),
    ("id_typo", "疑似身份证号录入错误", "", "moves", "3", TYPED, "庚输错", "530125001002", TYPO,
     "姓名与登记库中一人相同，身份证号与其相邻两位颠倒：疑为录入错误，请核对（比对仍按原号码进行）"),
]


def _run(tmp_path):
    registry = [person("甲未保", UNINSURED), person("乙欠费", UNPAID), person("丙他补", COVERED), person("丁双补", DOUBLE),
                person("戊已故", DEAD, level="一级"), person("己迁出", MOVED, level="二级", region="530125002001"),
                person("庚输错", TYPO, level="二级")]
    rows = [pension(UNPAID, "参保未缴费", name="乙欠费", personal="0"), pension(UNPAID, "参保未缴费", name="乙欠费", personal="0"),
            pension(COVERED, name="丙他补", proxy="200", dept="县民政局"), pension(DOUBLE, name="丁双补", proxy="200", dept="县残联")]
    subsidies = [subsidy(DOUBLE, "100", "县民政局", item="养老保险补助", name="丁双补")]
    deaths = [{"姓名": "戊已故", "身份证号": DEAD, "死亡日期": "2024-08-01"}]
    moves = [{"姓名": "己迁出", "身份证号": MOVED, "迁出日期": "2024-05-01", "迁往地区划代码": "530102001001"},
             {"姓名": "庚输错", "身份证号": TYPED, "迁出日期": "2024-05-01", "迁往地区划代码": "530125001001"}]
    return run(tmp_path, registry, pension=rows, subsidy=subsidies, deaths=deaths, moves=moves)


def test_one_finding_of_each_kind_spelled_out(tmp_path):
    result, found = _run(tmp_path)
    assert [tuple(f.values()) for f in found] == EXPECTED
    assert list(found[0]) == ["类型代码", "类型", "项目代码", "名册", "行号", "身份证号", "姓名", "户籍地区划代码", "建议身份证号", "说明"]
    assert result.exit_status == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["by_kind"] == {k: 1 for k in FINDING_KINDS}
    assert summary["counts"]["by_programme"] == {"pension": {"covered_elsewhere": 1, "double_paid": 1, "uninsured": 1,
                                                             "unpaid": 1}}
    assert summary["rules"]["programmes"]["pension"]["amount"] == "200"
    assert summary["rules"]["programmes"]["pension"]["amount_policy"] == "昆人社通〔2022〕18号"
    assert {i["kind"]: i["rows"] for i in summary["inputs"]} == {"registry": 7, "pension": 4, "subsidy": 1, "deaths": 1,
                                                                 "moves": 2}
    assert summary["not_compared"] == ["城乡居民医保参保名册未提供：不比对依赖它的发现"]


def test_the_workbook_has_a_sheet_per_kind_and_the_visit_list_by_village(tmp_path):
    _run(tmp_path)
    book = CalamineWorkbook.from_path(str(tmp_path / "out" / "findings.xlsx"))
    assert book.sheet_names == [*FINDING_KINDS.values(), "走访清单"]
    visits = book.get_sheet_by_name("走访清单").to_python()
    assert visits[0][:3] == ["类型代码", "类型", "项目代码"]
    # person-level findings only, by village: 530125001002 before 530125002001
    assert [(r[0], r[7]) for r in visits[1:]] == [
        ("uninsured", "530125001002"), ("unpaid", "530125001002"), ("covered_elsewhere", "530125001002"),
        ("double_paid", "530125001002"), ("deceased_active", "530125001002"), ("moved_out", "530125002001")]
    typo = book.get_sheet_by_name("疑似身份证号录入错误").to_python()
    assert typo[1][5] == TYPED and typo[1][8] == TYPO and typo[1][4] == 3


def test_user_text_is_never_a_formula_in_the_outputs(tmp_path):
    import zipfile

    formula = '=HYPERLINK("http://example.invalid","点我")'
    _, found = run(tmp_path, [person("甲", UNINSURED)], deaths=[{"姓名": formula, "身份证号": "-1+2", "死亡日期": "@x"}])
    (row,) = [f for f in found if f["类型代码"] == "invalid_id"]
    assert row["姓名"] == "'" + formula and row["身份证号"] == "'-1+2"  # the CSV neutralised
    book = tmp_path / "out" / "findings.xlsx"
    with zipfile.ZipFile(book) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)
    cells = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("身份证号无效").to_python()
    assert cells[1][6] == formula and cells[1][5] == "-1+2"  # the workbook keeps the text as typed, as text
