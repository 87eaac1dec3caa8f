"""Hostile spreadsheet files, built here byte by byte (the kinds a probe used against the workbench):
a cell far down or far right in a tiny file, a zip that inflates a thousandfold, too many members,
references left out or written with a namespace prefix, a renamed Word file, an encrypted file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sheet_xml(rows: str, dimension: str | None = None, *, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns} xmlns:r="{_REL}">'
            f"{dim}<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>").encode()


def raw_xlsx(path: Path, sheets: dict[str, bytes], *, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx (calamine opens it) with these worksheet XMLs, in this order."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                     '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                     'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                     'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                     f'spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
    root_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
                + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, name in enumerate(names, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def far_cell_xlsx(path: Path, sheet: str = "政策依据", row: int = 1_048_575, column: int = 0) -> Path:
    """The probe's file: a header and one cell at ``row`` (1-based) — a few KB that calamine expands to
    a million rows (and, far right too, to a dense range of gigabytes)."""
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    worksheet.write_string(0, 0, "文件名称")
    worksheet.write_string(row - 1, column, "x")
    workbook.close()
    return path


def lying_dimension_xlsx(path: Path, sheet: str = "政策依据") -> Path:
    """<dimension ref="A1"/> but a cell at XFD30000: calamine would allocate 30,000 × 16,384 cells."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>文件名称</t></is></c></row>' \
           '<row r="30000"><c r="XFD30000"><v>1</v></c></row>'
    return raw_xlsx(path, {sheet: sheet_xml(rows, "A1")})


def inflating_xlsx(path: Path, inflated_mb: int, sheet: str = "政策依据") -> Path:
    """A sheet whose XML is ``inflated_mb`` MB of one repeated row: a zip bomb of ratio ~1000, streamed in
    (never held in memory)."""
    raw_xlsx(path, {sheet: sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')})
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    block = row * ((1 << 20) // len(row))
    block += b" " * ((1 << 20) - len(block))  # exactly 1 MB
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/padding.xml", "w", force_zip64=True) as out:
            for _ in range(inflated_mb):
                out.write(block)
    return path


def renamed_docx(path: Path) -> Path:
    """A Word document saved under an .xlsx name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an opening password: an OLE compound file, not a zip."""
    path.write_bytes(OLE_MAGIC + b"\x00" * 4088)
    return path
