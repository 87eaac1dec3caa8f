"""What an .xlsx really holds, read from its XML (not through a reader that might hide a formula), and
the user text that must never become a formula in any file jixiao writes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

# User text that a spreadsheet program would run if it were stored as a formula (or typed into a CSV).
FORMULA_PAYLOADS = ('=HYPERLINK("http://evil.example/x","点我")', "+1", "-2+3", "@SUM(A1)")
URL_PAYLOAD = "http://evil.example/phish"

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _text_of(element) -> str:
    """The text of a string item (<si> or <is>): its <t> runs, phonetic runs (<rPh>) left out."""
    return "".join(t.text or "" for t in element.iter(f"{_MAIN}t") if t.getparent().tag != f"{_MAIN}rPh")


def xlsx_contents(path: Path) -> dict:
    """{"formulas": [formula text…], "strings": [text of every string cell…], "hyperlinks": n,
    "formula_cells": [cell refs whose type is a formula result]} over every worksheet of the file."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = etree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = [_text_of(si) for si in root.iter(f"{_MAIN}si")]
        formulas, strings, formula_cells, hyperlinks = [], [], [], 0
        for name in names:
            if name.startswith("xl/worksheets/_rels/"):
                hyperlinks += archive.read(name).count(b"/hyperlink")
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(archive.read(name))
            formulas += [f.text or "" for f in root.iter(f"{_MAIN}f")]
            hyperlinks += sum(1 for _ in root.iter(f"{_MAIN}hyperlink"))
            for cell in root.iter(f"{_MAIN}c"):
                kind = cell.get("t")
                if kind == "s":
                    strings.append(shared[int(cell.find(f"{_MAIN}v").text)])
                elif kind == "inlineStr":
                    strings.append(_text_of(cell.find(f"{_MAIN}is")))
                elif kind == "str":
                    formula_cells.append(cell.get("r"))
    return {"formulas": formulas, "strings": strings, "formula_cells": formula_cells, "hyperlinks": hyperlinks}


def assert_text_only(path: Path, expected_texts) -> None:
    """No formula, no formula result and no hyperlink anywhere; each expected text stored as a string cell
    (``expected_texts``: exact cell texts, or (text, "prefix") for a cell that begins with the text)."""
    contents = xlsx_contents(path)
    assert contents["formulas"] == [], contents["formulas"]
    assert contents["formula_cells"] == [], contents["formula_cells"]
    assert contents["hyperlinks"] == 0
    strings = contents["strings"]
    for expected in expected_texts:
        if isinstance(expected, tuple):
            text, _ = expected
            assert any(s.startswith(text) for s in strings), (text, strings)
        else:
            assert expected in strings, (expected, strings)
