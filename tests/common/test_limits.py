"""Input limits: read from the environment, and every hostile file refused by zipfile inspection alone,
with a message naming the file, the sheet and the limit."""

from __future__ import annotations

import random
import zipfile

import pytest
import xlsxwriter

from jixiao.common.limits import (
    FileRefused,
    InputLimits,
    SheetLimit,
    check_docx,
    check_xlsx,
    column_letters,
)
from jixiao.workbooks.writer import write_workbook
from tests.bombs import (
    encrypted_xlsx,
    far_cell_xlsx,
    inflating_xlsx,
    lying_dimension_xlsx,
    raw_xlsx,
    renamed_docx,
    sheet_xml,
)
from tests.factories import sample_project

LIMITS = InputLimits()
WORKBOOK = SheetLimit(5_000, 200)


def check(path, *, sheet=WORKBOOK, max_bytes=20 << 20, max_uncompressed=50 << 20, limits=LIMITS, **kwargs):
    check_xlsx(path, max_bytes=max_bytes, max_uncompressed=max_uncompressed, sheet_limit=lambda _name: sheet,
               limits=limits, **kwargs)


def refusal(path, **kwargs) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        check(path, **kwargs)
    return caught.value


def test_defaults_and_environment_overrides():
    limits = InputLimits.from_env({"JIXIAO_WORKBOOK_MAX_ROWS": "300", "JIXIAO_REGISTRY_MAX_MB": "1.5",
                                   "JIXIAO_PROBLEMS_MAX_LISTED": " 20 "})
    assert (limits.workbook_max_rows, limits.registry_max_bytes, limits.problems_max_listed) == (300, 1572864, 20)
    assert limits.workbook_max_answer_rows == 20_000 and limits.error_report_max_rows == 10_000
    for bad in ("0", "-5", "many"):
        with pytest.raises(ValueError, match="JIXIAO_WORKBOOK_MAX_ROWS"):
            InputLimits.from_env({"JIXIAO_WORKBOOK_MAX_ROWS": bad})


def test_a_real_workbook_passes(tmp_path):
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project())
    check(path)


def test_a_cell_a_million_rows_down_is_refused_naming_file_sheet_and_limit(tmp_path):
    exc = refusal(far_cell_xlsx(tmp_path / "远.xlsx"))
    assert (exc.file, exc.sheet) == ("远.xlsx", "政策依据")
    assert "超过每张工作表 5,000 行的上限" in exc.reason and "第 1,048,575 行" in exc.reason
    assert str(exc).startswith("“远.xlsx”工作表“政策依据”：")


def test_the_last_allowed_row_and_column_pass_and_one_more_does_not(tmp_path):
    check(far_cell_xlsx(tmp_path / "5000.xlsx", row=5_000, column=199))
    assert "第 5,001 行" in refusal(far_cell_xlsx(tmp_path / "5001.xlsx", row=5_001)).reason
    reason = refusal(far_cell_xlsx(tmp_path / "201.xlsx", row=3, column=200)).reason
    assert "200 列的上限" in reason and "第 201 列，即 GS 列" in reason


def test_a_lying_dimension_does_not_hide_a_far_cell(tmp_path):
    exc = refusal(lying_dimension_xlsx(tmp_path / "角.xlsx"))
    assert "第 30,000 行" in exc.reason


def test_rows_and_cells_without_references_are_counted_as_calamine_counts_them(tmp_path):
    many_rows = "<row><c><v>1</v></c></row>" * 5_001
    assert "第 5,001 行" in refusal(raw_xlsx(tmp_path / "行.xlsx", {"表": sheet_xml(many_rows)})).reason
    wide = "<row>" + "<c><v>1</v></c>" * 201 + "</row>"
    assert "第 201 列" in refusal(raw_xlsx(tmp_path / "列.xlsx", {"表": sheet_xml(wide)})).reason
    check(raw_xlsx(tmp_path / "好.xlsx", {"表": sheet_xml("<row><c><v>1</v></c></row>" * 4_999)}))


def test_references_with_a_namespace_prefix_or_odd_spacing_are_seen(tmp_path):
    prefixed = sheet_xml('<x:row r="7000"><x:c r="A7000"><x:v>1</x:v></x:c></x:row>', prefix="x")
    assert "第 7,000 行" in refusal(raw_xlsx(tmp_path / "前缀.xlsx", {"表": prefixed})).reason
    spaced = sheet_xml('<row\n r="9"><c\tr="A9000"><v>1</v></c></row>')
    assert "第 9,000 行" in refusal(raw_xlsx(tmp_path / "空白.xlsx", {"表": spaced})).reason


def test_each_sheet_has_its_own_limit(tmp_path):
    path = raw_xlsx(tmp_path / "答卷.xlsx", {
        "问卷答卷": sheet_xml('<row r="15000"><c r="A15000"><v>1</v></c></row>'),
        "访谈": sheet_xml('<row r="6000"><c r="A6000"><v>1</v></c></row>'),
    })
    limits = {"问卷答卷": SheetLimit(20_000, 200), "访谈": SheetLimit(5_000, 200)}
    with pytest.raises(FileRefused) as caught:
        check_xlsx(path, max_bytes=20 << 20, max_uncompressed=50 << 20, sheet_limit=limits.__getitem__, limits=LIMITS)
    assert caught.value.sheet == "访谈"


def test_a_zip_bomb_is_refused_by_its_declared_sizes(tmp_path):
    path = inflating_xlsx(tmp_path / "炸弹.xlsx", inflated_mb=120)
    assert path.stat().st_size < 1 << 20
    assert "解压后有 120" in refusal(path).reason and "超过 50 MB 的上限" in refusal(path).reason
    exc = refusal(path, max_uncompressed=1 << 30)  # within the size limit: the ratio still gives it away
    assert "压缩比为" in exc.reason and "超过 100 倍的上限" in exc.reason


def test_too_many_members_too_large_a_file(tmp_path):
    path = raw_xlsx(tmp_path / "多.xlsx", {"表": sheet_xml("")}, extra={f"xl/media/{i}.bin": b"x" for i in range(1_001)})
    assert "1,006 个组成部分，超过 1,000 个的上限" in refusal(path).reason
    noise = random.Random(1).randbytes(2 << 20)  # does not compress
    big = raw_xlsx(tmp_path / "大.xlsx", {"表": sheet_xml("")}, extra={"xl/media/a.bin": noise})
    assert refusal(big, max_bytes=1 << 20).reason == "文件有 2 MB，超过 1 MB 的上限"


def test_what_is_not_a_workbook_says_so(tmp_path):
    junk = tmp_path / "假.xlsx"
    junk.write_bytes(b"this is not a workbook")
    assert refusal(junk).reason == "无法读取工作簿：不是有效的 Excel 工作簿（.xlsx），或文件已损坏"
    assert "缺少 xl/workbook.xml" in refusal(renamed_docx(tmp_path / "文档.xlsx")).reason
    assert "加密（设置了打开密码）" in refusal(encrypted_xlsx(tmp_path / "密码.xlsx")).reason


def test_a_big_registry_sheet_is_judged_by_its_dimension_or_streamed_when_it_has_none(tmp_path):
    registry = SheetLimit(1_048_576, 64, 30_000)
    dimensioned = raw_xlsx(tmp_path / "维度.xlsx", {"名册": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>',
                                                                    "A1:N3000")})
    assert "3,000 行 × 14 列，超过 30,000 个单元格的上限" in refusal(dimensioned, sheet=registry, full_scan_bytes=0).reason
    check(dimensioned, sheet=registry)  # measured cell by cell (a small sheet): one cell, fine
    undimensioned = raw_xlsx(tmp_path / "无维度.xlsx", {"名册": sheet_xml('<row r="2000"><c r="P2000"><v>1</v></c></row>')})
    assert "2,000 行 × 16 列" in refusal(undimensioned, sheet=registry, full_scan_bytes=0).reason


def test_only_the_first_sheet_when_only_it_is_read(tmp_path):
    path = raw_xlsx(tmp_path / "两表.xlsx", {"名册": sheet_xml('<row r="2"><c r="A2"><v>1</v></c></row>'),
                                            "备注": sheet_xml('<row r="9000"><c r="A9000"><v>1</v></c></row>')})
    check(path, first_sheet_only=True)
    assert refusal(path).sheet == "备注"


def docx(path, body: bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>" + body)
    return path


def test_docx_bounds(tmp_path):
    path = docx(tmp_path / "报告.docx", random.Random(2).randbytes(3 << 20))
    check_docx(path, LIMITS)
    with pytest.raises(FileRefused, match="解压后有 3 MB，超过 2 MB 的上限"):
        check_docx(path, InputLimits(docx_max_uncompressed_bytes=2 << 20))
    with pytest.raises(FileRefused, match="文件有 3 MB，超过 1 MB 的上限"):
        check_docx(path, InputLimits(audit_max_bytes=1 << 20))
    with pytest.raises(FileRefused, match="压缩比为 1,0"):
        check_docx(docx(tmp_path / "炸弹.docx", b" " * (3 << 20)), LIMITS)
    with pytest.raises(FileRefused, match="缺少 word/document.xml"):
        check_docx(raw_xlsx(tmp_path / "表.docx", {"表": sheet_xml("")}), LIMITS)


def test_column_letters():
    assert [column_letters(n) for n in (1, 26, 27, 200, 16_384)] == ["A", "Z", "AA", "GR", "XFD"]


def test_xlsxwriter_files_carry_references_on_every_row_and_cell(tmp_path):
    """The fast path (no walk of every element) is the one taken for the files jixiao itself writes."""
    from jixiao.common.limits import _Extent

    path = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("表")
    for row in range(100):
        sheet.write_row(row, 0, ["a", 1, "=b"])
    workbook.close()
    extent = _Extent(WORKBOOK)
    with zipfile.ZipFile(path) as archive:
        extent.feed(archive.read("xl/worksheets/sheet1.xml"))
    assert (extent.exact, extent.max_row, extent.max_column) == (False, 100, 3)
