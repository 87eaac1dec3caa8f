"""kind "count": a count word against the list it counts.

- A list right before the count: "决策、管理、绩效三个方面", "产出、效益和满意度三类指标",
  "A（占20%）、B（占20%）、C（占60%）等3项" (items split at 、 and a final 和/及/与, brackets kept
  whole; when 和 joins two lists, "安宁市和高新、经开、滇池旅游三个国家级开发区", the count covers the
  list after it). "A等N个X" may name fewer than N (等 = and others) but not more.
- A list referred back to: "该六个项目" counts the list in the same sentence that ends with 项目.
- A list announced: "存在以下三个问题：" / "主要有N点：" followed by numbered items, in the same
  paragraph (一是…二是…, 1.…2.…, （1）…) or in the paragraphs after it (1. / （一） / ① …).
- "涉及9个县（市、区），其中：A…，B…": the items after 其中.
- "问卷共10题", "问卷中的10个问题": the questions of the survey table.
"""

from __future__ import annotations

import re

from jixiao.audit.textnum import CN_NUMERAL, cn_to_int, normalize

_MEASURE = "个|项|类|种|条|方面|大类|点|家|名|位|批|所|部分|大项"
_COUNT = re.compile(r"(该|这|上述|以上|前述|以下|如下|下列)?(" + CN_NUMERAL + r"|\d{1,3})\s*(" + _MEASURE + r")")
_STOP = "，,；;。：:！？\n"
_MARKERS = (
    ("cn_shi", re.compile(r"(?:^|[：:；;。，,\s])([一二三四五六七八九十]+)是")),
    ("arabic", re.compile(r"(?:^|[：:；;。\s])(\d{1,2})[.、．](?!\d)")),
    ("paren", re.compile(r"[（(](\d{1,2})[）)]")),
    ("circled", re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩])")),
)
_PARA_MARKERS = (
    ("arabic", re.compile(r"^\s*(\d{1,2})[.、．](?!\d)")),
    ("paren", re.compile(r"^\s*[（(](\d{1,2})[）)]")),
    ("cn", re.compile(r"^\s*([一二三四五六七八九十]+)、")),
    ("cn_paren", re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[）)]")),
    ("circled", re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩])")),
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _marker_value(text: str) -> int | None:
    if text in _CIRCLED:
        return _CIRCLED.index(text) + 1
    return cn_to_int(text)


def _split_items(segment: str) -> list[str]:
    """Split a list at 、 (not inside brackets); a final 和/及/与 separates the last two items."""
    items, depth, current = [], 0, ""
    for ch in segment:
        if ch in "（(【《“":
            depth += 1
        elif ch in "）)】》”" and depth:
            depth -= 1
        if ch == "、" and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    items = [i for i in items if i.strip()]
    if not items:
        return []
    # 和 inside an earlier item starts the counted list after it
    for k in range(len(items) - 2, -1, -1):
        m = re.search(r"(和|及|与|以及)", _outside_brackets(items[k]))
        if m:
            items = [items[k][m.end():]] + items[k + 1:]
            break
    last = _outside_brackets(items[-1])
    m = re.search(r"(和|及|与|以及)", last)
    if m and m.start() > 0 and m.end() < len(last):
        items = items[:-1] + [last[:m.start()], last[m.end():]]
    return items


def _outside_brackets(text: str) -> str:
    out, depth = "", 0
    for ch in text:
        if ch in "（(【":
            depth += 1
        elif ch in "）)】" and depth:
            depth -= 1
        else:
            out += ch if depth == 0 else " "
    return out


def check(ctx) -> list:
    out = []
    paragraphs = ctx.paragraphs
    questions = _survey_questions(ctx)
    for index, p in enumerate(paragraphs):
        text = normalize(p.text)
        for m in _COUNT.finditer(text):
            demonstrative, numeral, measure = m.groups()
            n = cn_to_int(numeral)
            if n is None or n < 2 or text[m.end():m.end() + 1] == "级" or text[max(0, m.start() - 1):m.start()] == "第":
                continue
            noun = text[m.end():m.end() + 2]
            finding = None
            if demonstrative in ("以下", "如下", "下列") or text[m.end():m.end() + 12].find("：") >= 0 and \
                    re.match(r"^[\u4e00-\u9fff（）()]{0,10}[：:]", text[m.end():]):
                finding = _announced(ctx, paragraphs, index, text, m, n)
            elif demonstrative in ("该", "这", "上述", "以上", "前述"):
                finding = _back_reference(ctx, p, text, m, n, noun)
            else:
                finding = _adjacent(ctx, p, text, m, n) or _after_qizhong(ctx, p, text, m, n)
            if finding is not None:
                out.append(finding)
        if questions is not None:
            for m in re.finditer(r"问卷(?:共|中的|共计|共有)?\s*(" + CN_NUMERAL + r"|\d{1,3})\s*(?:个问题|题|道题)", text):
                n = cn_to_int(m.group(1))
                if n is not None and n != questions:
                    out.append(ctx.paragraph_finding(
                        "count", p, m.start(1), m.end(1), str(questions), m.group(1),
                        f"文中说问卷有{m.group(1)}题，满意度调查表列出{questions}题。"))
    return out


def _survey_questions(ctx) -> int | None:
    surveys = [v for v in ctx.views if v.kind == "survey"]
    return len(surveys[0].survey.questions) if len(surveys) == 1 else None


def _finding(ctx, p, m, expected: int, found: str, message: str):
    return ctx.paragraph_finding("count", p, m.start(2), m.end(3), str(expected), m.group(2) + m.group(3), message)


def _adjacent(ctx, p, text: str, m, n: int):
    before = text[:m.start()]
    etc = before.endswith("等")
    if etc:
        before = before[:-1]
    start = max(before.rfind(ch) for ch in _STOP) + 1
    segment = before[start:]
    if "、" not in _outside_brackets(segment) and not re.search(r"(和|及|与)", _outside_brackets(segment)):
        return None
    if re.search(r"[的之]\s*$", segment) or _COUNT.search(segment.split("、")[-1]):
        return None  # "…三个方面的30个四级指标": the list before is not what is counted
    items = _split_items(segment)
    if len(items) < 2 or any(not i.strip() for i in items) or any(len(i) > 20 for i in items[1:]):
        return None
    if len(items) == n or (etc and len(items) < n):
        return None
    word = m.group(0)
    return _finding(ctx, p, m, len(items), word,
                    f"“{word}”前列出的是{len(items)}项（{'、'.join(i.strip() for i in items)}），与数量词不符。")


def _back_reference(ctx, p, text: str, m, n: int, noun: str):
    sentence_start = max(text.rfind(ch, 0, m.start()) for ch in "。！？\n") + 1
    before = text[sentence_start:m.start()]
    clauses = re.split(r"[，,；;：:]", before)
    for clause in clauses:
        items = _split_items(clause)
        ends = [k for k, item in enumerate(items) if _outside_brackets(item).rstrip().endswith(noun)]
        if len(items) >= 2 and ends:
            count = ends[0] + 1
            if count == n:
                return None
            listed = "、".join(i.strip() for i in items[:count])
            return _finding(ctx, p, m, count, m.group(0),
                            f"“{m.group(0)}”所指的前文列出{count}个（{listed}），与数量词不符。")
    return None


def _after_qizhong(ctx, p, text: str, m, n: int):
    """涉及9个县（市、区），其中：A 32.5万元，B 12.5万元 …"""
    rest = text[m.end():]
    q = re.match(r"^[^，,。；;]{0,12}[，,]\s*其中[：:]", rest)
    if not q:
        return None
    start = m.end() + q.end()
    stop = text.find("。", start)
    segment = text[start:stop if stop >= 0 else len(text)]
    items = [i for i in re.split(r"[，,、；;]", _outside_brackets(segment)) if i.strip()]
    if len(items) < 2 or len(items) == n:
        return None
    return _finding(ctx, p, m, len(items), m.group(0), f"“{m.group(0)}”之后“其中”列出了{len(items)}项，与数量词不符。")


def _announced(ctx, paragraphs, index: int, text: str, m, n: int):
    p = paragraphs[index]
    rest = text[m.end():]
    colon = re.search(r"[：:]", rest)
    inline = rest[colon.end():] if colon else ""
    count = _count_markers(inline) if inline.strip() else 0
    if count == 0:
        count = _count_following(paragraphs, index)
    if count == 0 or count == n:
        return None
    return _finding(ctx, p, m, count, m.group(0), f"“{m.group(0)}”之后列出了{count}项，与数量词不符。")


def _count_markers(text: str) -> int:
    best = 0
    for _, pattern in _MARKERS:
        values = [_marker_value(v) for v in pattern.findall(text)]
        k = 0
        for v in values:
            if v == k + 1:
                k += 1
        best = max(best, k)
    return best


def _count_following(paragraphs, index: int) -> int:
    following = paragraphs[index + 1:index + 25]
    if not following:
        return 0
    for _, pattern in _PARA_MARKERS:
        first = pattern.match(following[0].text)
        if not first or _marker_value(first.group(1)) != 1:
            continue
        k = 0
        for para in following:
            mm = pattern.match(para.text)
            if mm and _marker_value(mm.group(1)) == k + 1:
                k += 1
            elif mm:
                break
        return k
    return 0
