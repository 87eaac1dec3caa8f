"""The 补助发放 pages: the rule book (项目与规则), the cycles (list, new), a cycle with its figures, moves, files,
payment batches, bank returns and payments. Thin: scoping and who may do what in ``selectors`` (over
``accounts.permissions``), writes in ``services``; a service's refusal is shown with its Chinese message (400),
``BenefitsDenied`` is 403, what the user may not see 404.

The computation, making a payment batch and importing a bank return are background jobs (``benefits.jobs``: the
last two take ~30 s for a million persons on SQLite); the cycle's page polls their progress and reloads when done."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.benefits import selectors, services, storage
from jixiao.benefits.forms import (
    AccountForm,
    CycleCreateForm,
    CycleFilterForm,
    PaymentFilterForm,
    ProxyConfirmForm,
    ReasonForm,
    ReturnUploadForm,
)
from jixiao.benefits.workflow import MOVES, ListKind, PaymentStatus
from jixiao.common.pii import mask_resident_id
from jixiao.comparison.kinds import KINDS
from jixiao.entitlements.parameters import rulebook_load
from jixiao.jobs.selectors import job_state
from jixiao.jobs.storage import content_type
from jixiao.regions.models import Region

PAGE_SIZE = 50
FAILURES_SHOWN = 20  # a batch's failed payments listed on the cycle's page (all on the payments page)
CYCLE_FILES = {"entitlements.csv": "应发名单（entitlements.csv）", "summary.json": "汇总（summary.json）"}


def _forbidden(request, reason):
    return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)


def _visible_or_403(request):
    if not selectors.may_view(request.user):
        return _forbidden(request, "您的角色不查看补助发放")
    return None


def _yuan(fen) -> str:
    return services._yuan(fen)


def _current_book():
    """The current rule book version and the book (the shipped default, not yet stored, before first use)."""
    version = selectors.rulebook_version_current()
    return version, (services.rulebook_of(version) if version is not None else rulebook_load())


def _programme_choices():
    _, book = _current_book()
    return [(code, p.name) for code, p in book.programmes.items()]


# ---- 项目与规则 ---------------------------------------------------------------------------------------------

def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


@login_required
@require_GET
def rules(request):
    denied = _visible_or_403(request)
    if denied:
        return denied
    try:
        version, book = _current_book()
    except services.BenefitsInvalid as exc:  # a stored version whose text no longer matches its digest
        return render(request, "workbench/forbidden.html", {"reason": str(exc)}, status=500)
    codes = {v.region for p in book.programmes.values() for par in p.parameters.values() for v in par.values if v.region}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    programmes = []
    for code, p in book.programmes.items():
        parameters = [{"name": name, "values": [
            {"start": v.start, "value": _value_text(v.value), "policy": v.policy, "example": v.example,
             "region": f"{names.get(v.region, '')}（{v.region}）" if v.region else "全部地区"} for v in par.values]}
            for name, par in p.parameters.items()]
        programmes.append({"code": code, "name": p.name, "period": "按月" if p.period == "month" else "按年度",
                           "policy": p.policy, "parameters": parameters,
                           "rosters": [KINDS[k].title if k in KINDS else k for k in p.rosters],
                           "required": [KINDS[k].title if k in KINDS else k for k in p.required_rosters]})
    return render(request, "benefits/rules.html", {
        "version": version, "book": book, "programmes": programmes, "versions": selectors.rulebook_versions(),
    })


# ---- 批次列表、新建批次 ------------------------------------------------------------------------------------------

def _create_form(request, data=None):
    user = request.user
    return CycleCreateForm(data, programmes=_programme_choices(), regions=list(selectors.regions_for_cycles(user)),
                           rosters=list(selectors.rosters_for_cycle(user=user, kinds=KINDS)
                                        .order_by("-uploaded_at")[:200]),
                           initial={"year": date.today().year})


def _list_context(request, *, create_form=None):
    user = request.user
    regions = [(r.pk, r.name) for r in permissions.regions_for_filter(user, request.GET.get("region"))]
    form = CycleFilterForm(request.GET or None, programmes=_programme_choices(), regions=regions)
    filters = selectors.CycleFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CycleFilters(programme=d["programme"], year=d["year"], state=d["state"],
                                         region_id=d["region"])
    page = Paginator(selectors.cycle_list(user=user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_create = selectors.may_create(user)
    return {"form": form, "page": page, "query": query.urlencode(), "may_create": may_create,
            "create_form": create_form or (_create_form(request) if may_create else None)}


@login_required
@require_GET
def cycle_list(request):
    denied = _visible_or_403(request)
    if denied:
        return denied
    return render(request, "benefits/cycle_list.html", _list_context(request))


@login_required
@require_POST
def cycle_create(request):
    if not selectors.may_create(request.user):
        return _forbidden(request, "您的角色不能建立补助发放批次")
    form = _create_form(request, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        region = selectors.regions_for_cycles(request.user).filter(pk=d["region"]).first()
        rosters = list(selectors.rosters_for_cycle(user=request.user, kinds=KINDS).filter(pk__in=d["rosters"]))
        try:
            cycle = services.cycle_create(actor=request.user, programme=d["programme"], year=d["year"],
                                          month=d["month"], region=region, rosters=rosters)
        except services.BenefitsDenied as exc:
            return _forbidden(request, str(exc))
        except services.BenefitsInvalid as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已建立批次：{cycle}")
            return redirect("cycle_detail", pk=cycle.pk)
    return render(request, "benefits/cycle_list.html", _list_context(request, create_form=form), status=400)


# ---- 批次详情 ----------------------------------------------------------------------------------------------

def _progress_context(cycle):
    """The computation's job and the newest payment job (a batch, a return) with their states."""
    job, paying = cycle.job, selectors.payment_job_latest(cycle)
    return {"cycle": cycle, "job": job, "state": job_state(job) if job is not None else None,
            "pay_job": paying, "pay_state": job_state(paying) if paying is not None else None}


def _busy(cycle) -> bool:
    return cycle.computing or selectors.payment_job_active(cycle) is not None


def _batch_rows(page):
    rows = []
    for batch in page.batches:
        files = selectors.batch_files(batch)
        rows.append({
            "batch": batch, "files": [(i, f) for i, f in enumerate(files) if f["path"].is_file()],
            "returns": list(selectors.returns_of(batch)),
            "has_proxy": any(f.get("list") == ListKind.PROXY for f in files),
            "amount": _yuan(batch.amount_fen), "paid_amount": _yuan(batch.paid_fen),
            "failures": [{"p": p, "id": mask_resident_id(p.id_number)} for p in selectors.payments_of(
                cycle=page.cycle, filters=selectors.PaymentFilters(batch_id=batch.pk, status=PaymentStatus.FAILED))[
                :FAILURES_SHOWN]] if batch.failed else [],
        })
    return rows


def _detail_context(request, pk, *, error=None):
    page = selectors.cycle_page(user=request.user, pk=pk)
    cycle = page.cycle
    files = [(name, label) for name, label in CYCLE_FILES.items() if (storage.run_folder(cycle.pk) / name).is_file()]
    return {
        "p": page, "cycle": cycle, "error": error, "files": files, "yuan": _yuan,
        "batches": _batch_rows(page), "status_labels": dict(PaymentStatus.choices),
        "reason_moves": {name for name, m in MOVES.items() if m.note_required},
        "rosters": [(KINDS[r.kind].title if r.kind in KINDS else r.kind, r) for r in cycle.rosters.all()],
        "may_batch": page.may_pay and (
            (not page.batches and (page.totals or {}).get("persons", 0) > 0)
            or selectors.open_payments(cycle).filter(status=PaymentStatus.FAILED).exists()),
        "pay_busy": selectors.payment_job_active(cycle) is not None, **_progress_context(cycle),
        "allocatable": list(selectors.projects_for_allocation(user=request.user, cycle=cycle)),
    }


def _detail(request, pk, *, error=None, status=200):
    return render(request, "benefits/cycle_detail.html", _detail_context(request, pk, error=error), status=status)


@login_required
@require_GET
def cycle_detail(request, pk: int):
    return _detail(request, pk)


@login_required
@require_GET
def cycle_progress(request, pk: int):
    """The running computation's progress (polled by htmx); once it has ended, the page reloads."""
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    response = render(request, "benefits/_cycle_progress.html", _progress_context(cycle))
    if request.htmx and not _busy(cycle):
        response["HX-Refresh"] = "true"
    return response


def _write(request, cycle, write, success: str):
    """Run one service call: 403 when not the user's to do, the page with the message (400) when refused now."""
    try:
        write()
    except services.BenefitsDenied as exc:
        return _forbidden(request, str(exc))
    except services.BenefitsInvalid as exc:
        return _detail(request, cycle.pk, error=str(exc), status=400)
    if success:
        messages.success(request, success)
    return redirect("cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def cycle_move(request, pk: int, name: str):
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    move = MOVES.get(name)
    if move is None:
        raise Http404("没有这个操作")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    user = request.user
    calls = {
        "compute": lambda: services.cycle_compute_start(actor=user, cycle=cycle),
        "submit": lambda: services.cycle_submit(actor=user, cycle=cycle),
        "return": lambda: services.cycle_return(actor=user, cycle=cycle, reason=reason),
        "approve": lambda: services.cycle_approve(actor=user, cycle=cycle),
        "pay": lambda: services.cycle_mark_paid(actor=user, cycle=cycle),
        "close": lambda: services.cycle_close(actor=user, cycle=cycle),
        "void": lambda: services.cycle_void(actor=user, cycle=cycle, reason=reason),
    }
    done = "已开始计算（后台任务）" if name == "compute" else f"已{move.label}"
    return _write(request, cycle, calls[name], done)


@login_required
@require_GET
def cycle_file(request, pk: int, name: str):
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    path = storage.run_folder(cycle.pk) / name
    if name not in CYCLE_FILES or not path.is_file():
        raise Http404("没有这个文件")
    if not permissions.may_on(request.user, Action.EXPORT, Kind.PERSON, region=cycle.region):
        return _forbidden(request, "您的角色不能下载含个人信息的发放结果")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{cycle}-{name}", content_type=content_type(path))


@login_required
@require_POST
def cycle_allocate(request, pk: int):
    """Write the approved cycle's totals into one of the offered projects' 对下资金分配; on to its 资金 tab."""
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    raw = request.POST.get("project", "")
    project = selectors.projects_for_allocation(user=request.user, cycle=cycle).filter(
        pk=int(raw) if raw.isdigit() else 0).first()
    if project is None:
        return _detail(request, cycle.pk, error="请选择一个可以写入的项目", status=400)
    response = _write(request, cycle, lambda: services.cycle_allocations_attach(
        actor=request.user, cycle=cycle, project=project), f"已写入项目“{project.name}”的资金分配并重新评分")
    if response.status_code == 302:
        return redirect("project_tab", pk=project.pk, tab="funds")
    return response


# ---- 发放批、回盘、代缴确认 -----------------------------------------------------------------------------------

@login_required
@require_POST
def batch_create(request, pk: int):
    """Queue the next payment batch (a background job: ~30 s for a million persons); the page shows its progress."""
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    return _write(request, cycle, lambda: services.payment_batch_start(actor=request.user, cycle=cycle), "")


@login_required
@require_GET
def batch_file(request, pk: int, index: int):
    batch = selectors.batch_get_visible(user=request.user, pk=pk)
    files = selectors.batch_files(batch)
    if not 0 <= index < len(files) or not files[index]["path"].is_file():
        raise Http404("没有这个文件")
    if not permissions.may_on(request.user, Action.EXPORT, Kind.PERSON, region=batch.cycle.region):
        return _forbidden(request, "您的角色不能下载含个人信息的发放清单")
    path = files[index]["path"]
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"第{batch.number}批-{path.name}",
                        content_type=content_type(path))


@login_required
@require_POST
def batch_return(request, pk: int):
    batch = selectors.batch_get_visible(user=request.user, pk=pk)
    cycle = batch.cycle
    form = ReturnUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        refusal = selectors.payments_refusal(request.user, cycle)
        if refusal is not None and refusal.denied:
            return _forbidden(request, refusal.message)
        return _detail(request, cycle.pk, error="；".join(e for errors in form.errors.values() for e in errors),
                       status=400)

    return _write(request, cycle, lambda: services.bank_return_start(actor=request.user, batch=batch,
                                                                     file=form.cleaned_data["file"]), "")


@login_required
@require_POST
def batch_confirm(request, pk: int):
    batch = selectors.batch_get_visible(user=request.user, pk=pk)
    form = ProxyConfirmForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    county = form.cleaned_data.get("county_code", "") if form.is_valid() else ""

    def write():
        record = services.proxy_list_confirm(actor=request.user, batch=batch, note=note, county_code=county)
        messages.success(request, f"已确认第{batch.number}批代缴清单：{record.paid} 人到账")

    return _write(request, batch.cycle, write, "")


# ---- 发放记录 ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def payment_list(request, pk: int):
    return _payments(request, pk)


def _payments(request, pk: int, *, error=None, status=200):
    cycle = selectors.cycle_get_visible(user=request.user, pk=pk)
    form = PaymentFilterForm(request.GET or None)
    filters = selectors.PaymentFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.PaymentFilters(status=form.cleaned_data["status"], batch_id=form.cleaned_data["batch"])
    page = Paginator(selectors.payments_of(cycle=cycle, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"p": p, "id": mask_resident_id(p.id_number), "account": mask_resident_id(p.account),
             "amount": _yuan(p.amount_fen),
             "status": PaymentStatus(p.status).label} for p in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "benefits/payment_list.html", {
        "cycle": cycle, "may_correct": selectors.payments_refusal(request.user, cycle) is None, "error": error, "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "counts": selectors.payment_status_counts(cycle=cycle), "status_labels": dict(PaymentStatus.choices),
        "batches": list(selectors.batches_of(cycle)), "yuan": _yuan,
    }, status=status)


@login_required
@require_POST
def payment_account(request, pk: int):
    """Correct a failed payment's account before it is re-listed (the next batch pays to the new one)."""
    payment = selectors.payment_get_visible(user=request.user, pk=pk)
    form = AccountForm(request.POST)
    back = f"{reverse('cycle_payments', args=[payment.cycle_id])}?status={PaymentStatus.FAILED}"
    if not form.is_valid():
        return _payments(request, payment.cycle_id, error="请填写账号和账户类型", status=400)
    d = form.cleaned_data
    try:
        services.payment_account_set(actor=request.user, payment=payment, account=d["account"],
                                     bank_name=d["bank_name"], account_kind=d["account_kind"])
    except services.BenefitsDenied as exc:
        return _forbidden(request, str(exc))
    except services.BenefitsInvalid as exc:
        return _payments(request, payment.cycle_id, error=str(exc), status=400)
    messages.success(request, f"已更正 {payment.name} 的账号：下一批按新账号发放")
    return redirect(back)
