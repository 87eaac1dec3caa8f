"""The evaluation's files: workbook → validated project → scores → report files (→ database).

Validation comes first and is complete: on any problem ``InputInvalid`` is raised before a file
is written or a row stored. Output files are written to a private folder and moved into place
only when all of them exist, inside the database transaction, so a failure leaves neither
half a set of files nor half a project.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.common.problems import InputInvalid
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures, summary_from_figures
from jixiao.scoring.inputs import ProjectInput

REPORT_DOCX = "报告.docx"
REPORT_PDF = "报告.pdf"
SCORE_SHEET = "评分表.xlsx"
SUMMARY_JSON = "summary.json"


@dataclass
class EvaluationOutputs:
    figures: dict
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    pdf_skipped_reason: str = ""
    evaluation_id: int | None = None


def _write_outputs(figures: dict, target: Path, *, pdf: bool, report_template=None) -> tuple[list[Path], str]:
    from jixiao.reports.docx_report import render_report
    from jixiao.reports.pdf import convert_to_pdf
    from jixiao.reports.scoresheet import write_score_sheet

    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jixiao-", dir=target))
    try:
        render_report(figures, staging / REPORT_DOCX, template_path=report_template)
        write_score_sheet(figures, staging / SCORE_SHEET)
        (staging / SUMMARY_JSON).write_text(
            json.dumps(summary_from_figures(figures), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        skipped = ""
        if pdf:
            if convert_to_pdf(staging / REPORT_DOCX, staging) is None:
                skipped = "未找到 LibreOffice（soffice），未生成 PDF"
        else:
            skipped = "按要求未生成 PDF"
        produced_names = {p.name for p in staging.iterdir()}
        for stale in (REPORT_DOCX, REPORT_PDF, SCORE_SHEET, SUMMARY_JSON):
            if stale not in produced_names:  # e.g. a PDF from an earlier run would no longer match
                (target / stale).unlink(missing_ok=True)
        written = []
        for produced in sorted(staging.iterdir()):
            final = target / produced.name
            produced.replace(final)
            written.append(final)
        return written, skipped
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def evaluation_produce(project: ProjectInput, out_dir: Path, *, pdf: bool = True, store: bool = False,
                       actor=None, source_file: str = "", report_template=None) -> EvaluationOutputs:
    """Score a validated project, write its outputs and optionally store it (through
    ``evaluation_store``, in the same transaction as the files are moved into place)."""
    out_dir = Path(out_dir)
    if not store:
        try:
            result = evaluate(project)
        except InputInvalid as exc:  # named like the reader's problems, as evaluation_store names them
            raise exc.naming(source_file) from None
        figures = build_figures(result)
        outputs = EvaluationOutputs(figures=figures, out_dir=out_dir)
        outputs.files, outputs.pdf_skipped_reason = _write_outputs(figures, out_dir, pdf=pdf, report_template=report_template)
        return outputs

    from django.db import transaction

    from jixiao.evaluations.services import evaluation_store

    with transaction.atomic():
        evaluation = evaluation_store(actor=actor, project_input=project, source=source_file)
        outputs = EvaluationOutputs(figures=evaluation.figures, out_dir=out_dir, evaluation_id=evaluation.pk)
        outputs.files, outputs.pdf_skipped_reason = _write_outputs(evaluation.figures, out_dir, pdf=pdf,
                                                                   report_template=report_template)
    return outputs


def evaluation_from_workbook(path, out_dir, *, pdf: bool = True, store: bool = True, actor=None,
                             report_template=None) -> EvaluationOutputs:
    if store:
        from jixiao.workbooks.services import workbook_read_for_store

        project = workbook_read_for_store(path)
    else:  # no database: the shipped region list, templates and the standard grade scale
        from jixiao.indicators.templates import load_template
        from jixiao.workbooks.reader import read_workbook

        project = read_workbook(path, template_lookup=load_template)
    return evaluation_produce(project, out_dir, pdf=pdf, store=store, actor=actor, source_file=Path(path).name,
                              report_template=report_template)
