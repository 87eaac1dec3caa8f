"""A project workbook uploaded in the workbench or through the API: read and validated completely,
then stored by ``evaluations.services.evaluation_store`` (which checks the uploader's region)."""

from __future__ import annotations

from pathlib import Path

from jixiao.evaluations.models import Evaluation
from jixiao.evaluations.services import evaluation_store
from jixiao.scoring.inputs import ProjectInput


def workbook_read_for_store(path) -> ProjectInput:
    """Read a workbook as it will be stored: regions resolved against the region table (where admins may
    have added some), the grade scale administrators marked as default for workbooks that set none, and the
    indicator templates as administrators keep them."""
    from jixiao.indicators.selectors import grade_scale_default, indicator_template_rows
    from jixiao.regions.selectors import region_resolve
    from jixiao.workbooks.reader import read_workbook

    return read_workbook(path, region_lookup=region_resolve, default_grade_scale=grade_scale_default(),
                         template_lookup=indicator_template_rows)


def workbook_import(*, actor, path, file_name: str = "") -> Evaluation:
    """Validate, score and store an uploaded workbook. Raises InputInvalid listing every problem, each
    naming ``file_name`` (the name the user sent, not the private copy on disk); nothing is stored then."""
    from jixiao.common.problems import InputInvalid

    file_name = file_name or Path(path).name
    try:
        project = workbook_read_for_store(path)
    except InputInvalid as exc:  # an unreadable file stays InputUnreadable
        raise exc.naming(file_name, replacing=(Path(path).name,)) from None
    return evaluation_store(actor=actor, project_input=project, source=file_name)
