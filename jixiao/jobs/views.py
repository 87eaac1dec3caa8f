"""The jobs pages: the user's jobs (all jobs for a 系统管理员), one job with its progress (polled by
htmx while it runs), cancelling, and the result files. Thin: scoping is in ``selectors``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jixiao.jobs import selectors, services, storage

PAGE_SIZE = 25


@login_required
@require_GET
def job_list(request):
    page = Paginator(selectors.jobs_visible(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"job": job, "state": selectors.job_state(job)} for job in page]
    context = {"page": page, "rows": rows, "any_active": any(r["state"].active for r in rows),
               "sees_all": selectors.jobs_all_visible(request.user)}
    template = "jobs/_job_table.html" if request.htmx else "jobs/job_list.html"
    return render(request, template, context)


def _detail_context(request, job):
    return {"job": job, "state": selectors.job_state(job), "may_cancel": services.job_may_cancel(request.user, job),
            "sees_all": selectors.jobs_all_visible(request.user)}


@login_required
@require_GET
def job_detail(request, pk: int):
    job = selectors.job_get_visible(user=request.user, pk=pk)
    template = "jobs/_job_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, _detail_context(request, job))


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = selectors.job_get_visible(user=request.user, pk=pk)
    try:
        job = services.job_cancel(actor=request.user, job=job)
    except services.JobNotActive:
        pass  # it ended meanwhile: the page shows how
    except services.JobDenied as exc:
        return render(request, "workbench/forbidden.html", {"reason": str(exc)}, status=403)
    if request.htmx:
        return render(request, "jobs/_job_progress.html", _detail_context(request, job))
    return redirect("job_detail", pk=job.pk)


@login_required
@require_GET
def job_file(request, pk: int, name: str):
    job, path, entry = selectors.job_file_get(user=request.user, pk=pk, name=name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                        content_type=storage.content_type(path))
