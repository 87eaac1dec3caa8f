"""The report-audit page: upload a report, see its findings, download the marked copy. Thin: the
services read, check and mark; nothing about the report is stored beyond the marked copy, which
only its uploader can download and which is deleted after half an hour."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.audit import services
from jixiao.audit.document import DocumentUnreadable
from jixiao.audit.findings import KIND_LABELS
from jixiao.audit.forms import ReportUploadForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_http_methods(["GET", "POST"])
def audit_page(request):
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "report": None, "token": None, "kinds": KIND_LABELS,
               "lifetime_minutes": services.COPY_LIFETIME // 60}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report, token = services.audit_upload(user=request.user, name=upload.name, chunks=upload.chunks())
            except DocumentUnreadable as exc:
                form.add_error("file", str(exc))
            else:
                status = 200
                context.update(report=report, token=token, rows=[
                    {"number": i, "kind": KIND_LABELS[f.kind], "code": f.kind, "where": f.location.describe(),
                     "excerpt": f.excerpt, "expected": f.expected, "found": f.found, "message": f.message}
                    for i, f in enumerate(report.findings, 1)
                ])
    return render(request, "audit/audit.html", context, status=status)


@login_required
@require_GET
def audit_download(request, token: str):
    try:
        path, name = services.annotated_copy_get(user=request.user, token=token)
    except services.CopyNotFound as exc:
        raise Http404("标注副本不存在或已过期，请重新上传报告") from exc
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=DOCX)
