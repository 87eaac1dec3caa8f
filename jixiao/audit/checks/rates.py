"""kind "rate": rates written in prose, recomputed from the counts or amounts they refer to.

A rate is a percentage right after a name ending in 率 (or after 完成: "任务数完成110%"). Its parts are
looked for in the same sentence and the one before (for fund rates also the three paragraphs before):

- 到位率 = received ÷ budget; 执行率 / 支出率 = spent ÷ budget (or ÷ received);
- 完成率 = actual (实际, 完成, 惠及, 共 …) ÷ planned (计划, 目标, 任务, 预计);
- any other X率: the numerator is the count whose label contains X (入户率 → 入户调查158210人次); the
  denominator is the list it belongs to (其中入户调查158210人次、电话调查3627人 → 161837), the total
  that list breaks down, or any larger count of the same kind nearby;
- X率 p% of a single small group ("为7名毕业生提供就业服务，就业率75%"): p% of the group must be a whole
  number of people;
- X率 whose one numerator (label containing X) has no list of its own, and whose denominator is the
  total stated in an earlier sentence of the same paragraph ("共慰问1,198人。……其中入户走访1,150人，
  入户走访率96.99%" → 1,150 ÷ 1,198): only when that paragraph states exactly one total (共/合计/总数 …)
  of the numerator's unit before it, no other count of that unit at least as large stands between the
  total and the rate, and the numerator is not larger than the total.

A rate passes as soon as one reading of its parts agrees within the printed precision; it is reported
only when the parts are unambiguous (one numerator, one denominator) and none agrees.
"""

from __future__ import annotations

import re
from fractions import Fraction

from jixiao.audit.findings import Interval, half_unit, printed
from jixiao.audit.textnum import Quantity, normalize, sentences

_RATE_NAME = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,12}?率)(?:为|达到|达|是|约为)?\s*$")
_DONE = re.compile(r"完成(?:了)?\s*$")
_COUNT_CLASSES = ("person", "household", "个", "项", "件", "次", "份", "本", "张", "家", "所", "个月", "场", "批", "条")
_GENERIC_PREFIX = re.compile(r"^(本次|本项目|项目|全市|全区|全县|其中|平均|综合|总体|整体)")


def _head(text: str, pos: int) -> str:
    i = max(text.rfind(ch, 0, pos) for ch in "，,；;。：:、（(")
    return text[i + 1:pos]


def _found(rate: Quantity) -> Interval:
    return Interval.around(rate.exact, half_unit(rate.decimals))


def _ratio(num: Quantity | Fraction, den: Quantity | Fraction) -> Interval | None:
    def iv(x):
        if isinstance(x, Fraction):
            return Interval.around(x)
        value = x.wan if x.wan is not None else x.exact
        h = half_unit(x.decimals) if x.decimals else Fraction(0)
        scale = (x.wan / x.exact) if (x.wan is not None and x.exact) else Fraction(1)
        return Interval.around(value, h * scale)

    out = iv(num) / iv(den)
    return out.scale(Fraction(100)) if out is not None else None


def _value(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    return x.wan if x.wan is not None else x.exact


def check(ctx) -> list:
    out = []
    for index, p in enumerate(ctx.paragraphs):
        text = normalize(p.text)
        sents = sentences(text)
        qs = ctx.quantities(p)
        for rate in [q for q in qs if q.unit == "%"]:
            head = _head(text, rate.start)
            m = _RATE_NAME.search(head)
            name = m.group(1) if m else ("完成率" if _DONE.search(head) else None)
            if name is None:
                continue
            si = next((i for i, (a, b) in enumerate(sents) if a <= rate.start < b), None)
            if si is None:
                continue
            a = sents[si - 1][0] if si > 0 else sents[si][0]
            scope = [(q, _head(text, q.start)) for q in qs if a <= q.start < sents[si][1] and q is not rate
                     and q.unit != "%"]
            finding = None
            if "到位" in name or "执行" in name or name in ("支出率", "使用率"):
                finding = _funds(ctx, index, p, rate, name, scope)
            elif "完成" in name:
                finding = _completion(ctx, p, rate, name, scope)
            else:
                finding = _stem(ctx, p, text, rate, name, scope, sents[si], qs)
            if finding is not None:
                out.append(finding)
    return out


# ---- fund rates -------------------------------------------------------------------------------------

def _funds(ctx, index, p, rate, name, scope) -> object | None:
    from jixiao.audit.checks.derived import _HEADING

    items = list(scope)
    for j in range(index - 1, max(-1, index - 4), -1):
        prev = ctx.paragraphs[j]
        if _HEADING.match(prev.text):
            break
        ptext = normalize(prev.text)
        items += [(q, _head(ptext, q.start)) for q in ctx.quantities(prev) if q.unit != "%"]
    money = [(q, h) for q, h in items if q.cls == "money" and not q.compound]
    budget = [q for q, h in money if re.search(r"预算|下达|批复|年初安排", h) and "执行" not in h]
    received = [q for q, h in money if re.search(r"实际到位|到位|收入", h) and "预算" not in h]
    spent = [q for q, h in money if re.search(r"支出|发放|下拨|拨付", h) and "预算" not in h]
    if "到位" in name:
        nums, dens = received, budget
        what = ("到位资金", "预算资金")
    else:
        nums, dens = spent, budget + received
        what = ("支出", "预算资金")
    if not nums or not dens:
        return None
    found = _found(rate)
    if any((r := _ratio(n, d)) is not None and r.meets(found) for n in nums for d in dens):
        return None
    if "到位" not in name:
        dens = budget or received
    if len(nums) != 1 or len(dens) != 1 or not _value(dens[0]):
        return None
    expected = printed(_value(nums[0]) / _value(dens[0]) * 100, rate.decimals, True)
    return ctx.paragraph_finding(
        "rate", p, rate.start, rate.end, expected, rate.text,
        f"{name}应为{what[0]}{nums[0].text}÷{what[1]}{dens[0].text}={expected}，文中为{rate.text}。")


# ---- completion ---------------------------------------------------------------------------------------

def _completion(ctx, p, rate, name, scope) -> object | None:
    plans = [q for q, h in scope if re.search(r"计划|目标|任务|预计", h) and q.cls in _COUNT_CLASSES + ("money",)]
    actuals = [q for q, h in scope if re.search(r"实际|完成|惠及|共|累计|补助|服务", h)
               and not re.search(r"计划|目标|任务|预计", h) and q.cls in _COUNT_CLASSES + ("money",)]
    pairs = [(a, b) for a in actuals for b in plans if a.cls == b.cls]
    if not pairs:
        return None
    found = _found(rate)
    if any((r := _ratio(a, b)) is not None and r.meets(found) for a, b in pairs):
        return None
    if len(pairs) != 1 or not _value(pairs[0][1]):
        return None
    a, b = pairs[0]
    expected = printed(_value(a) / _value(b) * 100, rate.decimals, True)
    return ctx.paragraph_finding(
        "rate", p, rate.start, rate.end, expected, rate.text,
        f"{name}应为实际{a.text}÷计划（目标）{b.text}={expected}，文中为{rate.text}。")


# ---- other rates: by the name's stem ---------------------------------------------------------------

def _stem(ctx, p, text, rate, name, scope, sentence, qs) -> object | None:
    stem = _GENERIC_PREFIX.sub("", name[:-1])
    if len(stem) < 2:
        return None
    counts = [(q, h) for q, h in scope if q.cls in _COUNT_CLASSES and q.start < rate.start]
    numerators = [q for q, h in counts if stem in h or (len(stem) >= 4 and stem[:2] in h)]
    found = _found(rate)
    if not numerators:
        return _small_group(ctx, p, text, rate, name, stem, counts, sentence)
    others = [q for q, _ in counts]
    candidates: list = []
    groups = []
    for n in numerators:
        group = _group_of(text, n, others, rate)
        if len(group) >= 2:
            s = sum((g.exact for g in group), Fraction(0))
            candidates.append(s)
            groups.append((n, s, group))
        candidates += [q for q in others if q is not n and q.cls == n.cls and q.exact >= n.exact]
    earlier = _earlier_total(text, numerators[0], qs, rate) if len(numerators) == 1 and not groups else None
    if earlier is not None:
        candidates.append(earlier)
    if any((r := _ratio(n, d)) is not None and r.meets(found) for n in numerators for d in candidates):
        return None
    if earlier is not None:
        return _earlier_finding(ctx, p, text, rate, name, numerators[0], earlier)
    if len(numerators) != 1 or len(groups) != 1:
        return None
    n, s, group = groups[0]
    expected = printed(n.exact / s * 100, rate.decimals, True)
    parts = "＋".join(g.text for g in group)
    return ctx.paragraph_finding(
        "rate", p, rate.start, rate.end, expected, rate.text,
        f"{name}应为{n.text}÷（{parts}）={expected}，文中为{rate.text}。")


_TOTAL_HEAD = re.compile(r"共(?!同|享|建|治)|合计|总计|累计|总数|总人数|总户数|总人次|总额|总金额|总量")


def _same_unit(a: Quantity, b: Quantity) -> bool:
    return a.cls == b.cls and not a.compound and not b.compound and (a.cls == "money" or a.unit == b.unit)


def _earlier_total(text: str, n: Quantity, qs: list[Quantity], rate: Quantity) -> Quantity | None:
    """The paragraph's one total (共/合计/总数 …) of the numerator's unit in a sentence before the
    numerator's, when the pairing is unambiguous (see the module doc); None otherwise."""
    sents = sentences(text)
    first = next((a for a, b in sents if a <= n.start < b), None)
    if first is None:
        return None
    totals = [q for q in qs if q.start < first and _same_unit(q, n) and not q.qualifier
              and _TOTAL_HEAD.search(_head(text, q.start))]
    if len(totals) != 1:
        return None
    total = totals[0]
    if _value(total) < _value(n) or not _value(total):
        return None
    if any(q is not n and q is not total and _same_unit(q, n) and _value(q) >= _value(n)
           for q in qs if total.start < q.start < rate.start):
        return None
    return total


def _earlier_finding(ctx, p, text, rate, name, n: Quantity, total: Quantity):
    expected = printed(_value(n) / _value(total) * 100, rate.decimals, True)
    what_n = re.sub(r"^其中[：:]?", "", _head(text, n.start))
    head = _head(text, total.start)
    what_t = head[_TOTAL_HEAD.search(head).start():]
    return ctx.paragraph_finding(
        "rate", p, rate.start, rate.end, expected, rate.text,
        f"{name}应为{what_n}{n.text}÷{what_t}{total.text}={expected}，文中为{rate.text}。")


def _group_of(text: str, n: Quantity, others: list[Quantity], rate: Quantity) -> list[Quantity]:
    """The list a count belongs to: same-kind counts after the last 其中/： before it, up to the rate."""
    start = max(text.rfind("其中", 0, n.start), text.rfind("：", 0, n.start), text.rfind(":", 0, n.start))
    if start < 0:
        return []
    return [q for q in others if start < q.start < rate.start and q.cls == n.cls]


def _small_group(ctx, p, text, rate, name, stem, counts, sentence) -> object | None:
    people = [q for q, _ in counts if q.cls == "person" and q.is_integer and sentence[0] <= q.start < rate.start]
    if len(people) != 1 or rate.exact > 100:
        return None
    group = people[0]
    size = int(group.exact)
    if not 0 < size <= 200 or stem[:2] not in text[sentence[0]:rate.start]:
        return None
    found = _found(rate)
    if any(Interval.around(Fraction(k * 100, size)).meets(found) for k in range(size + 1)):
        return None
    below = int(rate.exact * size / 100)
    options = [k for k in (below, below + 1) if 0 <= k <= size]
    shown = "或".join(f"{k}/{size}={printed(Fraction(k * 100, size), max(rate.decimals, 2), True)}"
                      for k in options)
    return ctx.paragraph_finding(
        "rate", p, rate.start, rate.end, shown, rate.text,
        f"{name}{rate.text}所指的群体共{group.text}，按整数人计只能得到{shown}等，得不到{rate.text}。")
