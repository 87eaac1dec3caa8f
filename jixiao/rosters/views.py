"""The 比对 pages: rosters and runs (city and county), the work list of findings (down to the village), a finding
with its history and actions, the 走访清单 per village, and a person's open findings for the registry page.
Thin: scoping in ``selectors``, writes in ``services``."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.accounts.selectors import user_scope
from jixiao.changelog.selectors import changes_about
from jixiao.common.pii import mask_resident_id
from jixiao.comparison.kinds import FINDING_KINDS, KINDS
from jixiao.jobs.storage import content_type
from jixiao.regions.models import Region
from jixiao.registry.selectors import person_get_visible
from jixiao.rosters import selectors, services, storage
from jixiao.rosters.forms import (
    CertificateCancelForm,
    ComparisonStartForm,
    FindingFilterForm,
    FindingStatusForm,
    RosterUploadForm,
)
from jixiao.rosters.workflow import FindingStatus, moves_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _forbidden(request, reason):
    return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)


def _visible_or_403(request):
    if not selectors.may_view(request.user):
        return _forbidden(request, "您的角色不查看名册比对")
    return None


def _start_form(request, data=None):
    return ComparisonStartForm(data, rosters=list(selectors.rosters_visible(request.user)[:200]),
                               initial={"year": date.today().year})


def _home_context(request, *, upload_form=None, start_form=None):
    return {
        "may_compare": selectors.may_compare(request.user),
        "upload_form": upload_form or RosterUploadForm(), "start_form": start_form or _start_form(request),
        "rosters": selectors.rosters_visible(request.user)[:50], "runs": selectors.runs_visible(request.user)[:30],
        "titles": {k: v.title for k, v in KINDS.items()}, "scope": user_scope(request.user),
    }


@login_required
@require_GET
def home(request):
    """比对: upload rosters, start a run, earlier runs. Township and village users go to their work list."""
    denied = _visible_or_403(request)
    if denied:
        return denied
    if not selectors.may_compare(request.user) and not selectors.runs_visible(request.user).exists():
        return redirect("rosters_findings")
    return render(request, "rosters/home.html", _home_context(request))


@login_required
@require_POST
def roster_upload(request):
    form = RosterUploadForm(request.POST, request.FILES)
    if not permissions.may(request.user, Action.CREATE, Kind.ROSTER):
        return _forbidden(request, "您的角色不能上传部门名册")
    if form.is_valid():
        try:
            roster = services.roster_upload(actor=request.user, kind=form.cleaned_data["kind"],
                                            upload=form.cleaned_data["file"])
        except services.RosterInvalid as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"已上传{KINDS[roster.kind].title}：{roster.file_name}（{roster.rows or 0} 行）")
            return redirect("rosters_home")
    return render(request, "rosters/home.html", _home_context(request, upload_form=form), status=400)


@login_required
@require_POST
def comparison_start(request):
    if not selectors.may_compare(request.user):
        return _forbidden(request, "您的角色不能发起名册比对")
    form = _start_form(request, request.POST)
    if form.is_valid():
        rosters = list(selectors.rosters_visible(request.user).filter(pk__in=form.chosen()))
        try:
            run = services.comparison_start(actor=request.user, year=form.cleaned_data["year"], rosters=rosters)
        except services.RosterInvalid as exc:
            form.add_error(None, str(exc))
        except services.RostersDenied as exc:
            return _forbidden(request, str(exc))
        else:
            return redirect("job_detail", pk=run.job_id)
    return render(request, "rosters/home.html", _home_context(request, start_form=form), status=400)


@login_required
@require_GET
def run_detail(request, pk: int):
    run = selectors.run_get_visible(user=request.user, pk=pk)
    by_county = sorted((code, sum(kinds.values())) for code, kinds in (run.counts or {}).get("by_county", {}).items())
    names = dict(Region.objects.filter(code__in=[c for c, _ in by_county]).values_list("code", "name"))
    files = [(name, label) for name, label in storage.RUN_FILES.items()
             if (storage.run_folder(run.pk) / name).is_file()]
    return render(request, "rosters/run_detail.html", {
        "run": run, "kinds": selectors.run_counts_by_kind(run), "files": files,
        "by_county": [(code, names.get(code, ""), n) for code, n in by_county],
        "villages": selectors.villages_with_visits(user=request.user, run=run) if run.status == "done" else [],
        "statuses": selectors.status_counts(selectors.findings_visible(request.user, current_only=False).filter(run=run)),
        "status_labels": dict(FindingStatus.choices), "titles": {k: v.title for k, v in KINDS.items()},
    })


@login_required
@require_GET
def run_file(request, pk: int, name: str):
    run = selectors.run_get_visible(user=request.user, pk=pk)
    path = storage.run_folder(run.pk) / name
    if name not in storage.RUN_FILES or not path.is_file():
        raise Http404("没有这个文件")
    if not permissions.may_on(request.user, Action.EXPORT, Kind.PERSON, region=run.region):
        return _forbidden(request, "您的角色不能下载含个人信息的比对结果")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{run.year}年名册比对-{name}",
                        content_type=content_type(path))


def _filters(request):
    regions = [(r.pk, r.name) for r in permissions.regions_for_filter(request.user, request.GET.get("region"))]
    form = FindingFilterForm(request.GET or None, regions=regions)
    filters = selectors.FindingFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.FindingFilters(run_id=d["run"], kind=d["kind"], region_id=d["region"], status=d["status"],
                                           mine=d["mine"])
    return form, filters


@login_required
@require_GET
def finding_list(request):
    denied = _visible_or_403(request)
    if denied:
        return denied
    form, filters = _filters(request)
    run = _run_reachable(request.user, filters.run_id) if filters.run_id else None
    findings = selectors.finding_list(user=request.user, filters=filters)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"f": f, "id": mask_resident_id(f.id_number),
             "kind": FINDING_KINDS.get(f.kind, f.kind), "status": FindingStatus(f.status).label} for f in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "rosters/finding_list.html", {
        "form": form, "page": page, "rows": rows, "run": run, "query": query.urlencode(),
        "scope": user_scope(request.user),
    })


def _finding_context(request, finding, *, status_form=None, cancel_form=None, error=None):
    user = request.user
    may_change = selectors.may_change_finding(user, finding)
    return {
        "f": finding, "kind": FINDING_KINDS.get(finding.kind, finding.kind), "status": FindingStatus(finding.status).label,
        "programme": selectors.PROGRAMME_LABELS.get(finding.programme, finding.programme),
        "roster": KINDS[finding.roster].title if finding.roster in KINDS else finding.roster,
        "id": mask_resident_id(finding.id_number), "may_change": may_change,
        "moves": [(s, FindingStatus(s).label) for s in moves_from(finding.status)] if may_change else [],
        "status_form": status_form or FindingStatusForm(),
        "assignable": selectors.assignable_users(actor=user, finding=finding) if may_change else [],
        "may_cancel": selectors.may_cancel_certificate(user, finding),
        "cancel_form": cancel_form or CertificateCancelForm(initial={"on": finding.event_date}),
        "history": changes_about(finding)[:50], "error": error,
        "person_url": reverse("registry_person", args=[finding.person_id]) if finding.person_id else "",
    }


@login_required
@require_GET
def finding_detail(request, pk: int):
    finding = selectors.finding_get_visible(user=request.user, pk=pk)
    return render(request, "rosters/finding_detail.html", _finding_context(request, finding))


def _after_write(request, finding, **extra):
    finding = selectors.finding_get_visible(user=request.user, pk=finding.pk)
    status = 400 if extra.get("error") else 200
    if extra.get("error") is None and not request.htmx:
        return redirect("rosters_finding", pk=finding.pk)
    template = "rosters/_finding_panel.html" if request.htmx else "rosters/finding_detail.html"
    return render(request, template, _finding_context(request, finding, **extra), status=status)


def _finding_write(request, finding, write, **form):
    """Run one service ``write()`` on a finding: 403 when the user may not, the panel with the service's message
    when it refuses, the updated finding when it is done."""
    try:
        write()
    except services.RostersDenied as exc:
        return _forbidden(request, str(exc))
    except services.RosterInvalid as exc:
        return _after_write(request, finding, error=str(exc), **form)
    return _after_write(request, finding)


@login_required
@require_POST
def finding_status(request, pk: int):
    finding = selectors.finding_get_visible(user=request.user, pk=pk)
    form = FindingStatusForm(request.POST)
    if not form.is_valid():
        return _after_write(request, finding, status_form=form, error="请选择核实状态")
    return _finding_write(request, finding, lambda: services.finding_status_set(
        actor=request.user, finding=finding, status=form.cleaned_data["status"], note=form.cleaned_data["note"]),
        status_form=form)


@login_required
@require_POST
def finding_assign(request, pk: int):
    finding = selectors.finding_get_visible(user=request.user, pk=pk)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        assignee = get_user_model().objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if assignee is None:
            return _after_write(request, finding, error="没有这个用户")
    return _finding_write(request, finding,
                          lambda: services.finding_assign(actor=request.user, finding=finding, assignee=assignee))


@login_required
@require_POST
def finding_cancel_certificate(request, pk: int):
    finding = selectors.finding_get_visible(user=request.user, pk=pk)
    form = CertificateCancelForm(request.POST)
    if not form.is_valid():
        return _after_write(request, finding, cancel_form=form, error="注销日期格式应为 YYYY-MM-DD")
    return _finding_write(request, finding, lambda: services.finding_certificate_cancel(
        actor=request.user, finding=finding, on=form.cleaned_data["on"], note=form.cleaned_data["note"]),
        cancel_form=form)


@login_required
@require_GET
def visit_list(request, pk: int, region_id: int):
    """The 走访清单 of one village (or township) of a run, as .xlsx."""
    run = _run_reachable(request.user, pk)
    region = permissions.regions_offered(request.user).filter(pk=region_id).first()
    if region is None:
        raise Http404("没有这个区划，或您无权查看")
    handle = tempfile.NamedTemporaryFile(prefix="jixiao-visits-", suffix=".xlsx")
    services.visit_list_write(actor=request.user, run=run, region=region, out_path=Path(handle.name))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"走访清单-{region.name}-{run.year}.xlsx",
                        content_type=XLSX)


def _run_reachable(user, pk: int):
    """The run, for its page's users (city, county); a township or village user reaches it through its findings
    in their region."""
    run = selectors.runs_visible(user).filter(pk=pk).first()
    if run is None:
        finding = selectors.findings_visible(user, current_only=False).filter(run_id=pk).select_related("run").first()
        if finding is None:
            raise Http404("没有这次比对，或您无权查看")
        run = finding.run
    return run


@login_required
@require_GET
def my_visit_lists(request):
    """The 走访清单 a township or village user may download: per village of the current runs in their region."""
    denied = _visible_or_403(request)
    if denied:
        return denied
    lists = [(run, selectors.villages_with_visits(user=request.user, run=run)) for run in _current_runs_for(request.user)]
    return render(request, "rosters/visit_lists.html", {"lists": lists})


def _current_runs_for(user):
    from jixiao.rosters.models import ComparisonRun

    ids = selectors.findings_visible(user).values_list("run_id", flat=True).distinct()
    return list(ComparisonRun.objects.filter(pk__in=ids).order_by("-year", "-started_at"))


@login_required
@require_GET
def person_findings(request, person_pk: int):
    """For the registry's person page (loaded into it): the person's open findings the user may see."""
    person = person_get_visible(user=request.user, pk=person_pk)
    findings = list(selectors.person_open_findings(user=request.user, person=person))
    return render(request, "rosters/_person_findings.html", {
        "findings": [{"f": f, "kind": FINDING_KINDS.get(f.kind, f.kind), "status": FindingStatus(f.status).label}
                     for f in findings]})
