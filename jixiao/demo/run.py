"""``jixiao demo``: rebuild seeds 001, 002, 003 (multi-programme) and 004 (department-level) from their published figures, through the same
workbook path staff use (package data → .xlsx → read and validated → scored → report)."""

from __future__ import annotations

from pathlib import Path

from jixiao.demo.seeds import DEMO_KEYS, NOT_STORED, load_seed, seed_folder_name
from jixiao.reports.outputs import EvaluationOutputs, evaluation_produce

WORKBOOK_NAME = "项目工作簿.xlsx"


def demo_run(out_dir: Path, *, pdf: bool = True, store: bool = True) -> list[EvaluationOutputs]:
    from jixiao.workbooks.reader import read_workbook
    from jixiao.workbooks.writer import write_workbook

    results = []
    for key in DEMO_KEYS:
        folder = Path(out_dir) / seed_folder_name(key)
        folder.mkdir(parents=True, exist_ok=True)
        workbook = folder / WORKBOOK_NAME
        write_workbook(workbook, load_seed(key))
        project = read_workbook(workbook)
        stored = store and key not in NOT_STORED  # NOT_STORED says why
        results.append(evaluation_produce(project, folder, pdf=pdf, store=stored, source_file=workbook.name))
    return results
