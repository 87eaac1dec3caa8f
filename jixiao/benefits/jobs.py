"""The computation of a cycle as a kind of background job (queued from the cycle's page, run by `jixiao worker`)."""

from __future__ import annotations

from jixiao.jobs.kinds import JobFailed, register

COMPUTE = "benefits.compute"
BATCH = "benefits.batch"  # make a payment batch (~30 s for a million persons on SQLite)
RETURN = "benefits.return"  # import a bank's (or the insurer's) return file


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


def _cycle_link(cycle_id: int) -> dict:
    from django.urls import reverse

    return {"label": "返回批次页面", "url": reverse("cycle_detail", args=[cycle_id])}


def payment_batch_job(context) -> dict:
    from django.http import Http404

    from jixiao.benefits.models import Cycle
    from jixiao.benefits.services import BenefitsDenied, BenefitsInvalid, payment_batch_create

    cycle = Cycle.objects.get(pk=context.params["cycle"])
    context.progress(0, 1, "正在生成发放清单")
    context.check_cancelled()
    try:
        batch = payment_batch_create(actor=context.actor, cycle=cycle)
    except (BenefitsInvalid, BenefitsDenied, Http404) as exc:
        raise JobFailed(f"无法生成发放清单：{exc}", result={"exit": 2, "cycle": cycle.pk,
                                                       "link": _cycle_link(cycle.pk)}) from None
    context.progress(1, 1, "")
    yuan = f"{batch.amount_fen / 100:.2f}"
    return {"summary": f"已生成第{batch.number}批发放清单：{batch.persons} 人，{yuan} 元", "exit": 0,
            "cycle": cycle.pk, "batch": batch.pk, "figures": {"人数": batch.persons, "金额(元)": yuan},
            "link": _cycle_link(cycle.pk)}


def bank_return_job(context) -> dict:
    from django.http import Http404

    from jixiao.benefits.models import PaymentBatch
    from jixiao.benefits.services import BenefitsDenied, BenefitsInvalid, bank_return_import

    batch = PaymentBatch.objects.get(pk=context.params["batch"])
    context.progress(0, 1, "正在核对回盘")
    context.check_cancelled()
    try:
        record = bank_return_import(actor=context.actor, batch=batch, file=context.input(context.params["file"]))
    except (BenefitsInvalid, BenefitsDenied, Http404) as exc:
        raise JobFailed(f"无法导入回盘：{exc}", result={"exit": 2, "cycle": batch.cycle_id,
                                                   "link": _cycle_link(batch.cycle_id)}) from None
    context.progress(1, 1, "")
    return {"summary": f"已导入第{batch.number}批回盘（{record.file_name}）：到账 {record.paid} 人，失败 {record.failed} 人，"
                       f"问题 {record.problem_count} 行，未匹配 {record.unmatched} 行",
            "exit": 0 if not (record.problem_count or record.unmatched) else 1, "cycle": batch.cycle_id,
            "return": record.pk, "figures": {"到账": record.paid, "失败": record.failed, "问题行": record.problem_count,
                                             "未匹配行": record.unmatched},
            "link": _cycle_link(batch.cycle_id)}


def register_kinds() -> None:
    register(COMPUTE, label="补助发放计算", run=cycle_compute_job,
             title=lambda params: f"{params.get('year', '')}年补助发放计算",
             interrupted_note="计算未完成，批次保持原来的结果；可重新计算。")
    register(BATCH, label="生成发放清单", run=payment_batch_job,
             interrupted_note="没有生成发放批（清单未交银行）；可重新生成。")
    register(RETURN, label="导入银行回盘", run=bank_return_job,
             interrupted_note="回盘没有登记（发放记录不变）；可重新导入。")
