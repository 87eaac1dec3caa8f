"""Reading reports into the neutral model (paragraphs, tables on their grid, locations) and reading
numbers as the reports write them."""

from __future__ import annotations

from decimal import Decimal

from docx import Document as new_docx

from jixiao.audit.document import Paragraph, Table, parse_flat_text, read_document
from jixiao.audit.tables import analyse
from jixiao.audit.textnum import cn_to_int, quantities

FLAT = (
    "标题段落\n"
    "单位：万元\n"
    "\t问卷题目及选项\n\tA（非常\n\n满意）\n\tB（满意）\n\n"  # a cell with a line break, then a blank line
    "\t1.总体评价\n\t8\n\t2\n\n"
    "\t\n合计\n\t10\n\t2\n\n"  # a cell whose text went on after a break, right after the cell
    "\t注：说明\n第1题20分。\n\n"  # a one-cell note row continued on the next line
    " 2.下一段\n"
)


def test_flat_text_tables_and_continued_cells():
    blocks = parse_flat_text(FLAT)
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = blocks[2]
    assert [[c.text for c in row] for row in table.rows] == [
        ["问卷题目及选项", "A（非常\n满意）", "B（满意）"],
        ["1.总体评价", "8", "2"],
        ["合计", "10", "2"],
        ["注：说明\n第1题20分。"],
    ]
    assert blocks[3].text == "2.下一段"


def test_txt_numbers_tables_and_captions(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(FLAT, encoding="utf-8")
    doc = read_document(path)
    assert [p.number for p in doc.paragraphs] == [1, 2, 3]
    (table,) = doc.tables
    assert (table.number, table.unit, table.caption) == (1, "万元", "标题段落")


def test_docx_merged_cells_keep_the_grid(tmp_path):
    d = new_docx()
    d.add_paragraph("资金分配表")
    t = d.add_table(rows=4, cols=4)
    for r, row in enumerate([["序号", "县（市）区", "下拨资金（万元）", "人数"], ["1", "宜良县", "60", "600"],
                             ["2", "富民县", "40", "420"], ["合计", "", "100", "1020"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(3, 0).merge(t.cell(3, 1))  # 合计 across 序号 and 县（市）区
    t.cell(1, 3).merge(t.cell(2, 3))  # a cell merged down
    path = tmp_path / "r.docx"
    d.save(str(path))
    doc = read_document(path)
    (table,) = doc.tables
    texts = [[c.text for c in row] for row in table.rows]
    assert texts[3] == ["合计", "", "100", "1020"]
    assert texts[1][3] and texts[2][3] == ""  # the merged-down cell keeps its text in its first row only
    assert table.caption == "资金分配表" and isinstance(doc.blocks[0], Paragraph) and isinstance(doc.blocks[1], Table)
    view = analyse(table)
    assert view.is_total_row(3) and view.labels[2] == "下拨资金（万元）" and view.number(3, 2).value == Decimal(100)


def test_quantities_units_and_what_is_not_a_quantity():
    text = ("2022年市级共补助资金317.395万元，其中：晋宁区13.075元；截至9月30日持证人数164671人，入户率97.66%；"
            "《通知》（昆财社〔2022〕36号）；市、县两级承担比例为5︰5；培训超过1400人次；一档835.00元/月/人；"
            "补发5、6、7月份；中央资金26.万元；电话：67471583；１２３．５％")
    got = [(q.text, q.unit, q.decimals, q.compound) for q in quantities(text)]
    assert got == [("317.395万元", "万元", 3, False), ("13.075元", "元", 3, False), ("164671人", "人", 0, False),
                   ("97.66%", "%", 2, False), ("835.00元", "元", 2, True), ("26.万元", "万元", 0, False),
                   ("１２３．５％", "%", 1, False)]
    bounds = [q.text for q in quantities("培训超过1400人次，满意度≥85%，约79人", with_bounds=True)]
    assert bounds == ["1400人次", "85%", "79人"]


def test_chinese_numerals():
    assert [cn_to_int(t) for t in ("三", "十", "十二", "二十", "三十五", "两", "一百零二", "12", "三个")] == [
        3, 10, 12, 20, 35, 2, 102, 12, None]
