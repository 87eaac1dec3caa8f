"""The optional 银行卡号, 社保卡号 and 开户行 columns of a registry file: stored, checked (every problem located by row
and column in the error report), number cells refused like IDs, updated by a re-import and kept by a file without
the columns; the fast chunk path agrees with the explaining one."""

import pytest
from python_calamine import CalamineWorkbook

from jixiao.comparison.kinds import REGISTRY
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person, PersonChange
from jixiao.registry.validation import ChunkValidator, validate_row
from tests.registry.rows import HEADER, TODAY, make_id, problems, row, run, write_csv

pytestmark = pytest.mark.django_db

PAYMENT_HEADER = [*HEADER, "银行卡号", "社保卡号", "开户行"]
CARD = "6222021234567890123"  # invented, 19 digits
SOCIAL = "A12345678"  # invented, 9 characters


def run_payment(tmp_path, rows, header=PAYMENT_HEADER, **kwargs):
    path = write_csv(tmp_path / "名册.csv", rows, header=header)
    kwargs.setdefault("actor", None)
    return registry_import(path, today=TODAY, parallel=False, errors_path=tmp_path / "err", **kwargs)


def paying(**overrides):
    return row(**{"银行卡号": CARD, "社保卡号": SOCIAL, "开户行": "中国农业银行宜良县支行", **overrides})


def test_the_columns_are_stored(tmp_path):
    result = run_payment(tmp_path, [paying(), row(身份证号=make_id(seq="124"), 姓名="测试乙")])
    assert (result.created, result.rejected) == (2, 0), problems(result)
    first, second = Person.objects.order_by("id_number")
    assert (first.bank_card, first.social_card, first.bank_name) == (CARD, SOCIAL, "中国农业银行宜良县支行")
    assert (second.bank_card, second.social_card, second.bank_name) == ("", "", "")  # optional: empty cells


@pytest.mark.parametrize(("typed", "card", "social"), [
    ("6222 0212 3456 7890 123", CARD, "A12345678"),  # spaces, as printed on the card
    ("６２２２０２１２３４５６７８９０１２３", CARD, "a12345678"),  # full-width digits; a lower-case letter
    ("622202123456", "622202123456", "A1234567890123456789"),  # 12 digits, 20 characters: the bounds
])
def test_card_numbers_normalised(tmp_path, typed, card, social):
    result = run_payment(tmp_path, [paying(银行卡号=typed, 社保卡号=social)])
    assert result.rejected == 0, problems(result)
    person = Person.objects.get()
    assert (person.bank_card, person.social_card) == (card, social.upper())


def test_every_header_and_alias_of_the_format_is_read(tmp_path):
    for column in ("bank_card", "social_card", "bank_name"):
        for header in (REGISTRY.column(column).header, *REGISTRY.column(column).aliases):
            Person.objects.all().delete()
            value = {"bank_card": CARD, "social_card": SOCIAL, "bank_name": "中国银行"}[column]
            result = run_payment(tmp_path, [{**row(), header: value}], header=[*HEADER, header])
            assert result.created == 1, (header, problems(result))
            assert getattr(Person.objects.get(), column) == value, header


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("银行卡号", "62220212345", "应为12–19位数字（空格不计），实际为11位"),
    ("银行卡号", "62220212345678901234", "实际为20位"),
    ("银行卡号", "6222-0212-3456-7890", "只能由数字组成"),
    ("社保卡号", "A1234567", "应为9–20位字母或数字（空格不计），实际为8位"),
    ("社保卡号", "A123456789012345678901", "实际为22位"),
    ("社保卡号", "A1234-5678", "只能由字母和数字组成"),
    ("开户行", "中" * 61, "开户行最多60个字，实际为61个字"),
])
def test_invalid_values_located_in_the_error_report(tmp_path, column, value, reason):
    result = run_payment(tmp_path, [row(身份证号=make_id(seq="124"), 姓名="测试乙"), paying(**{column: value})])
    assert (result.created, result.rejected, result.exit_status) == (1, 1, 1)
    [found] = problems(result)
    assert (found["行号"], found["列"], found["原值"]) == ("3", column, value) and reason in found["原因"]
    assert not Person.objects.filter(id_number=make_id()).exists()  # the row is not imported


def _xlsx(path, cells: dict):
    """A one-row registry workbook in PAYMENT_HEADER order; ``cells``: column → a number written as a number cell."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, PAYMENT_HEADER)
    values = paying()
    sheet.write_row(1, 0, [values[h] for h in PAYMENT_HEADER])
    for column, number in cells.items():
        sheet.write_number(1, PAYMENT_HEADER.index(column), number)
    workbook.close()
    return path


@pytest.mark.parametrize("column", ["银行卡号", "社保卡号"])
def test_a_card_number_in_a_number_cell_is_refused_like_an_id(tmp_path, column):
    path = _xlsx(tmp_path / "名册.xlsx", {column: float(CARD)})  # what Excel keeps of a typed 19-digit number
    result = registry_import(path, actor=None, today=TODAY, parallel=False, errors_path=tmp_path / "err")
    found = problems(result)
    assert result.rejected == 1 and Person.objects.count() == 0
    assert [(p["行号"], p["列"]) for p in found] == [("2", column)]
    assert "数字格式" in found[0]["原因"] and "已经丢失" in found[0]["原因"] and "文本" in found[0]["原因"]
    sheet = CalamineWorkbook.from_path(str(result.error_files[1])).get_sheet_by_index(0).to_python()
    assert sheet[1][:2] == [2.0, column]  # the .xlsx report names the same row and column


def test_a_number_cell_is_refused_even_when_short_enough_to_survive(tmp_path):
    path = _xlsx(tmp_path / "名册.xlsx", {"银行卡号": 622202123456.0})
    found = problems(registry_import(path, actor=None, today=TODAY, parallel=False, errors_path=tmp_path / "err"))
    assert [(p["列"], "数字格式" in p["原因"]) for p in found] == [("银行卡号", True)]


def test_reimport_updates_them_with_history(tmp_path):
    run_payment(tmp_path, [paying()])
    assert run_payment(tmp_path, [paying()]).unchanged == 1  # the same file: nothing changes
    result = run_payment(tmp_path, [paying(银行卡号="6217000012345678", 社保卡号="", 开户行="中国建设银行宜良支行")])
    assert result.updated == 1, problems(result)
    person = Person.objects.get()
    assert (person.bank_card, person.social_card, person.bank_name) == ("6217000012345678", "", "中国建设银行宜良支行")
    changes = PersonChange.objects.get(action="update").changes
    assert changes["银行卡号"] == [CARD, "6217000012345678"] and changes["社保卡号"] == [SOCIAL, None]
    assert changes["开户行"] == ["中国农业银行宜良县支行", "中国建设银行宜良支行"]


def test_a_file_without_the_columns_keeps_what_is_stored(tmp_path):
    run_payment(tmp_path, [paying()])
    result = run(tmp_path, [row(联系电话="13900002222")])  # the older format: no payment columns at all
    assert result.updated == 1
    person = Person.objects.get()
    assert (person.bank_card, person.social_card, person.bank_name) == (CARD, SOCIAL, "中国农业银行宜良县支行")
    assert set(PersonChange.objects.get(action="update").changes) == {"联系电话"}
    assert run(tmp_path, [row(联系电话="13900002222")]).unchanged == 1
    # a file with one of them changes that one only
    result = run_payment(tmp_path, [{**row(联系电话="13900002222"), "开户行": "富滇银行"}], header=[*HEADER, "开户行"])
    person.refresh_from_db()
    assert result.updated == 1 and (person.bank_card, person.social_card, person.bank_name) == (CARD, SOCIAL, "富滇银行")


def test_parallel_reader_stores_the_same(tmp_path):
    rows = [paying(身份证号=make_id(seq=f"{n:03d}"), 姓名=f"测试{n}", 银行卡号=f"6222021234567{n:06d}") for n in range(200)]
    path = write_csv(tmp_path / "名册.csv", rows, header=PAYMENT_HEADER)
    assert registry_import(path, actor=None, today=TODAY, parallel=True).created == 200
    stored = dict(Person.objects.values_list("id_number", "bank_card"))
    assert stored == {make_id(seq=f"{n:03d}"): f"6222021234567{n:06d}" for n in range(200)}


@pytest.mark.parametrize(("bank", "social", "name"), [
    (CARD, SOCIAL, "中国农业银行"), ("", "", ""), (None, None, None), ("6222 0212 3456 7890", " a12345678 ", " 富滇银行 "),
    ("６２２２０２１２３４５６７８９０", "Ａ12345678", "ＡＢＣ银行"), ("12345", SOCIAL, "x"), (CARD, "A-1", "x"),
    (CARD, SOCIAL, "中" * 61), (float(CARD), SOCIAL, "x"), (CARD, 123456789.0, "x"), (0.0, SOCIAL, "x"),
])
def test_the_fast_path_agrees_with_the_explaining_one(bank, social, name):
    positions = {h: i for i, h in enumerate(["name", "id_number", "category", "level", "region_code", "bank_card",
                                              "social_card", "bank_name"])}
    cells = ["测试甲", make_id(), "肢体", "三级", "530125001002", bank, social, name]
    slow = validate_row(2, cells, positions, TODAY)
    fast = ChunkValidator(positions, TODAY).validate([(2, cells)])
    assert fast == ([slow[0]] if slow[0] else [], slow[1])
