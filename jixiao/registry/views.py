"""Registry pages: thin views over the scoped selectors and the recording services."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import permissions
from jixiao.accounts.selectors import user_scope
from jixiao.common.pii import mask_phone, mask_resident_id
from jixiao.registry import selectors, services
from jixiao.registry.columns import CATEGORY_NAMES, LEVEL_NAMES, REASON_NAMES, STATUS_NAMES
from jixiao.registry.forms import PersonFilterForm, RegistryUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden(request, reason):
    return render(request, "workbench/forbidden.html", {"reason": reason}, status=403)


def _filters(request):
    regions = [(r.pk, r.name) for r in permissions.regions_for_filter(request.user, request.GET.get("region"))]
    form = PersonFilterForm(request.GET or None, regions=regions, placeholder=selectors.search_placeholder(request.user))
    filters = selectors.PersonFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.PersonFilters(q=d["q"].strip(), region_id=d["region"], category=d["category"],
                                          level=d["level"], status=d["status"])
    return form, filters


def _cursor(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def person_list(request):
    if not selectors.registry_visible_to(request.user):
        return _forbidden(request, "您的角色不查看残疾人登记名册")
    form, filters = _filters(request)
    refused, page, rows = None, None, []
    try:
        page = selectors.person_page(user=request.user, filters=filters, after=_cursor(request.GET.get("after")),
                                     before=_cursor(request.GET.get("before")))
    except selectors.SearchRefused as exc:
        refused = str(exc)
    else:
        services.person_search_record(actor=request.user, term=page.term, page="残疾人名册", found=page.count)
        person_url = reverse("registry_person", args=[0]).removesuffix("0/")  # one reverse() for the page
        region_names = selectors.region_names_for_list(request.user)
        rows = [{
            "pk": p["pk"], "url": f"{person_url}{p['pk']}/", "name": p["name"], "sex": p["sex"], "born": p["birth_date"],
            "region": region_names.get(p["region_id"], ""),
            "id": mask_resident_id(p["id_number"]), "phone": mask_phone(p["phone"]) if p["phone"] else "",
            "category": CATEGORY_NAMES.get(p["certificate__category"], ""),
            "level": LEVEL_NAMES.get(p["certificate__level"], ""),
            "status": STATUS_NAMES.get(p["certificate__status"], ""),
            "reason": REASON_NAMES.get(p["certificate__cancel_reason"], ""),
        } for p in page.rows]
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    # the filter's selects as plain values (rendering Django's bound fields costs more than the rows)
    data = form.data if form.is_bound else {}
    selects = [(name, field.label, [(str(v), label, str(v) == str(data.get(name, ""))) for v, label in field.choices])
               for name, field in form.fields.items() if name != "q"]
    context = {"form": form, "selects": selects, "q": data.get("q", ""), "page": page, "rows": rows,
               "query": query.urlencode(), "refused": refused,
               "may_unmask": selectors.may_unmask(request.user), "may_import": selectors.may_import(request.user),
               "scope": user_scope(request.user)}
    template = "registry/_person_table.html" if request.htmx else "registry/person_list.html"
    return render(request, template, context)


@login_required
@require_GET
def person_detail(request, pk: int):
    person = selectors.person_get_visible(user=request.user, pk=pk)
    return render(request, "registry/person_detail.html", {
        "person": person, "cert": getattr(person, "certificate", None),
        "id": mask_resident_id(person.id_number), "phone": mask_phone(person.phone) if person.phone else "",
        "bank_card": selectors.shown_card(person.bank_card, unmasked=False),
        "social_card": selectors.shown_card(person.social_card, unmasked=False),
        "history": selectors.person_history_shown(person), "may_unmask": selectors.may_unmask(request.user),
    })


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = selectors.person_get_visible(user=request.user, pk=pk)
    try:
        services.person_reveal(actor=request.user, person=person)
    except services.RegistryDenied as exc:
        return _forbidden(request, str(exc))
    return render(request, "registry/_revealed.html", {"person": person, "cert": getattr(person, "certificate", None)})


@login_required
@require_GET
def export(request):
    if not selectors.registry_visible_to(request.user):
        return _forbidden(request, "您的角色不查看残疾人登记名册")
    unmasked = request.GET.get("full") == "1"
    if unmasked and not selectors.may_unmask(request.user):
        return _forbidden(request, "您的角色只能导出打码后的名册")
    form, filters = _filters(request)
    term = selectors.search_term(filters.q)
    shown = {"q": term.masked if term.by_id else term.text}  # the audit note never holds a whole ID
    description = "；".join(f"{form.fields[k].label}={shown.get(k, v)}" for k, v in (
        form.cleaned_data.items() if form.is_bound and form.is_valid() else []) if v) or "全部"
    try:
        persons = selectors.person_list(user=request.user, filters=filters)
    except selectors.SearchRefused as exc:
        return _forbidden(request, str(exc))
    handle = tempfile.NamedTemporaryFile(prefix="jixiao-export-", suffix=".xlsx")
    count = services.registry_export(actor=request.user, persons=persons, out_path=Path(handle.name),
                                     unmasked=unmasked, description=description)
    services.person_search_record(actor=request.user, term=term, page="导出残疾人名册", found=count)
    handle.seek(0)
    name = "残疾人名册（完整号码）.xlsx" if unmasked else "残疾人名册.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_start(request):
    """The upload form; a valid upload becomes a background job, whose page shows its progress."""
    scope = user_scope(request.user)
    if not selectors.may_import(request.user):
        return _forbidden(request, f"您的角色（{scope.role_label}）不能导入名册")
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.registry_import_job_start(actor=request.user, upload=form.cleaned_data["file"])
        except services.RegistryDenied as exc:
            return _forbidden(request, str(exc))
        return redirect("job_detail", pk=job.pk)
    return render(request, "registry/import.html", {"form": form, "scope": scope},
                  status=400 if request.method == "POST" else 200)
