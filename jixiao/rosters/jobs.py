"""The comparison as a kind of background job (queued from the 比对 page or the API, run by `jixiao worker`)."""

from __future__ import annotations

from jixiao.jobs.kinds import JobFailed, register

COMPARE = "rosters.compare"


def comparison_run_job(context) -> dict:
    from django.urls import reverse

    from jixiao.comparison.kinds import FINDING_KINDS
    from jixiao.rosters.models import ComparisonRun
    from jixiao.rosters.services import RosterInvalid, comparison_execute, comparison_failed


    run = ComparisonRun.objects.get(pk=context.params["run"])

    def report(done: int, total: int, what: str) -> None:
        context.progress(done, total, f"第 {done}/{total} 步")
        context.check_cancelled()

    try:
        run = comparison_execute(run=run, actor=context.actor, progress=report)
    except RosterInvalid as exc:
        raise JobFailed(f"无法比对：{exc}", result={"exit": 2}) from None
    except BaseException as exc:  # cancelled, or the worker's own failure: the run must not stay 运行中
        comparison_failed(run_id=run.pk, message="比对未完成（已取消或出错），没有保存任何发现。")
        raise exc
    by_kind = run.counts.get("by_kind", {})
    figures = {"发现合计": run.total, **{FINDING_KINDS[k]: n for k, n in by_kind.items() if n},
               "沿用上次核实结果": run.carried_over}
    return {"summary": f"{run.year}年名册比对完成：共 {run.total} 条发现", "exit": 1 if run.total else 0,
            "run": run.pk, "figures": figures, "link": {"label": "查看比对结果和工作清单", "url": reverse("rosters_run", args=[run.pk])}}


def register_kinds() -> None:
    register(COMPARE, label="名册比对", run=comparison_run_job,
             title=lambda params: f"{params.get('year', '')}年名册比对",
             interrupted_note="比对未完成，没有保存任何发现；可重新发起。")
