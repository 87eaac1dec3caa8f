"""Audit a report file, write its marked copy, and keep a marked copy for the web page briefly.

``audit_file`` and ``audit_annotate`` are pure (no database, no settings) and serve the CLI, the
tests and the page alike. The page's copies live in a private folder under JIXIAO_HOME, named by a
random token, readable only by the user who uploaded the report and deleted after
``COPY_LIFETIME`` (by ``jixiao.common.uploads.uploads_purge_expired``, which clears every kind of kept
upload); the uploaded report itself is read in a private temporary folder and never kept. Nothing
about the report's content is logged.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.audit.annotate import annotate
from jixiao.audit.checks import run_checks
from jixiao.audit.document import Document, DocumentUnreadable, read_document
from jixiao.audit.findings import KIND_LABELS, Finding
from jixiao.common.uploads import (
    AUDIT_COPIES,
    AUDIT_COPY_SECONDS,
    private_folder,
    upload_tmp_dir,
    uploads_purge_expired,
)

COPY_LIFETIME = AUDIT_COPY_SECONDS  # seconds a marked copy stays downloadable


@dataclass
class AuditReport:
    file: str
    document: Document
    findings: list[Finding]
    errors: list[str] = field(default_factory=list)  # checks that could not run on this document

    def as_json(self) -> dict:
        out = {"file": self.file, "findings": [f.as_json() for f in self.findings]}
        if self.errors:
            out["incomplete_checks"] = list(self.errors)
        return out

    def as_text(self) -> str:
        lines = [f"文件：{self.file}"]
        if self.errors:
            lines.append(f"注意：以下检查未能完成：{'、'.join(self.errors)}")
        if not self.findings:
            lines.append("未发现不一致之处。")
            return "\n".join(lines)
        lines.append(f"发现 {len(self.findings)} 处不一致：")
        for i, f in enumerate(self.findings, 1):
            lines.append(f"{i:>3}. 【{KIND_LABELS[f.kind]}】{f.location.describe()}")
            lines.append(f"     摘录：{f.excerpt}")
            lines.append(f"     应为：{f.expected}　报告中为：{f.found}")
            lines.append(f"     说明：{f.message}")
        return "\n".join(lines)


def audit_file(path, *, display_name: str | None = None) -> AuditReport:
    """Read and check one report (.docx or .txt). Raises DocumentUnreadable."""
    document = read_document(path)
    errors: list[str] = []
    findings = run_checks(document, errors)
    return AuditReport(file=display_name or str(path), document=document, findings=findings, errors=errors)


def audit_annotate(report: AuditReport, out_path) -> Path:
    """The report with every finding marked (Word comments on the figures), as .docx."""
    return annotate(report.document, report.findings, out_path)


# ---- the web page's marked copies -------------------------------------------------------------------

class CopyNotFound(Exception):
    """No marked copy under this token for this user (never made, expired or someone else's)."""


def _store_dir() -> Path:
    return private_folder(AUDIT_COPIES)


def audit_upload(*, user, name: str, chunks) -> tuple[AuditReport, str]:
    """Audit an uploaded report and keep its marked copy for ``user``; returns (report, token)."""
    safe_name = Path(name).name or "report.docx"
    with upload_tmp_dir("jixiao-audit-") as tmp:  # purges expired copies and uploads first
        path = Path(tmp) / ("upload" + Path(safe_name).suffix.lower())
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        try:
            report = audit_file(path, display_name=safe_name)
        except DocumentUnreadable as exc:  # say the name the user uploaded, not the private copy's
            raise DocumentUnreadable(str(exc).replace(f"“{path.name}”", f"“{safe_name}”")) from None
        token = secrets.token_urlsafe(24)
        folder = _store_dir()
        audit_annotate(report, folder / f"{token}.docx")
        meta = {"user": user.pk, "name": safe_name, "created": time.time()}
        (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    report.document.docx = None  # the upload is gone; drop the in-memory copy too
    return report, token


def annotated_copy_get(*, user, token: str) -> tuple[Path, str]:
    """(path, download name) of a marked copy this user made; CopyNotFound otherwise."""
    uploads_purge_expired()
    if not token or not all(ch.isalnum() or ch in "-_" for ch in token):
        raise CopyNotFound
    folder = _store_dir()
    meta_path, path = folder / f"{token}.json", folder / f"{token}.docx"
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise CopyNotFound from exc
    if meta.get("user") != user.pk or not path.is_file():
        raise CopyNotFound
    return path, f"{Path(meta['name']).stem}（审核意见）.docx"
