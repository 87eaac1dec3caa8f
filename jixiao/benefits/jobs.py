"""The computation of a cycle as a kind of background job (queued from the cycle's page, run by `jixiao worker`)."""

from __future__ import annotations

from jixiao.jobs.kinds import JobFailed, register

COMPUTE = "benefits.compute"


def cycle_compute_job(context) -> dict:
    from jixiao.benefits.models import Cycle
    from jixiao.benefits.services import BenefitsInvalid, cycle_compute_execute, cycle_compute_failed

    cycle = Cycle.objects.get(pk=context.params["cycle"])

    def report(done: int, total: int, what: str) -> None:
        context.progress(done, total, f"第 {done}/{total} 步")
        context.check_cancelled()

    try:
        cycle = cycle_compute_execute(cycle=cycle, actor=context.actor, rules_id=context.params["rules"],
                                      job_id=getattr(getattr(context, "job", None), "pk", None), progress=report)
    except BenefitsInvalid as exc:
        raise JobFailed(f"无法计算：{exc}", result={"exit": 2, "cycle": cycle.pk}) from None
    except BaseException as exc:  # cancelled, or the worker's own failure: nothing stored
        cycle_compute_failed(cycle_id=cycle.pk, message="计算未完成（已取消或出错），没有保存任何结果。")
        raise exc
    totals = cycle.summary["totals"]
    figures = {"纳入计算": totals["considered"], "发放人数": totals["persons"], "金额(元)": totals["amount_yuan"],
               "市级承担(元)": totals["city_yuan"], "县级承担(元)": totals["county_yuan"],
               **{r["label"]: r["persons"] for r in cycle.summary.get("reasons", {}).values()}}
    return {"summary": f"{cycle}计算完成：发放 {totals['persons']} 人，{totals['amount_yuan']} 元", "exit": 0,
            "cycle": cycle.pk, "figures": figures}


def register_kinds() -> None:
    register(COMPUTE, label="补助发放计算", run=cycle_compute_job,
             title=lambda params: f"{params.get('year', '')}年补助发放计算",
             interrupted_note="计算未完成，批次保持原来的结果；可重新计算。")
