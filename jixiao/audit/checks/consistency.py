"""kind "consistency": one quantity stated with different values.

- The total score in prose ("最终自评得分95.2分") against the score table's 合计; a level-1 heading
  ("项目管理（满分20分，评价得分18.20分）") against its row; the survey score in prose
  ("满意度综合得分为98分") and the number of valid questionnaires against the survey table.
- Indicator counts: "30个四级指标" against "四级指标30项" and against the codes of the indicator table.
- Amounts per county in prose ("其中：宜良县32.5万元，…") against the allocation table.
- The same count written two ways: two whole numbers of people or households (four digits or more)
  that differ in one digit or by two swapped neighbouring digits and are said about the same thing
  (their surroundings share at least three two-character words): 23186 and 23196 in seed 001.
- One county under two names of different rank (晋宁县 / 晋宁区: the county became a district in
  2016) when the report uses both (regions from the shipped catalogue).
- Two numbered attachment lists in one report (each introduced by 附件 / 相关附件 / 附件说明 …, or a run
  of paragraphs 附件1… 附件2…, or one paragraph "附件：1.…；2.…"): "附件1" then means two things.
  Reported once, at the second list. Other lists under the same heading are not compared: a report's
  summary legitimately repeats the body's numbered paragraphs (seed 001, 第6段 and 第52段).

Values are compared at the printed precision (95.2 and 95.20 agree).
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from functools import lru_cache

from jixiao.audit.findings import Interval, half_unit
from jixiao.audit.tables import TableView, cell_label
from jixiao.audit.textnum import CN_NUMERAL, Quantity, cn_to_int, normalize, quantities

LEVELS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def _agree(a: Quantity, b: Quantity) -> bool:
    return Interval.around(a.exact, half_unit(a.decimals) if a.decimals else Fraction(0)).meets(
        Interval.around(b.exact, half_unit(b.decimals) if b.decimals else Fraction(0)))


def check(ctx) -> list:
    out = []
    out += _scores(ctx)
    out += _survey(ctx)
    out += _indicator_counts(ctx)
    out += _county_amounts(ctx)
    out += _near_duplicates(ctx)
    out += _region_names(ctx)
    out += _duplicate_lists(ctx)
    return out


# ---- scores -----------------------------------------------------------------------------------------

def _score_table(ctx) -> TableView | None:
    tables = [v for v in ctx.views if v.kind == "scores"]
    return tables[0] if tables else None


_TOTAL_SCORE = re.compile(r"(?:最终|综合|总)?(?:自评|评价)?(?:得分|总分)(?:为|是|达到)?\s*(\d+(?:\.\d+)?)\s*分[^。；;\d]{0,20}等级")
_LEVEL1 = re.compile(r"([\u4e00-\u9fff]{2,10})（满分\s*(\d+(?:\.\d+)?)\s*分[，,]\s*(?:评价|自评)?得分\s*(\d+(?:\.\d+)?)\s*分）")


def _scores(ctx) -> list:
    view = _score_table(ctx)
    if view is None:
        return []
    w_col, s_col = view.column(r"权重|满分|分值"), view.column(r"得分", exclude=r"率")
    total_rows = [r for r in range(view.first_data, len(view.table.rows)) if view.is_total_row(r)]
    out = []
    total = view.number(total_rows[-1], s_col) if total_rows else None
    rows = {view.row_label(r): r for r in range(view.first_data, len(view.table.rows)) if view.aligned[r]}
    for p in ctx.paragraphs:
        text = normalize(p.text)
        if total is not None:
            for m in _TOTAL_SCORE.finditer(text):
                q = quantities(m.group(1) + "分")[0]
                if not _agree(q, total):
                    out.append(ctx.paragraph_finding(
                        "consistency", p, m.start(1), m.end(1), total.text, m.group(1),
                        f"文中总分{m.group(1)}分与得分表合计{total.text}分不一致。"))
        for m in _LEVEL1.finditer(text):
            name = m.group(1)
            r = next((r for label, r in rows.items() if label.endswith(name) or name.endswith(label[1:] or "∅")), None)
            if r is None:
                continue
            for value, col, what, group in ((m.group(2), w_col, "满分", 2), (m.group(3), s_col, "得分", 3)):
                cell = view.number(r, col) if col is not None else None
                if cell is None:
                    continue
                q = quantities(value + "分")[0]
                if not _agree(q, cell):
                    out.append(ctx.paragraph_finding(
                        "consistency", p, m.start(group), m.end(group), cell.text, value,
                        f"“{name}”{what}在文中为{value}分，得分表中为{cell.text}分。"))
    return out


# ---- survey -----------------------------------------------------------------------------------------

_SURVEY_SCORE = re.compile(r"满意度[^，。；;,]{0,8}?得分(?:为|是|达到|达)?\s*(\d+(?:\.\d+)?)\s*分?")
_RETURNED = re.compile(r"(?:收回|回收)?有效问卷\s*(\d+)\s*份")


def _survey(ctx) -> list:
    from jixiao.audit.checks.survey import _questions, survey_total

    surveys = [v for v in ctx.views if v.kind == "survey"]
    if len(surveys) != 1:
        return []
    view = surveys[0]
    total = survey_total(view)
    respondents = {q.respondents for q in _questions(view, view.survey) if not q.q.is_total and q.respondents}
    out = []
    for p in ctx.paragraphs:
        text = normalize(p.text)
        if total is not None:
            for m in _SURVEY_SCORE.finditer(text):
                if "≥" in text[max(0, m.start(1) - 3):m.start(1)] or "目标" in text[m.end():m.end() + 3]:
                    continue
                q = quantities(m.group(1) + "分")[0]
                if not _agree(q, total):
                    out.append(ctx.paragraph_finding(
                        "consistency", p, m.start(1), m.end(1), total.text, m.group(1),
                        f"文中满意度得分{m.group(1)}分与满意度调查表合计{total.text}分不一致。"))
        if len(respondents) == 1:
            n = next(iter(respondents))
            for m in _RETURNED.finditer(text):
                if Fraction(m.group(1)) != n:
                    out.append(ctx.paragraph_finding(
                        "consistency", p, m.start(1), m.end(1), str(n), m.group(1),
                        f"文中有效问卷{m.group(1)}份，满意度调查表中每题答题人数为{n}人。"))
    return out


# ---- indicator counts -------------------------------------------------------------------------------

_LEVEL_COUNT_A = re.compile(r"(\d+|" + CN_NUMERAL + r")\s*个\s*([一二三四五六])级指标")
_LEVEL_COUNT_B = re.compile(r"([一二三四五六])级指标\s*(\d+|" + CN_NUMERAL + r")\s*(?:项|个)")


def _table_level_counts(ctx) -> dict[int, int]:
    from jixiao.audit.tables import code_parent

    views = [v for v in ctx.views if v.kind == "indicators"]
    if len(views) != 1:
        return {}
    view = views[0]
    col = next(j for j, lb in enumerate(view.labels) if cell_label(lb) in ("编码", "指标编码", "代码"))
    codes = [view.cell(r, col).text.strip() for r in range(view.first_data, len(view.table.rows))
             if view.cell(r, col) is not None]
    codes = [c for c in codes if re.fullmatch(r"[A-Z][0-9A-Z]*", c)]
    known, depth = set(codes), {}
    for code in codes:
        parent = code_parent(code, known)
        depth[code] = depth.get(parent, 0) + 1 if parent else 1
    return dict(Counter(depth.values()))


def _indicator_counts(ctx) -> list:
    table = _table_level_counts(ctx)
    seen: dict[int, tuple[int, object, re.Match, int]] = {}
    out = []
    for p in ctx.paragraphs:
        text = normalize(p.text)
        found = [(LEVELS[m.group(2)], cn_to_int(m.group(1)), m, 1) for m in _LEVEL_COUNT_A.finditer(text)]
        found += [(LEVELS[m.group(1)], cn_to_int(m.group(2)), m, 2) for m in _LEVEL_COUNT_B.finditer(text)]
        for level, n, m, group in found:
            if n is None:
                continue
            if level in table and table[level] != n and level > 1:
                out.append(ctx.paragraph_finding(
                    "consistency", p, m.start(group), m.end(group), str(table[level]), m.group(group),
                    f"文中{m.group(0)}，而指标评分表中{'一二三四五六'[level - 1]}级指标有{table[level]}项。"))
            elif level in seen and seen[level][0] != n:
                out.append(ctx.paragraph_finding(
                    "consistency", p, m.start(group), m.end(group), str(seen[level][0]), m.group(group),
                    f"文中{m.group(0)}，与前文“{seen[level][2].group(0)}”不一致。"))
            seen.setdefault(level, (n, p, m, group))
    return out


# ---- county amounts in prose against the allocation table ------------------------------------------

def _county_amounts(ctx) -> list:
    from jixiao.regions.catalog import resolve_region

    table: dict = {}  # region code → {(amount, text)} over the allocation tables
    for view in ctx.views:
        col = view.column(r"万元|资金|金额|下拨|分配", exclude=r"率|人")
        if col is None or view.kind != "plain":
            continue
        for r in range(view.first_data, len(view.table.rows)):
            label = view.row_label(r)
            region = resolve_region(label) if label else None
            q = view.number(r, col)
            if region is None or q is None:
                continue
            unit = q.unit or ("万元" if ("万元" in view.label(col) or view.table.unit == "万元") else "")
            if unit != "万元":
                continue
            table.setdefault(region.code, set()).add((q.exact, q.text))
    table = {code: next(iter(values)) for code, values in table.items() if len({v for v, _ in values}) == 1}
    if not table:
        return []
    out = []
    names = _region_pattern()
    for p in ctx.paragraphs:
        text = normalize(p.text)
        for m in names.finditer(text):
            region = resolve_region(m.group(1))
            after = quantities(text[m.end():m.end() + 16])
            if region is None or region.code not in table or not after or after[0].start != 0:
                continue
            q = after[0]
            if q.unit != "万元":
                continue
            value, shown = table[region.code]
            if q.exact != value:
                start = m.end() + q.start
                out.append(ctx.paragraph_finding(
                    "consistency", p, start, start + len(q.text), f"{shown}万元", q.text,
                    f"{m.group(1)}的金额在文中为{q.text}，资金分配表中为{shown}万元。"))
    return out


@lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern:
    from jixiao.regions.catalog import load_catalog

    names = set()
    for entry in load_catalog():
        if entry.level in ("county", "zone"):
            names.add(entry.name)
            names.update(a for a in entry.aliases if len(a) >= 2)
    return re.compile("(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + ")")


# ---- one county, two names ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _county_names() -> tuple[dict, re.Pattern]:
    """County names with a rank (…县 / …区 / …市) → catalogue entry, and a pattern finding them."""
    from jixiao.regions.catalog import load_catalog

    by_name = {}
    for entry in load_catalog():
        if entry.level != "county":
            continue
        for name in (entry.name, *entry.aliases):
            if len(name) >= 3 and name[-1] in "县区市":
                by_name[name] = entry
    return by_name, re.compile("(" + "|".join(sorted(map(re.escape, by_name), key=len, reverse=True)) + ")")


def _region_names(ctx) -> list:
    by_name, pattern = _county_names()
    places: dict[str, list[tuple[str, object, int]]] = {}
    blocks = []
    for p in ctx.paragraphs:
        blocks.append(("p", p, None, None, p.text))
    for view in ctx.views:
        for r, row in enumerate(view.table.rows):
            for c, cell in enumerate(row):
                if cell.text:
                    blocks.append(("c", view, r, c, cell.text))
    for kind, obj, r, c, text in blocks:
        for m in pattern.finditer(text):
            if re.search(r"(原|旧|撤|前身|更名前)\s*$", text[max(0, m.start() - 3):m.start()]):
                continue  # 原晋宁县: the former name on purpose
            entry = by_name[m.group(1)]
            places.setdefault(entry.code, []).append((m.group(1), (kind, obj, r, c, m.start(), m.end())))
    out = []
    for hits in places.values():
        entry = by_name[hits[0][0]]
        used = {name for name, _ in hits}
        suffixes = {name[-1] for name in used}
        if len(suffixes) < 2:
            continue
        official = entry.name if entry.name in used else Counter(name for name, _ in hits).most_common(1)[0][0]
        for name, (kind, obj, r, c, start, end) in hits:
            if name[-1] == official[-1]:
                continue
            message = (f"同一地区在报告中写作“{name}”和“{official}”（{official}为现名），应统一为“{official}”。")
            if kind == "p":
                out.append(ctx.paragraph_finding("consistency", obj, start, end, official, name, message))
            else:
                out.append(ctx.cell_finding("consistency", obj, r, c, official, name, message))
    return out


# ---- the same count written two ways ----------------------------------------------------------------

def _one_digit_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _bigrams(text: str) -> set[str]:
    cjk = re.sub(r"[^\u4e00-\u9fff]", "|", text)
    return {cjk[i:i + 2] for i in range(len(cjk) - 1) if "|" not in cjk[i:i + 2]}


_GENERIC_BIGRAMS = {"项目", "本项", "年度", "工作", "情况", "开展", "进行", "通过", "实施", "全年", "共计", "合计"}


_DIFFERENT_THINGS = re.compile(r"计划|目标|预计|任务数|上年|去年|上一年|同比|较上|增长|减少|增加|下降|分别")


def _near_duplicates(ctx) -> list:
    from jixiao.audit.textnum import enclosing, sentences

    mentions = []
    for p in ctx.paragraphs:
        text = normalize(p.text)
        sents = sentences(text)
        for q in ctx.quantities(p):
            if q.cls in ("person", "household") and q.is_integer and q.exact >= 1000:
                a, b = enclosing(sents, q.start)
                sentence = text[a:b]
                if _DIFFERENT_THINGS.search(sentence):
                    continue  # planned against actual, this year against last: different quantities
                context = text[max(0, q.start - 20):q.start] + text[q.end:q.end + 20]
                years = re.findall(r"(\d{4})\s*年", text[:q.start])
                year = years[-1] if years else None  # the year the figure is said about
                mentions.append((q, p, _bigrams(context) - _GENERIC_BIGRAMS, year, (p.block, a)))
    counts = Counter(str(m[0].value) for m in mentions)
    table_values = {str(v.number(r, c).value) for v in ctx.views for r in range(len(v.grid)) for c in range(v.width)
                    if v.number(r, c) is not None}
    out, reported = [], set()
    for i, (a, pa, ca, ya, sa) in enumerate(mentions):
        for b, pb, cb, yb, sb in mentions[i + 1:]:
            va, vb = str(a.value), str(b.value)
            if a.cls != b.cls or not _one_digit_apart(va, vb) or len(ca & cb) < 3 or sa == sb:
                continue
            if ya and yb and ya != yb:
                continue  # said about different years
            # the odd one out: fewer mentions, or not in any table
            score_a = counts[va] + (2 if va in table_values else 0)
            score_b = counts[vb] + (2 if vb in table_values else 0)
            if score_a == score_b:
                continue
            (odd, po), good = ((a, pa), b) if score_a < score_b else ((b, pb), a)
            key = (po.block, odd.start)
            if key in reported:
                continue
            reported.add(key)
            out.append(ctx.paragraph_finding(
                "consistency", po, odd.start, odd.end, good.text, odd.text,
                f"同一数量前后写法不一：此处为{odd.text}，报告其他处为{good.text}（仅一位数字之差，应为笔误）。"))
    return out


# ---- two numbered lists of the same thing -------------------------------------------------------------

_HEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．](?!\d))\s*")
_ATTACHMENT_INTRO = re.compile(r"^(?:相关)?附件(?:说明|清单|目录|列表|材料)?\s*[：:]?\s*")
_ITEM = re.compile(r"^\s*(?:附件\s*(?P<annex>\d{1,2}|" + CN_NUMERAL + r")\s*[：:、.．]|(?P<arabic>\d{1,2})[.、．]"
                   r"(?=\D|(?:19|20)\d\d)|[（(](?P<paren>\d{1,2})[）)])")
_INLINE_ITEM = re.compile(r"(?:^|[：:；;。，,\s])(?:附件\s*(?P<annex>\d{1,2}|" + CN_NUMERAL + r")\s*[：:、.．]|"
                          r"(?P<arabic>\d{1,2})[.、．](?=\D|(?:19|20)\d\d)|[（(](?P<paren>\d{1,2})[）)])")


def _item(match) -> tuple[str, int] | None:
    style = match.lastgroup
    number = cn_to_int(match.group(style)) if style else None
    return (style, number) if number is not None else None


def _attachment_lists(ctx) -> list[dict]:
    """Every numbered attachment list: where it starts (its intro, or its first item) and its length."""
    from jixiao.audit.document import Paragraph

    blocks = ctx.doc.blocks
    lists, i = [], 0
    while i < len(blocks):
        b = blocks[i]
        m = _ITEM.match(b.text) if isinstance(b, Paragraph) else None
        first = _item(m) if m else None
        if first is None or first[1] != 1:
            if isinstance(b, Paragraph):
                lists += _inline_list(b)
            i += 1
            continue
        items, j = [b], i + 1
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            mj = _ITEM.match(blocks[j].text)
            if not mj or _item(mj) != (first[0], len(items) + 1):
                break
            items.append(blocks[j])
            j += 1
        if len(items) >= 2:
            intro = blocks[i - 1] if i > 0 and isinstance(blocks[i - 1], Paragraph) else None
            if intro is not None and _ITEM.match(intro.text):
                intro = None  # the last item of a list just before
            heading = _HEADING_NUMBER.sub("", intro.text).strip() if intro is not None else ""
            if first[0] == "annex" or _ATTACHMENT_INTRO.fullmatch(heading):
                lists.append({"at": intro or items[0], "items": len(items)})
            i = j
        else:
            lists += _inline_list(b)
            i += 1
    return lists


def _inline_list(p) -> list[dict]:
    """One paragraph that is a whole attachment list: "附件：1.…；2.…" or "附件1：…；附件2：…"."""
    head = _HEADING_NUMBER.sub("", normalize(p.text))
    found = [(m, it) for m in _INLINE_ITEM.finditer(head) if (it := _item(m)) is not None]
    if len(found) < 2:
        return []
    style = found[0][1][0]
    intro = _ATTACHMENT_INTRO.match(head)
    opens = intro.end() if intro and intro.end() > 0 and style != "annex" else 0
    if found[0][0].start() > opens or (style != "annex" and not opens):
        return []  # the paragraph does not begin with the list
    texts = [it for _, it in found if it[0] == style]
    if [n for _, n in texts] != list(range(1, len(texts) + 1)):
        return []
    return [{"at": p, "items": len(texts)}]


def _duplicate_lists(ctx) -> list:
    lists = _attachment_lists(ctx)
    if len(lists) < 2:
        return []
    first, second = lists[0], lists[1]
    a, b = first["at"], second["at"]
    return [ctx.paragraph_finding(
        "consistency", b, 0, len(b.text), f"一个附件列表（与第{a.number}段合并）", f"第{b.number}段起的第二个附件列表",
        f"报告中有两个编号的附件列表：第{a.number}段起{first['items']}项、第{b.number}段起{second['items']}项，"
        f"各自从1编号，“附件1”在两处所指不同，应合为一个列表、统一编号。")]
