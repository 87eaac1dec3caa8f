"""Pages of the web workbench. Thin: every read goes through a selector (which applies the user's
scope), every change through a service (which writes the audit row)."""

from __future__ import annotations

import functools
from fractions import Fraction
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.changelog.selectors import changes_about
from jixiao.common.numbers import fen_to_wan, fmt_fixed, fmt_percent, fmt_wan
from jixiao.common.problems import InputInvalid
from jixiao.common.uploads import upload_tmp_dir
from jixiao.evaluations import selectors as evaluation_selectors
from jixiao.evaluations.models import IndicatorScore
from jixiao.evaluations.rescoring import editable_fields, evaluation_rescore, indicator_score_update
from jixiao.evaluations.selectors import indicator_rows_from_db, indicator_scores_and_rows
from jixiao.indicators.selectors import indicator_templates_offered
from jixiao.projects import selectors as project_selectors
from jixiao.projects import services as project_services
from jixiao.reports import downloads
from jixiao.scoring.inputs import QUALITATIVE_BANDS
from jixiao.workbench.forms import ChangeLogFilterForm, ProjectFilterForm, WorkbookUploadForm
from jixiao.workbooks.services import workbook_import

PAGE_SIZE = 20
TABS = [
    ("basic", "基本信息"), ("funds", "资金"), ("programmes", "子项目"), ("department", "部门项目"), ("targets", "绩效目标"),
    ("scores", "指标评分"),
    ("survey", "满意度"), ("interviews", "访谈"), ("report", "报告"), ("changes", "变更记录"),
]
# Shown only for a project whose current evaluation has programmes (seed 003's shape).
PROGRAMME_TAB = "programmes"
# Shown only for a department-level project (seed 004's shape).
DEPARTMENT_TAB = "department"
TAB_KEYS = {key for key, _ in TABS}

# Big columns the project list and the dashboard never show. SQLite builds a sort record from every
# selected column of every matching row before it keeps the first page, so with these (a stored
# evaluation's figures are ~30 KB of JSON) sorting 2,000 projects read ~60 MB per page view.
LIST_COLUMNS = ("id", "year", "name", "project_type", "owner_unit__name", "region__name",
                "current_evaluation__total_score", "current_evaluation__grade")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def _rate_percent(rate: Fraction | None) -> float | None:
    """For the charts only (ECharts takes numbers); printed figures use fmt_percent."""
    return float(round(rate * 100, 2)) if rate is not None else None


@login_required
@require_GET
def dashboard(request):
    years_form_value = request.GET.get("year") or ""
    year = int(years_form_value) if years_form_value.isdigit() else None
    board = evaluation_selectors.dashboard_for(user=request.user, year=year)
    chart = {
        "counties": [row.region for row in board.by_county],
        "execution": [_rate_percent(row.execution_rate) for row in board.by_county],
        "targets": [_rate_percent(row.target_rate) for row in board.by_county],
        "scores": [float(round(row.average_score, 2)) if row.average_score is not None else None
                   for row in board.by_county],
        "grades": [{"name": g, "value": board.grades.get(g, 0)}
                   for g in evaluation_selectors.grades_offered(user=request.user)],
    }
    rows = [
        {
            "region": row.region, "projects": row.projects,
            "budget": fmt_wan(fen_to_wan(row.budget_fen)), "spent": fmt_wan(fen_to_wan(row.spent_fen)),
            "execution": fmt_percent(row.execution_rate) if row.execution_rate is not None else "—",
            "targets": f"{row.targets_met}/{row.targets_counted}",
            "target_rate": fmt_percent(row.target_rate) if row.target_rate is not None else "—",
            "average": fmt_fixed(row.average_score) if row.average_score is not None else "—",
        }
        for row in board.by_county
    ]
    recent = evaluation_selectors.recent_evaluations(user=request.user)
    per_capita = project_selectors.per_capita_flags(user=request.user, year=year)
    return render(request, "workbench/dashboard.html", {
        "board": board, "chart": chart, "rows": rows, "recent": recent, "per_capita": per_capita,
        "average": fmt_fixed(board.average_score) if board.average_score is not None else "—",
        "budget": fmt_wan(fen_to_wan(board.budget_fen)), "spent": fmt_wan(fen_to_wan(board.spent_fen)),
        "execution": fmt_percent(Fraction(board.spent_fen, board.budget_fen)) if board.budget_fen else "—",
    })


class _CountedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._counter = count

    @cached_property
    def count(self) -> int:
        return self._counter()


@login_required
@require_GET
def project_list(request):
    user = request.user
    regions = permissions.regions_for_filter(user, request.GET.get("region"))
    form = ProjectFilterForm(request.GET or None, years=project_selectors.project_years(user=user), regions=regions,
                             grades=evaluation_selectors.grades_offered(user=user))
    filters = project_selectors.ProjectFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = project_selectors.ProjectFilters(q=data["q"].strip(), year=data["year"], region_id=data["region"],
                                                   grade=data["grade"], project_type=data["project_type"])
    projects = project_selectors.project_list(user=user, filters=filters)
    # Plain rows, not model instances: a page of 20 is read and shown with only what the table prints.
    count = functools.partial(project_selectors.project_count, user=user, filters=filters)
    page = _CountedPaginator(projects.values(*LIST_COLUMNS), PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "can_upload": permissions.may(user, Action.CREATE, Kind.PROJECT)}
    template = "workbench/_project_table.html" if request.htmx else "workbench/project_list.html"
    return render(request, template, context)


def _tab_context(request, project, tab: str) -> dict:
    evaluation = project.current_evaluation
    figures = evaluation.figures if evaluation else {}
    context = {"project": project, "evaluation": evaluation, "figures": figures, "tab": tab}
    if tab == "scores" and evaluation:
        context["can_score"] = project_selectors.project_can_score(request.user, project)
        context["indicators"] = _indicator_view(evaluation)
        context["bands"] = QUALITATIVE_BANDS
    elif tab == "survey" and figures.get("survey"):
        context["survey_view"] = _survey_view(figures["survey"])
    elif tab == "interviews":
        context["interviews"] = project.interviews.all()
    elif tab == "basic":
        context["policies"] = project.policies.all()
        context["assignments"] = project.assignments.select_related("user")
    elif tab == "changes":
        context["changes"] = changes_about(project)[:200]
    elif tab == "report":
        context["can_manage"] = project_selectors.project_can_manage(request.user, project)
    elif tab == "funds":
        context["per_capita"] = project_selectors.project_per_capita(project)
    return context


def _survey_view(survey: dict) -> dict:
    """The printed survey figures arranged as table rows (options actually used, in A–E order)."""
    used = [o for o in survey["options"] if o["letter"] in survey["options_used"]]
    return {
        "options": [f"{o['letter']} {o['label']}" for o in used],
        "coefficients": [survey["coefficients"][o["letter"]] for o in used],
        "questions": [
            {"number": q["number"], "text": q["text"], "weight": q["weight"], "score": q["score"],
             "cells": [f"{q['counts'][o['letter']]}（{q['shares'][o['letter']]}）" for o in used]}
            for q in survey["questions"]
        ],
    }


def _indicator_view(evaluation) -> list[dict]:
    out = []
    for score, row in indicator_scores_and_rows(evaluation):
        is_leaf = score.rule != ""
        out.append({
            "score": score, "row": row, "is_leaf": is_leaf,
            "editable": editable_fields(row) if is_leaf else (),
            "weight": fmt_fixed(score.weight), "value": fmt_fixed(score.score),
            "manual_score": "" if row.manual_score is None else f"{row.manual_score.normalize():f}",
            "actual": "" if row.actual is None else f"{row.actual.normalize():f}",
            "missing_items": "" if row.missing_items is None else str(row.missing_items),
        })
    return out


@login_required
@require_GET
def project_detail(request, pk: int):
    project = project_selectors.project_get_visible(user=request.user, pk=pk)
    tab = request.GET.get("tab", "basic")
    if tab not in TAB_KEYS:
        tab = "basic"
    context = _tab_context(request, project, tab)
    hidden = {tab_key for tab_key, figure in ((PROGRAMME_TAB, "programmes"), (DEPARTMENT_TAB, "department"))
              if not context["figures"].get(figure)}
    context.update({
        "tabs": [(key, label) for key, label in TABS if key not in hidden],
        "can_manage": project_selectors.project_can_manage(request.user, project),
    })
    return render(request, "workbench/project_detail.html", context)


@login_required
@require_GET
def project_tab(request, pk: int, tab: str):
    project = project_selectors.project_get_visible(user=request.user, pk=pk)
    if tab not in TAB_KEYS:
        raise Http404("没有这个标签页")
    if not request.htmx:
        return redirect(f"{reverse('project_detail', args=[project.pk])}?tab={tab}")
    return render(request, f"workbench/tabs/{tab}.html", _tab_context(request, project, tab))


def _current_evaluation(project):
    if project.current_evaluation is None:
        raise Http404("该项目还没有评价结果")
    return project.current_evaluation


def _leaf_context(project, evaluation, code: str, *, rescored=None, problems=None, saved=False, raw=None):
    row = next((r for r in indicator_rows_from_db(evaluation) if r.code == code), None)
    if row is None:
        raise Http404("没有这个指标")
    if rescored is not None:
        leaf = rescored.leaf()
        total, grade, leaf_score = rescored.result.total, rescored.result.grade, leaf.score
    else:
        total, grade = evaluation.total_score, evaluation.grade
        leaf_score = IndicatorScore.objects.get(evaluation=evaluation, code=code).score
    return {
        "project": project, "evaluation": evaluation, "row": row, "editable": editable_fields(row),
        "raw": raw or {}, "problems": problems or [], "saved": saved,
        "leaf_score": fmt_fixed(leaf_score), "total": fmt_fixed(total), "grade": grade,
    }


@login_required
@require_POST
def indicator_preview(request, pk: int, code: str):
    """As the user types: the leaf's score, the total and the grade it would give; nothing saved."""
    project = project_selectors.project_get_for_scoring(user=request.user, pk=pk)
    evaluation = _current_evaluation(project)
    raw = {k: request.POST.get(k, "") for k in ("manual_score", "band", "missing_items", "actual", "evidence")
           if k in request.POST}
    try:
        rescored = evaluation_rescore(evaluation, code, raw)
    except InputInvalid as exc:
        return render(request, "workbench/_leaf_preview.html",
                      _leaf_context(project, evaluation, code, problems=exc.problems, raw=raw))
    return render(request, "workbench/_leaf_preview.html",
                  _leaf_context(project, evaluation, code, rescored=rescored, raw=raw))


@login_required
@require_POST
def indicator_update(request, pk: int, code: str):
    project = project_selectors.project_get_for_scoring(user=request.user, pk=pk)
    evaluation = _current_evaluation(project)
    raw = {k: request.POST.get(k, "") for k in ("manual_score", "band", "missing_items", "actual", "evidence")
           if k in request.POST}
    try:
        rescored = indicator_score_update(actor=request.user, evaluation=evaluation, code=code, raw=raw)
    except InputInvalid as exc:
        context = _leaf_context(project, evaluation, code, problems=exc.problems, raw=raw)
        return render(request, "workbench/_leaf_preview.html", context, status=200 if request.htmx else 400)
    evaluation.refresh_from_db()
    if not request.htmx:
        messages.success(request, f"已保存：总分 {fmt_fixed(rescored.result.total)}，等级 {rescored.result.grade}")
        return redirect(f"{reverse('project_detail', args=[project.pk])}?tab=scores")
    context = _tab_context(request, project, "scores")
    context["evaluation"] = evaluation
    context["saved_code"] = code
    return render(request, "workbench/_scores_saved.html", context)


@login_required
def project_upload(request):
    if not permissions.may(request.user, Action.CREATE, Kind.PROJECT):
        reason = f"您的角色（{permissions.role_label(request.user)}）不能导入项目"
        return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    problems, omitted, total = [], [], 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with upload_tmp_dir("jixiao-upload-") as tmp:
            path = Path(tmp) / (Path(upload.name).name or "upload.xlsx")  # problems name the user's file
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                evaluation = workbook_import(actor=request.user, path=path, file_name=upload.name)
            except InputInvalid as exc:
                problems, omitted, total = exc.problems, exc.omitted_problems(), exc.total
            else:
                messages.success(request, f"已导入“{evaluation.project}”：总分 {fmt_fixed(evaluation.total_score)}，"
                                          f"等级 {evaluation.grade}")
                return redirect("project_detail", pk=evaluation.project_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "workbench/project_upload.html", {"form": form, "problems": problems, "omitted": omitted,
                                                             "total": total, "templates": indicator_templates_offered()},
                  status=status)


@login_required
@require_POST
def project_delete(request, pk: int):
    project = project_selectors.project_get_for_manage(user=request.user, pk=pk)
    label = str(project)
    project_services.project_delete(actor=request.user, project=project)
    messages.success(request, f"已删除项目“{label}”")
    return redirect("project_list")


def _attachment(data: bytes, filename: str, content_type: str) -> FileResponse:
    from io import BytesIO

    return FileResponse(BytesIO(data), as_attachment=True, filename=filename, content_type=content_type)


@login_required
@require_GET
def download_blank_template(request):
    key = request.GET.get("indicators", "")
    if key and key not in dict(indicator_templates_offered()):
        raise Http404("没有这个指标体系模板")
    return _attachment(downloads.blank_workbook(key), "项目工作簿（空白）.xlsx", XLSX)


def _evaluation_file(request, pk: int, produce, suffix: str, content_type: str):
    """A file made from the visible project's current evaluation, named after the project."""
    project = project_selectors.project_get_visible(user=request.user, pk=pk)
    data = produce(_current_evaluation(project))
    if data is None:  # only the PDF: LibreOffice is missing on this server
        return render(request, "workbench/forbidden.html",
                      {"reason": "服务器未安装 LibreOffice，无法生成 PDF；请下载 Word 版本"}, status=503)
    return _attachment(data, f"{project}{suffix}", content_type)


@login_required
@require_GET
def download_report_docx(request, pk: int):
    return _evaluation_file(request, pk, downloads.evaluation_report_docx, "绩效自评报告.docx", DOCX)


@login_required
@require_GET
def download_report_pdf(request, pk: int):
    return _evaluation_file(request, pk, downloads.evaluation_report_pdf, "绩效自评报告.pdf", "application/pdf")


@login_required
@require_GET
def download_score_sheet(request, pk: int):
    return _evaluation_file(request, pk, downloads.evaluation_score_sheet, "评分表.xlsx", XLSX)


@login_required
@require_GET
def download_project_workbook(request, pk: int):
    return _evaluation_file(request, pk, downloads.project_workbook, "项目工作簿.xlsx", XLSX)


@login_required
@require_GET
def change_log(request):
    """The audit trail of the user's region (all for 系统管理员), newest first, filtered and paged by id."""
    from jixiao.accounts.change_log import change_records_page

    if not permissions.may(request.user, Action.VIEW, Kind.CHANGE_RECORD):
        return render(request, "workbench/forbidden.html", {"reason": "您的角色不查看变更记录"}, status=403)
    form = ChangeLogFilterForm(request.GET or None)
    action = object_type = ""
    if form.is_bound and form.is_valid():
        action, object_type = form.cleaned_data["action"], form.cleaned_data["object_type"].strip()
    before = request.GET.get("before", "")
    before = int(before) if before.isdigit() else None
    records, next_before = change_records_page(request.user, action=action, object_type=object_type, before=before)
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "workbench/change_log.html", {"form": form, "records": records, "before": before,
                                                         "next_before": next_before, "query": query.urlencode()})
