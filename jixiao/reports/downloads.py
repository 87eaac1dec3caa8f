"""The files a stored evaluation can be downloaded as, produced on demand from its printed figures
(the same dict the workbook path printed), so a download always matches the pages.

PDFs are slow (LibreOffice, ≈1 s a page): each is cached per evaluation and version under
JIXIAO_HOME/cache, and conversions run one at a time per process (each still has a private profile)."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from django.conf import settings

from jixiao.evaluations.models import Evaluation

_pdf_lock = threading.Lock()


def _stamp(evaluation: Evaluation) -> str:
    return f"{evaluation.pk}-{int(evaluation.updated_at.timestamp() * 1000)}"


def evaluation_report_docx(evaluation: Evaluation) -> bytes:
    from jixiao.reports.docx_report import render_report

    with tempfile.TemporaryDirectory(prefix="jixiao-docx-") as tmp:
        return render_report(evaluation.figures, Path(tmp) / "报告.docx").read_bytes()


def evaluation_score_sheet(evaluation: Evaluation) -> bytes:
    from jixiao.reports.scoresheet import write_score_sheet

    with tempfile.TemporaryDirectory(prefix="jixiao-xlsx-") as tmp:
        return write_score_sheet(evaluation.figures, Path(tmp) / "评分表.xlsx").read_bytes()


def evaluation_report_pdf(evaluation: Evaluation) -> bytes | None:
    """The report as PDF, or None when LibreOffice is not installed."""
    from jixiao.reports.docx_report import render_report
    from jixiao.reports.pdf import convert_to_pdf, find_soffice

    if find_soffice() is None:
        return None
    cache = Path(settings.JIXIAO_HOME) / "cache" / "reports"
    cached = cache / f"{_stamp(evaluation)}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    with _pdf_lock:
        if cached.is_file():
            return cached.read_bytes()
        with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
            docx = render_report(evaluation.figures, Path(tmp) / "报告.docx")
            pdf = convert_to_pdf(docx, Path(tmp))
            data = pdf.read_bytes()
        cache.mkdir(parents=True, exist_ok=True)
        for stale in cache.glob(f"{evaluation.pk}-*.pdf"):
            stale.unlink(missing_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(cached)
        return data


def project_workbook(evaluation: Evaluation) -> bytes:
    """The project as a filled workbook (what was scored), to correct offline and upload again."""
    from jixiao.evaluations.selectors import project_input_from_db
    from jixiao.workbooks.writer import write_workbook

    with tempfile.TemporaryDirectory(prefix="jixiao-wb-") as tmp:
        path = Path(tmp) / "项目工作簿.xlsx"
        write_workbook(path, project_input_from_db(evaluation))
        return path.read_bytes()


def blank_workbook(template_key: str = "") -> bytes:
    from jixiao.scoring.inputs import ProjectInput
    from jixiao.workbooks.writer import write_workbook

    project = None
    if template_key:
        from jixiao.indicators.selectors import indicator_template_rows

        project = ProjectInput(name="", year=0, owner_unit="", template=template_key,
                               indicators=indicator_template_rows(template_key))
    with tempfile.TemporaryDirectory(prefix="jixiao-wb-") as tmp:
        path = Path(tmp) / "项目工作簿.xlsx"
        write_workbook(path, project)
        return path.read_bytes()
