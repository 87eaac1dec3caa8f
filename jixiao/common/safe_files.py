"""The one way jixiao writes spreadsheets: user text is always text, never a formula or a link.

**.xlsx** — ``xlsx_workbook(path, **options)`` opens an xlsxwriter Workbook with the conversions that
turn text into something else switched off, whatever the caller passes:

- ``strings_to_formulas=False``: ``write()``, ``write_row()`` and ``merge_range()`` store "=HYPERLINK(…)"
  as a string, not as a formula (xlsxwriter's default would make it a live formula);
- ``strings_to_urls=False``: "http://…" stays text, not a clickable link;
- ``strings_to_numbers=False``: "0012" and "5301251980…" stay text (xlsxwriter's default already).

A formula jixiao means to write must be written with ``worksheet.write_formula()`` explicitly; today
no writer writes one (totals are computed by jixiao and written as numbers).

**.csv** — ``csv_writer(handle)`` is ``csv.writer`` with every *text* cell passed through
``csv_cell``: a string that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an
apostrophe in front (``=1+2`` → ``'=1+2``, ``-2`` → ``'-2``), so Excel and WPS show it as typed instead
of evaluating it (OWASP's advice for CSV injection). Only ``str`` values are touched: numbers jixiao
produces itself (row numbers, counts — ``int``, ``float``, ``Decimal``) are written as plain digits, a
negative one with its minus sign, because such a cell can only be a number. A user's text that looks
like a number ("-2" typed in a cell) is still text and is neutralised like any other.
"""

from __future__ import annotations

import csv
from pathlib import Path

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SAFE_XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def xlsx_workbook(path, **options):
    """An ``xlsxwriter.Workbook`` at ``path`` that stores strings as strings (see the module text).

    ``options`` are xlsxwriter's (e.g. ``constant_memory=True``); the three conversions above cannot be
    switched back on here."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(Path(path)), {**options, **SAFE_XLSX_OPTIONS})


def csv_cell(value):
    """A cell value as it may go into a CSV file: text beginning with a formula trigger gets a "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _SafeCsvWriter:
    def __init__(self, handle, **kwargs):
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._writer.dialect


def csv_writer(handle, **kwargs) -> _SafeCsvWriter:
    """``csv.writer(handle, **kwargs)`` whose rows pass through ``csv_cell``."""
    return _SafeCsvWriter(handle, **kwargs)


# ---- large text tables as .xlsx, rows already written as XML ---------------------------------------------------
# xlsxwriter costs ~5 µs a cell in Python: a comparison's 400,000 findings (two sheets of ten columns) took 55 s.
# For such tables the rows are made as sheet XML by the database engine (``xlsx_row_sql``: every text cell an
# *inline string*, which a spreadsheet never evaluates — there is no formula element) and only zipped here.

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/styles.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                  '{sheets}{shared}</Types>')
_SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font>'
           '</fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
           '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/></patternFill></fill></fills>'
           '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
           '<cellXfs count="2"><xf/><xf fontId="1" fillId="2" applyFont="1" applyFill="1"/></cellXfs></styleSheet>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
               'state="frozen"/></sheetView></sheetViews><cols>{cols}</cols><sheetData>{header}')
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: None for c in range(32) if c not in (9, 10, 13)}})


def _xml_text(text: str) -> str:
    return str(text).translate(_XML_TEXT)


# What sends a cell down the slow path: a character to escape or drop, any control character (tab, line feed and
# carriage return stay, but are whitespace XML may fold), or a space at either end (kept only with
# xml:space="preserve" — which the other cells go without: it was a fifth of the bytes of a findings workbook).
_XML_SPECIAL = "[&<>\\x00-\\x1F]|^ | $"
_XML_EDGE_SPACE = "^[ \\t\\n\\r]|[ \\t\\n\\r]$"


def xlsx_text_cell_sql(expression: str) -> str:
    """SQL (DuckDB) for one text cell of a row: an inline string, escaped, control characters other than tab, line
    feed and carriage return dropped, whitespace at the ends kept; an empty cell for NULL or ''. Nearly every cell
    needs none of this, and a test is far cheaper than doing it."""
    escaped = (f"REGEXP_REPLACE(REPLACE(REPLACE(REPLACE({expression}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), "
               f"'[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]', '', 'g')")
    slow = (f"CASE WHEN REGEXP_MATCHES({escaped}, '{_XML_EDGE_SPACE}') "
            f"THEN '<c t=\"inlineStr\"><is><t xml:space=\"preserve\">' ELSE '<c t=\"inlineStr\"><is><t>' END "
            f"|| {escaped}")
    return (f"CASE WHEN COALESCE({expression}, '') = '' THEN '<c/>' "
            f"WHEN REGEXP_MATCHES({expression}, '{_XML_SPECIAL}') THEN {slow} || '</t></is></c>' "
            f"ELSE '<c t=\"inlineStr\"><is><t>' || {expression} || '</t></is></c>' END")


def xlsx_shared_cell_sql(expression: str, shared: list[str]) -> str:
    """SQL (DuckDB) for a text cell whose value is one of ``shared`` — a column of few values on many rows (a kind,
    a roster) — as a reference into the workbook's shared strings (``xlsx_write_rows(shared=…)``): ~20 bytes
    instead of ~40 and the text; any other value inline."""
    whens = " ".join(f"WHEN '{v.replace(chr(39), chr(39) * 2)}' THEN '<c t=\"s\"><v>{i}</v></c>'"
                     for i, v in enumerate(shared))
    return f"CASE {expression} {whens} ELSE {xlsx_text_cell_sql(expression)} END" if shared else xlsx_text_cell_sql(expression)


def xlsx_number_cell_sql(expression: str) -> str:
    return f"CASE WHEN {expression} IS NULL THEN '<c/>' ELSE '<c><v>' || CAST({expression} AS VARCHAR) || '</v></c>' END"


def xlsx_row_sql(cells: list[str]) -> str:
    """SQL for a whole row from ``xlsx_text_cell_sql`` / ``xlsx_number_cell_sql`` parts."""
    return "'<row>' || " + " || ".join(cells) + " || '</row>'"


def _read_ahead(sheets, depth: int = 4):
    """Each sheet's chunks, in order, made by a second thread a few chunks ahead of the one that compresses them:
    the engine's query (which releases the GIL) and zlib (which does too) then run at the same time (a comparison's
    431,625 findings: 3.15 → 2.75 s). One thread makes all the chunks, one sheet after the other, so a DuckDB
    connection behind them is never used by two threads at once (Django's connections are per thread: chunks
    must not come from the ORM). Yields one iterator per sheet; an error in the making is raised where the chunk
    would have been."""
    import queue
    import threading

    done = object()
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunks in sheets:
                for chunk in chunks:
                    if not put(chunk):
                        return
                if not put(done):
                    return
        except BaseException as exc:  # noqa: BLE001 — handed to the consuming thread, raised there
            put(exc)

    worker = threading.Thread(target=make, name="xlsx-read-ahead", daemon=True)
    worker.start()

    def sheet_chunks():
        while True:
            item = handoff.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        for _ in sheets:
            yield sheet_chunks()
    finally:
        stop.set()
        worker.join()


def xlsx_write_rows(path, sheets, *, shared: list[str] = ()) -> None:
    """An .xlsx of ``sheets``: (name, header texts, column widths, chunks of row XML from ``xlsx_row_sql``);
    ``shared``: the shared strings the rows' ``xlsx_shared_cell_sql`` cells refer to, in that order."""
    import zipfile

    sheets = list(sheets)
    shared = list(shared)
    ahead = _read_ahead([chunks for *_rest, chunks in sheets])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1)),
            shared=_SHARED_TYPE if shared else ""))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        names = "".join(f'<sheet name="{_xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
                        for n, (name, *_rest) in enumerate(sheets, start=1))
        archive.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook '
                         'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                         f'openxmlformats.org/officeDocument/2006/relationships"><sheets>{names}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/styles" Target="styles.xml"/>')
        if shared:
            rels += (f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
            items = "".join(f'<si><t xml:space="preserve">{_xml_text(v)}</t></si>' for v in shared)
            archive.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst '
                             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                             f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'{rels}</Relationships>')
        for n, ((_name, header, widths, _chunks), chunks) in enumerate(zip(sheets, ahead, strict=True), start=1):
            cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
            head = "<row>" + "".join(f'<c s="1" t="inlineStr"><is><t>{_xml_text(h)}</t></is></c>' for h in header) + "</row>"
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=False) as member:
                member.write(_SHEET_HEAD.format(cols=cols, header=head).encode("utf-8"))
                for chunk in chunks:  # text, or UTF-8 bytes (an Arrow buffer, written without a copy)
                    member.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                member.write(b"</sheetData></worksheet>")


__all__ = ["FORMULA_TRIGGERS", "csv_cell", "csv_writer", "xlsx_number_cell_sql", "xlsx_row_sql",
           "xlsx_shared_cell_sql", "xlsx_text_cell_sql", "xlsx_workbook", "xlsx_write_rows"]
