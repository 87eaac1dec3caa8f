"""Every figure of an evaluation, printed once.

``build_figures(result)`` returns plain dicts of strings (and a few ints). The Word report, the
score sheet and summary.json all read this one structure, so a figure cannot be printed two
ways. Rounding happens here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from jixiao.common.names import name_with_year
from jixiao.common.numbers import fmt_fixed, fmt_percent, fmt_plain, fmt_wan
from jixiao.scoring.engine import EvaluationResult, Node
from jixiao.scoring.inputs import (
    ALLOCATION_UNIT_LABELS,
    FUNDS_CLASSES,
    RULE_LABELS,
    LivelihoodTask,
    Programme,
    ProjectGroup,
    allocation_level,
    allocation_unit_label,
)
from jixiao.scoring.presets import OPTION_LABELS, OPTION_LETTERS

LEVEL_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}


def fmt_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def fmt_period(start: date | None, end: date | None) -> str:
    if not start or not end:
        return fmt_date(start or end)
    if start.year == end.year:
        return f"{fmt_date(start)}至{end.month}月{end.day}日"
    return f"{fmt_date(start)}至{fmt_date(end)}"


def fmt_rate(value: Fraction | None) -> str:
    return fmt_percent(value) if value is not None else "—"


def _node_figures(node: Node) -> dict:
    return {
        "code": node.code,
        "name": node.name,
        "weight": fmt_fixed(node.weight),
        "score": fmt_fixed(node.score),
        "deduction": fmt_fixed(node.deduction),
        "rate": fmt_rate(node.rate),
    }


def _rounding_note(parts: list[str], total: str, what: str) -> str:
    """Say so when rounded parts visibly disagree with their rounded total (domain §6)."""
    shown = sum((Decimal(p) for p in parts), Decimal(0))
    if shown == Decimal(total):
        return ""
    return (
        f"注：{what}按四舍五入保留两位小数显示，合计按精确值计算后再四舍五入；"
        f"各项显示值相加为{shown:.2f}，与合计{total}的差额系舍入所致。"
    )


def _survey_figures(result: EvaluationResult) -> dict | None:
    s = result.survey
    if s is None:
        return None
    used = [k for k in OPTION_LETTERS if k in s.coefficients or s.total_counts.get(k)]
    # The seeds always print all five columns A–E; so do we, blank coefficients shown as "—".
    questions = []
    for q in s.questions:
        questions.append({
            "number": q.number,
            "text": q.text,
            "weight": fmt_plain(q.weight),
            "respondents": q.respondents,
            "counts": {k: q.counts[k] for k in OPTION_LETTERS},
            "shares": {k: fmt_percent(q.shares[k]) for k in OPTION_LETTERS},
            "option_scores": {k: fmt_fixed(q.option_scores[k]) for k in OPTION_LETTERS},
            "score": fmt_fixed(q.score),
        })
    total = fmt_fixed(s.total)
    notes = [n for n in (
        _rounding_note([q["score"] for q in questions], total, "各题得分"),
    ) if n]
    return {
        "title": s.title,
        "respondents": s.respondents,
        "options": [{"letter": k, "label": OPTION_LABELS[k]} for k in OPTION_LETTERS],
        "options_used": used,
        "coefficients": {k: fmt_plain(v) if k in s.coefficients else "—" for k, v in
                         ((k, s.coefficients.get(k, 0)) for k in OPTION_LETTERS)},
        "questions": questions,
        "total_counts": dict(s.total_counts),
        "total_answers": s.total_answers,
        "total_shares": {k: fmt_percent(v) for k, v in s.total_shares.items()},
        "total_option_scores": {k: fmt_fixed(v) for k, v in s.total_option_scores.items()},
        "total": total,
        "max_total": fmt_fixed(s.max_total),
        "rounding_note": " ".join(notes),
    }


def _target_figures(result: EvaluationResult) -> list[dict]:
    out = []
    for tr in result.targets:
        t = tr.target
        if t.operator == "定性":
            target_text, actual_text = t.target_text, t.actual_text
        else:
            target_text = fmt_plain(t.target) if t.target is not None else ""
            actual_text = fmt_plain(tr.actual) if tr.actual is not None else t.actual_text
        out.append({
            "category": t.category,
            "name": t.name,
            "operator": t.operator,
            "target": target_text,
            "unit": t.unit,
            "actual": actual_text,
            "completion": fmt_rate(tr.completion) if tr.completion is not None else "",
            "met": "" if tr.met is None else ("达标" if tr.met else "未达标"),
            "deviation_reason": t.deviation_reason,
        })
    return out


def _funds_figures(result: EvaluationResult) -> dict:
    f = result.funds
    return {
        "unit": "万元",
        "budget": fmt_wan(f.budget),
        "arrived": fmt_wan(f.arrived),
        "spent": fmt_wan(f.spent),
        "balance": fmt_wan(f.balance),
        "balance_reason": result.project.balance_reason,
        "arrival_rate": fmt_rate(f.arrival_rate),
        "execution_rate": fmt_rate(f.execution_rate),
        "by_kind": [{"kind": k, "budget": fmt_wan(b), "arrived": fmt_wan(a)} for k, b, a in f.by_kind],
        "expenditures": [
            {"item": e.item, "amount": fmt_wan(e.amount), "note": e.note} for e in result.project.expenditures
        ],
    }


def _allocation_figures(result: EvaluationResult) -> dict:
    p, f = result.project, result.funds
    rows = []
    for i, a in enumerate(p.allocations, 1):
        rows.append({
            "no": i,
            "region": a.region_name,
            "amount": fmt_wan(a.amount),
            "planned": "" if a.planned_beneficiaries is None else str(a.planned_beneficiaries),
            "actual": "" if a.actual_beneficiaries is None else str(a.actual_beneficiaries),
            "note": a.note,
        })
    return {
        "rows": rows,
        "count": len(rows),
        # what the listed units are (county / township / village) and what the report calls them
        "level": allocation_level(p.allocations),
        "unit_label": allocation_unit_label(p.allocations),
        "has_planned": any(a.planned_beneficiaries is not None for a in p.allocations),
        "has_actual": f.beneficiaries_actual is not None,
        "total_amount": fmt_wan(f.allocation_total),
        "total_planned": "" if f.beneficiaries_planned is None else str(f.beneficiaries_planned),
        "total_actual": "" if f.beneficiaries_actual is None else str(f.beneficiaries_actual),
        "completion": fmt_rate(f.beneficiaries_rate) if f.beneficiaries_rate is not None else "",
    }


@dataclass(frozen=True)
class ProgrammeAmounts:
    total: Decimal  # 合计 = Σ sources
    spent: Decimal  # Σ expenditures
    balance: Decimal  # 结余 = 合计 − spent


def programme_amounts(programme: Programme) -> ProgrammeAmounts:
    """A programme's 合计, spending and 结余, computed from its parts (never typed)."""
    total = sum((s.amount for s in programme.sources), Decimal(0))
    spent = sum((e.amount for e in programme.expenditures), Decimal(0))
    return ProgrammeAmounts(total, spent, total - spent)


def _source_words(kind: str) -> str:
    """中央 → 中央资金, 上年结转 stays as it is (seed 003: 中央资金26万元 … 上年结转8.53万元)."""
    return kind if kind.endswith(("结转", "资金", "金", "其他")) else f"{kind}资金"


def _count_words(households: int | None, persons: int | None) -> str:
    return "".join(f"{n}{unit}" for n, unit in ((households, "户"), (persons, "人")) if n is not None)


def _programme_figures(year: int, index: int, programme: Programme) -> dict:
    amounts = programme_amounts(programme)
    sources = [{"kind": s.kind, "words": _source_words(s.kind), "amount": fmt_wan(s.amount),
                "document": s.document, "note": s.note} for s in programme.sources]
    expenditures = [{"item": e.item, "amount": fmt_wan(e.amount), "note": e.note} for e in programme.expenditures]
    citations = [f"《{d.title}》" + (f"（{d.number}）" if d.number else "") for d in programme.policies]
    total, spent, balance = fmt_wan(amounts.total), fmt_wan(amounts.spent), fmt_wan(amounts.balance)
    source_words = "，".join(f"{s['words']}{s['amount']}万元" for s in sources)
    sentences = {
        "policies": f"依据{'、'.join(citations)}的规定执行。" if citations else "",
        "standard": f"保障标准为{programme.standard.rstrip('。')}。" if programme.standard else "",
        "funds": f"项目资金到位情况：{source_words}，合计{total}万元。" if sources else "",
        "spending": f"{year}年共支出{spent}万元。" if expenditures else "",
        "balance": "",
    }
    if sources or expenditures:
        reason = programme.balance_reason.strip().rstrip("。")
        if amounts.balance > 0:
            sentences["balance"] = f"结余{balance}万元" + (f"，原因是{reason}。" if reason else "。")
        elif amounts.balance < 0:
            sentences["balance"] = f"支出超过资金合计{fmt_wan(-amounts.balance)}万元" + (f"，原因是{reason}。" if reason else "。")
        else:
            sentences["balance"] = "资金已全部支出，无结余。"
    counts, monthly = (_count_words(programme.households, programme.persons),
                       _count_words(programme.monthly_households, programme.monthly_persons))
    beneficiaries = "，".join(part for part in (f"全年累计救助{counts}" if counts else "",
                                                f"平均月救助{monthly}" if monthly else "") if part)
    sentences["beneficiaries"] = f"{beneficiaries}。" if beneficiaries else ""
    return {
        "no": index,
        "numeral": _numeral(index),
        "name": programme.name,
        "policies": citations,
        "sources": sources,
        "expenditures": expenditures,
        "total": total,
        "spent": spent,
        "balance": balance,
        "balance_reason": programme.balance_reason,
        "households": "" if programme.households is None else str(programme.households),
        "persons": "" if programme.persons is None else str(programme.persons),
        "monthly_households": "" if programme.monthly_households is None else str(programme.monthly_households),
        "monthly_persons": "" if programme.monthly_persons is None else str(programme.monthly_persons),
        "standard": programme.standard,
        "description": programme.description,
        "sentences": sentences,
    }


def _programmes_figures(result: EvaluationResult) -> tuple[list[dict], dict | None]:
    """Each programme's printed figures, and the combined 合计 / 支出 / 结余 over all of them."""
    p = result.project
    if not p.programmes:
        return [], None
    rows = [_programme_figures(p.year, i, prog) for i, prog in enumerate(p.programmes, 1)]
    amounts = [programme_amounts(prog) for prog in p.programmes]
    total = sum((a.total for a in amounts), Decimal(0))
    spent = sum((a.spent for a in amounts), Decimal(0))
    combined = {
        "count": len(rows),
        "count_words": "两" if len(rows) == 2 else _cn_count(len(rows)),  # 两个项目, not 二个
        "names": "、".join(r["name"] for r in rows),
        "total": fmt_wan(total),
        "spent": fmt_wan(spent),
        "balance": fmt_wan(total - spent),
        # the numbers of the sections after the programmes' (seed 003: 六、综合评价… 七、存在问题)
        "conclusion_numeral": _numeral(len(rows) + 1),
        "problems_numeral": _numeral(len(rows) + 2),
        "advice_numeral": _numeral(len(rows) + 3),
    }
    return rows, combined


def funds_class_of(group: ProjectGroup) -> str:
    """工作经费 or 专项经费: as given, else 工作经费 when the group's name says so (seed 004: 残疾人工作经费)."""
    if group.funds_class:
        return group.funds_class
    return FUNDS_CLASSES[0] if "工作经费" in group.name else FUNDS_CLASSES[1]


@dataclass(frozen=True)
class DepartmentAmounts:
    budget: Decimal  # Σ 预算 总额
    budget_own: Decimal  # Σ 其中本级
    spent: Decimal  # Σ 支出总额
    spent_own: Decimal  # Σ 其中本级
    by_class: dict  # 工作经费 / 专项经费 → Σ 支出总额 of the groups of that class
    budget_count: int  # groups with a budget
    spent_count: int  # groups with spending


def department_amounts(groups: list[ProjectGroup]) -> DepartmentAmounts:
    """A department's totals over its project groups and the 工作经费 / 专项经费 split of its spending."""
    def total(attr: str) -> Decimal:
        return sum((getattr(g, attr) for g in groups), Decimal(0))

    by_class = {c: sum((g.spent for g in groups if funds_class_of(g) == c), Decimal(0)) for c in FUNDS_CLASSES}
    return DepartmentAmounts(total("budget"), total("budget_own"), total("spent"), total("spent_own"), by_class,
                             sum(1 for g in groups if g.budget), sum(1 for g in groups if g.spent))


def task_completion(task: LivelihoodTask) -> Fraction | None:
    """A 民生实事 task's completion rate: actual ÷ target (99 of 90 → 110%); None without a target."""
    return Fraction(task.actual) / Fraction(task.target) if task.target else None


def _with_adjustment(amount: Decimal, adjustment: str, part: Decimal | None) -> str:
    """328.187（含调指标23.075万元）: the amount and what it includes."""
    return fmt_wan(amount) + (f"（含{adjustment}{fmt_wan(part)}万元）" if adjustment and part else "")


def _task_words(task: LivelihoodTask, rate: str) -> str:
    note = f"（{task.note.strip('（）')}）" if task.note else ""
    return (f"任务为“完成{fmt_plain(task.target)}{task.unit}{task.name}”，实际完成{fmt_plain(task.actual)}{task.unit}"
            f"{note}，任务数完成{rate}")


_ADMIN_PREFIX = re.compile(r"^(?:[^省市县区州旗盟]{1,7}(?:省|自治区|市|州|盟|县|区|旗))+")


def _own_level(region_name: str, owner_unit: str) -> str:
    """What the table calls the unit's own level, from the 所属区划 or else the unit's leading place names:
    开福区 / 长沙市开福区残疾人联合会 → 区级, 某县财政局 → 县级, 长沙市… → 市级; else 本级."""
    place = region_name.strip() or (m.group(0) if (m := _ADMIN_PREFIX.match(owner_unit.strip())) else "")
    last = place[-1:]
    return f"{last}级" if last in ("区", "县", "市", "州", "省", "旗", "盟") else "本级"


def _department_figures(result: EvaluationResult) -> dict | None:
    """A department-level self-evaluation's table, totals, split and 民生实事 tasks (seed 004)."""
    p = result.project
    if not p.project_groups:
        return None
    amounts = department_amounts(p.project_groups)
    groups = [{
        "no": i, "name": g.name, "kind": g.kind, "purpose": g.purpose, "funds_class": funds_class_of(g),
        "budget": fmt_wan(g.budget), "budget_own": fmt_wan(g.budget_own),
        "spent": fmt_wan(g.spent), "spent_own": fmt_wan(g.spent_own),
        "adjustment": g.adjustment,
        "adjustment_spent": "" if g.adjustment_spent is None else fmt_wan(g.adjustment_spent),
        "adjustment_spent_own": "" if g.adjustment_spent_own is None else fmt_wan(g.adjustment_spent_own),
        "spent_text": _with_adjustment(g.spent, g.adjustment, g.adjustment_spent),
        "spent_own_text": _with_adjustment(g.spent_own, g.adjustment, g.adjustment_spent_own),
    } for i, g in enumerate(p.project_groups, 1)]
    tasks = []
    for t in p.livelihood_tasks:
        rate = task_completion(t)
        completion = fmt_rate(rate) if rate is not None else ""
        tasks.append({"category": t.category, "name": t.name, "target": fmt_plain(t.target),
                      "actual": fmt_plain(t.actual), "unit": t.unit, "note": t.note, "completion": completion,
                      "words": _task_words(t, completion) if completion else ""})
    categories: dict[str, list[str]] = {}
    for t in tasks:
        if t["words"]:
            categories.setdefault(t["category"] or "民生实事项目", []).append(t["words"])
    split = [f"{c}{fmt_wan(v)}万元" for c, v in amounts.by_class.items() if v]
    split_words = f"（{'、'.join(split)}）" if split else ""
    return {
        "own_level": _own_level(p.region_name, p.owner_unit),
        "groups": groups,
        "tasks": tasks,
        "total": {
            "budget": fmt_wan(amounts.budget), "budget_own": fmt_wan(amounts.budget_own),
            "spent": fmt_wan(amounts.spent), "spent_own": fmt_wan(amounts.spent_own),
            "work_funds": fmt_wan(amounts.by_class["工作经费"]),
            "special_funds": fmt_wan(amounts.by_class["专项经费"]),
            "budget_count": amounts.budget_count, "spent_count": amounts.spent_count,
        },
        "sentences": {
            "overview": (f"{p.year}年我单位项目支出预算共{fmt_wan(amounts.budget)}万元，包含项目{amounts.budget_count}个，"
                         f"实际支出{fmt_wan(amounts.spent)}万元{split_words}，涵盖项目{amounts.spent_count}个。"
                         "具体情况如下："),
            "tasks": [f"{c}：{'；'.join(words)}。" for c, words in categories.items()],
        },
    }


def _indicator_rows(result: EvaluationResult) -> list[dict]:
    rows = []
    for node in result.nodes():
        item = _node_figures(node)
        item.update({
            "level": node.level,
            "parent": node.row.parent_code,
            "is_leaf": node.is_leaf,
            "rule": RULE_LABELS.get(node.row.rule, "") if node.is_leaf else "",
            "basis": node.basis if node.is_leaf else "",
            "individual": node.row.individual,
        })
        rows.append(item)
    return rows


def _grade_scale_words(scale) -> str:
    """90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差 — so a reader (and the
    audit) can check the grade against the thresholds this evaluation used."""
    parts, upper = [], None
    for grade, lower in scale.bands:
        if upper is None:
            parts.append(f"{fmt_plain(lower)}分（含）以上为{grade}")
        elif lower > 0:
            parts.append(f"{fmt_plain(lower)}分（含）至{fmt_plain(upper)}分为{grade}")
        else:
            parts.append(f"{fmt_plain(upper)}分以下为{grade}")
        upper = lower
    return "，".join(parts)


def _numeral(n: int) -> str:
    """Section numbers 一 … 九十九 (一、二、…、十、十一、…)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def _cn_count(n: int) -> str:
    """Small counts in words as the reports write them (三个方面); larger ones in digits."""
    return "零一二三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def _sentences(result: EvaluationResult, fig: dict) -> dict:
    p = result.project
    leaves = result.leaves()
    depths = {n.level for n in leaves}
    if len(depths) == 1:
        depth = depths.pop()
        leaf_words = f"{len(leaves)}个{LEVEL_NUMERALS.get(depth, str(depth))}级指标"
    else:
        leaf_words = f"{len(leaves)}个末级指标"
    level1_names = "、".join(n.name.removeprefix("项目") for n in result.level1)
    counts = "，".join(
        f"{LEVEL_NUMERALS.get(lv, lv)}级指标{n}项" for lv, n in sorted(result.level_counts.items()) if lv > 1
    )
    level1_parts = "、".join(
        f"{n.name}（占{fmt_plain(Fraction(n.weight) * 100 / Fraction(result.full_marks))}%）" for n in result.level1
    )
    counts = counts or "无下级指标"
    individual = f"（其中个性指标{result.individual_count}项）" if result.individual_count else ""
    funds = fig["funds"]
    s = {
        "conclusion": (
            f"从{level1_names}{_cn_count(len(result.level1))}个方面，对{p.owner_unit}{name_with_year(p.name, p.year, word='年度')}的"
            f"{leaf_words}进行评价、打分，最终自评得分{fig['total_score']}分，评定等级为{fig['grade']}。"
            f"等级标准为：{_grade_scale_words(p.grade_scale)}。"
        ),
        "indicator_system": (
            f"一级指标由{level1_parts}等{len(result.level1)}项构成，{counts}{individual}，"
            f"满分{fmt_plain(result.full_marks)}分。"
        ),
        "funds_arrival": (
            f"{p.year}年，本项目预算资金{funds['budget']}万元，实际到位{funds['arrived']}万元，"
            f"资金到位率{funds['arrival_rate']}。"
        ),
        "funds_spending": (
            f"{p.year}年，本项目实际支出{funds['spent']}万元，预算执行率{funds['execution_rate']}。"
        ),
        "funds_balance": f"{p.year}年末，本项目结转结余资金{funds['balance']}万元"
        + (f"，原因是{p.balance_reason.rstrip('。')}。" if p.balance_reason and result.funds.balance else "。"),
    }
    alloc = fig["allocations"]
    if alloc["rows"]:
        parts = "，".join(f"{r['region']}{r['amount']}万元" for r in alloc["rows"])
        s["allocation"] = (
            f"{p.year}年共分配资金{alloc['total_amount']}万元，涉及{alloc['count']}个{alloc['unit_label']}，"
            f"其中：{parts}。"
        )
    if alloc["total_actual"]:
        text = f"{p.year}年共惠及受益对象{alloc['total_actual']}人"
        if alloc["total_planned"]:
            text += f"，计划{alloc['total_planned']}人，任务完成率{alloc['completion']}"
        s["beneficiaries"] = text + "。"
    if fig["survey"]:
        sv = fig["survey"]
        s["survey"] = (
            f"共计发放问卷{sv['respondents']}份，收回有效问卷{sv['respondents']}份，"
            f"问卷共{len(sv['questions'])}题，满意度综合得分为{sv['total']}分。"
        )
    combined = fig.get("programmes_total")
    if combined:
        s["programmes_conclusion"] = (
            f"经对{p.year}年度{combined['names']}{combined['count_words']}个项目的资金落实、业务管理、财务管理、"
            f"项目产出和项目效益等方面进行绩效评价，{combined['count_words']}个项目综合得分{fig['total_score']}分，"
            f"评定等级为{fig['grade']}。等级标准为：{_grade_scale_words(p.grade_scale)}。"
        )
        s["programmes_funds"] = (
            f"{p.year}年，{combined['count_words']}个项目资金合计{combined['total']}万元，共支出{combined['spent']}万元，"
            f"结余{combined['balance']}万元。"
        )
    for node, row in zip(result.level1, fig["level1"], strict=True):
        s[f"level1_{node.code}"] = f"{node.name}（满分{row['weight']}分，评价得分{row['score']}分）"
    return s


def build_figures(result: EvaluationResult) -> dict:
    p = result.project
    level1 = [_node_figures(n) for n in result.level1]
    total_weight = result.full_marks
    fig = {
        "project": p.name,
        "year": p.year,
        "owner_unit": p.owner_unit,
        "division": p.division,
        "project_type": p.project_type,
        "region": p.region_name,
        "report_unit": p.report_unit or p.owner_unit,
        "report_date": fmt_date(p.report_date),
        "evaluation_period": fmt_period(p.evaluation_start, p.evaluation_end),
        "total_score": fmt_fixed(result.total),
        "full_marks": fmt_fixed(total_weight),
        "grade": result.grade,
        "grade_scale": [{"grade": g, "from": fmt_plain(lo)} for g, lo in p.grade_scale.bands],
        "level_counts": {str(k): v for k, v in sorted(result.level_counts.items())},
        "individual_count": result.individual_count,
        "level1": level1,
        "level1_total": {
            "weight": fmt_fixed(total_weight),
            "score": fmt_fixed(result.total),
            "deduction": fmt_fixed(total_weight - result.total),
            "rate": fmt_rate(Fraction(result.total) / Fraction(total_weight) if total_weight else None),
        },
        "indicators": _indicator_rows(result),
        "funds": _funds_figures(result),
        "allocations": _allocation_figures(result),
        "targets": _target_figures(result),
        "survey": _survey_figures(result),
        "policies": [
            {"title": d.title, "number": d.number,
             "citation": f"《{d.title}》" + (f"（{d.number}）" if d.number else "")}
            for d in p.policies
        ],
        "interviews": [
            {"topic": i.topic, "summary": i.summary, "interviewee": i.interviewee, "role": i.role,
             "method": i.method, "date": fmt_date(i.held_on)}
            for i in p.interviews
        ],
        "narrative": dict(p.narrative),
        "demo_note": p.demo_note,
    }
    programmes, combined = _programmes_figures(result)
    if programmes:  # only multi-programme projects carry these keys: other figures stay as they were
        fig["programmes"], fig["programmes_total"] = programmes, combined
    department = _department_figures(result)
    if department:  # only department-level projects carry this key
        fig["department"] = department
    fig["sentences"] = _sentences(result, fig)
    return fig


def allocation_unit_of(fig: dict) -> str:
    """What the allocation table's units are called in printed figures: 县（市、区）, 街道（乡镇） or 村（社区）
    (figures stored before the label was printed allocated to counties)."""
    return fig["allocations"].get("unit_label") or ALLOCATION_UNIT_LABELS["county"]


def summary_from_figures(fig: dict) -> dict:
    """summary.json: the machine-readable face of the report, the same strings it prints."""
    keys = [
        "project", "year", "owner_unit", "total_score", "full_marks", "grade", "level_counts", "level1",
        "level1_total", "survey", "funds", "allocations", "targets",
    ]
    out = {k: fig[k] for k in keys}
    for key in ("programmes", "programmes_total", "department"):
        if key in fig:
            out[key] = fig[key]
    out["indicators"] = [
        {k: row[k] for k in ("code", "name", "level", "weight", "score", "rule", "basis")} for row in fig["indicators"]
    ]
    return out


__all__ = ["allocation_unit_of", "build_figures", "summary_from_figures", "fmt_date", "programme_amounts",
           "ProgrammeAmounts", "department_amounts", "DepartmentAmounts", "funds_class_of", "task_completion"]
