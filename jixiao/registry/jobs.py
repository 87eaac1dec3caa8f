"""The registry import as a kind of background job: the same function runs for a web or API import
(queued, run by `jixiao worker`) and for `jixiao import registry` (in the command's own process)."""

from __future__ import annotations

from jixiao.jobs.kinds import JobFailed, register

IMPORT = "registry.import"


def registry_import_run(context) -> dict:
    from jixiao.registry.importer import default_error_path, registry_import
    from jixiao.registry.services import RegistryDenied
    from jixiao.registry.sources import FileUnreadable

    params = context.params
    source = context.input(params["file"])
    if context.folder is not None:
        errors = context.result_path("错误报告")
    else:
        errors = params.get("errors") or default_error_path(source)

    def report(rows: int, total: int | None) -> None:
        context.progress(rows, total)
        context.check_cancelled()  # between chunks; the import's transaction rolls back

    try:
        result = registry_import(source, actor=context.actor, dry_run=bool(params.get("dry_run")),
                                 strict=bool(params.get("strict")), errors_path=errors, progress=report)
    except RegistryDenied as exc:  # the actor's region decides what rows may touch (registry_import)
        raise JobFailed(str(exc), result={"exit": 2}) from None
    except FileUnreadable as exc:
        raise JobFailed(f"无法导入：{exc}", result={"exit": 2}) from None
    context.progress(result.rows, result.rows)
    for path in result.error_files:
        context.add_file(path, f"错误报告（{path.suffix.lstrip('.')}）")
    out = {
        "summary": result.summary(), "exit": result.exit_status, "committed": result.committed,
        "rows": result.rows, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "rejected": result.rejected, "problems": result.problems,
        "figures": {"数据行数": result.rows, "新增": result.created, "更新": result.updated,
                    "无变化": result.unchanged, "拒绝的行": result.rejected, "问题数": result.problems},
    }
    if context.folder is None:  # the command prints where its error reports are; a job lists them as files
        out["error_files"] = [str(p) for p in result.error_files]
    return out


def _title(params: dict) -> str:
    verb = "校验" if params.get("dry_run") else "导入"
    return f"{verb}残疾人名册：{params.get('file', '')}"


def register_kinds() -> None:
    register(IMPORT, label="名册导入", run=registry_import_run, title=_title,
             interrupted_note="导入在一个事务中进行，登记库没有任何改变，可重新导入。")
