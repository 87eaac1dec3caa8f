"""Registry files jixiao writes keep the user's text as text: the export (.xlsx) and the import error
report (.xlsx as string cells, .csv with formula-like cells neutralised by a leading apostrophe)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person
from jixiao.registry.services import registry_export
from tests.registry.rows import TODAY, make_id, row, write_csv
from tests.spreadsheets import FORMULA_PAYLOADS, URL_PAYLOAD, assert_text_only

pytestmark = pytest.mark.django_db
LINK, PLUS, MINUS, AT = FORMULA_PAYLOADS


def test_registry_export_keeps_formula_like_names_addresses_and_phones_as_text(world, tmp_path):
    rows = [row(姓名=LINK, 身份证号=make_id(seq="301"), 户籍地址=URL_PAYLOAD, 联系电话=PLUS),
            row(姓名=AT, 身份证号=make_id(seq="302"), 户籍地址=MINUS, 联系电话="13800001111")]
    result = registry_import(write_csv(tmp_path / "名册.csv", rows), today=TODAY, actor=None, parallel=False)
    assert (result.created, result.rejected) == (2, 0)
    out = tmp_path / "导出.xlsx"
    count = registry_export(actor=world.users["admin"], persons=Person.objects.all(), out_path=out, unmasked=True,
                            description="全部")
    assert count == 2
    assert_text_only(out, [LINK, AT, URL_PAYLOAD, MINUS, PLUS])


def test_registry_error_report_keeps_formula_like_values_as_text(tmp_path):
    rows = [row(身份证号=LINK), row(身份证号=make_id(seq="311"), 残疾类别=PLUS),
            row(身份证号=make_id(seq="312"), 残疾等级=MINUS), row(身份证号=make_id(seq="313"), 发证日期=AT)]
    result = registry_import(write_csv(tmp_path / "名册.csv", rows), today=TODAY, actor=None, parallel=False,
                             errors_path=tmp_path / "错误报告")
    csv_path, xlsx_path = result.error_files
    assert_text_only(xlsx_path, [LINK, PLUS, MINUS, AT])
    with Path(csv_path).open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["行号", "列", "原值", "原因"]
    values = {(line[0], line[1]): line[2] for line in lines[1:]}
    assert values[("2", "身份证号")] == "'" + LINK
    assert values[("3", "残疾类别")] == "'" + PLUS
    assert values[("4", "残疾等级")] == "'" + MINUS
    assert values[("5", "发证日期")] == "'" + AT
