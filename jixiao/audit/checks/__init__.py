"""The checks, one module per kind of finding (the survey table, which has sums and derived
figures of its own, has its own module). ``run_checks(document)`` runs them all."""

from __future__ import annotations

import logging
from functools import cached_property

from jixiao.audit.document import Document, Paragraph
from jixiao.audit.findings import Finding, Location
from jixiao.audit.tables import TableView, analyse, cell_label
from jixiao.audit.textnum import Quantity, excerpt, quantities

logger = logging.getLogger(__name__)


class Context:
    """One document with what several checks need, computed once."""

    def __init__(self, document: Document):
        self.doc = document
        self.views: list[TableView] = [analyse(t) for t in document.tables]
        self._quantities: dict[int, list[Quantity]] = {}

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        return self.doc.paragraphs

    def quantities(self, p: Paragraph) -> list[Quantity]:
        if p.block not in self._quantities:
            self._quantities[p.block] = quantities(p.text)
        return self._quantities[p.block]

    # ---- findings -------------------------------------------------------------------------------

    def at_paragraph(self, p: Paragraph, start: int, end: int) -> Location:
        return Location(block=p.block, paragraph=p.number, start=start, end=end)

    def at_cell(self, view: TableView, r: int, c: int | None, start: int | None = None,
                end: int | None = None) -> Location:
        return Location(block=view.table.block, table=view.table.number, row=r, col=c, start=start, end=end,
                        caption=view.table.caption, column_label=view.label(c) if c is not None else "")

    def paragraph_finding(self, kind: str, p: Paragraph, start: int, end: int, expected: str, found: str,
                          message: str) -> Finding:
        return Finding(kind, self.at_paragraph(p, start, end), excerpt(p.text, start, end), expected, found, message)

    def cell_finding(self, kind: str, view: TableView, r: int, c: int, expected: str, found: str,
                     message: str) -> Finding:
        cell = view.cell(r, c)
        label = view.row_label(r)
        column = cell_label(view.label(c))
        text = cell.text if cell is not None else ""
        parts = [x for x in (label, column) if x]
        shown = f"{'｜'.join(parts)}：{text}" if parts else text
        return Finding(kind, self.at_cell(view, r, c), shown.replace("\n", ""), expected, found, message)


def run_checks(document: Document, errors: list[str] | None = None) -> list[Finding]:
    """Every check on one document. A check that fails on an odd document does not stop the others:
    its name is added to ``errors`` (the caller says so) and the exception type is logged, never the
    report's text."""
    from jixiao.audit.checks import (
        consistency,
        counts,
        dates,
        derived,
        grade,
        per_capita,
        rates,
        references,
        sums,
        survey,
        units,
    )

    ctx = Context(document)
    findings: list[Finding] = []
    for module in (sums, survey, derived, rates, grade, counts, consistency, references, units, dates,
                   per_capita):
        try:
            findings.extend(module.check(ctx))
        except Exception as exc:  # one failed check must not hide the findings of the others
            name = module.__name__.rsplit(".", 1)[-1]
            logger.warning("audit check %s failed: %s", name, exc.__class__.__name__)
            if errors is not None:
                errors.append(name)
    seen, out = set(), []
    for f in sorted(findings, key=lambda f: f.location.sort_key()):
        if f.key() not in seen:
            seen.add(f.key())
            out.append(f)
    return out
