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


__all__ = ["FORMULA_TRIGGERS", "csv_cell", "csv_writer", "xlsx_workbook"]
