"""Audit a report file, write its marked copy, and keep a marked copy for the web page briefly.

``audit_file`` and ``audit_annotate`` are pure (no database, no settings) and serve the CLI, the
tests and the page alike. The page's copies live in a private folder under JIXIAO_HOME, named by a
random token, readable only by the user who uploaded the report and deleted after
``COPY_LIFETIME``; the uploaded report itself is read in a temporary folder and never kept. Nothing
about the report's content is logged.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.audit.annotate import annotate
from jixiao.audit.checks import run_checks
from jixiao.audit.document import Document, DocumentUnreadable, read_document
from jixiao.audit.findings import KIND_LABELS, Finding

COPY_LIFETIME = 30 * 60  # seconds a marked copy stays downloadable


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
    from django.conf import settings

    folder = Path(settings.JIXIAO_HOME) / "audit-copies"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def copies_cleanup(now: float | None = None) -> int:
    """Delete marked copies older than COPY_LIFETIME; returns how many were deleted."""
    now = time.time() if now is None else now
    removed = 0
    for meta in _store_dir().glob("*.json"):
        try:
            created = json.loads(meta.read_text("utf-8"))["created"]
        except (OSError, ValueError, KeyError):
            created = 0
        if now - created > COPY_LIFETIME:
            for path in (meta, meta.with_suffix(".docx")):
                path.unlink(missing_ok=True)
            removed += 1
    return removed


def audit_upload(*, user, name: str, chunks) -> tuple[AuditReport, str]:
    """Audit an uploaded report and keep its marked copy for ``user``; returns (report, token)."""
    copies_cleanup()
    safe_name = Path(name).name or "report.docx"
    with tempfile.TemporaryDirectory(prefix="jixiao-audit-") as tmp:
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
    copies_cleanup()
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
