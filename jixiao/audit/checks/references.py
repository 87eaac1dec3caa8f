"""kind "reference": one document cited in two ways.

A citation is 《title》 followed by its number in brackets: 《关于下达…的通知》（昆财社〔2022〕30号）.
Titles and numbers are compared after normalising the ways the same thing is typed (〔〕﹝﹞[]【】 in
numbers; full- and half-width brackets, 〈〉<> for a title inside a title, spaces). A title quoted
inside an issuing notice counts as the same document as the notice (《关于印发〈X〉的通知》 = 《X》).

- The same title with two numbers: the number used less often (or later) is reported (seed 002:
  30号 six times, 31号 once).
  Two issuers named before the same 关于… title, each with its own number, are two documents (seed
  003: 《云南省人民政府关于进一步健全特困人员救助供养制度的实施意见》（云政发〔2016〕73号） and the city's
  《昆明市人民政府关于…》（昆政发〔2018〕32号）).
- The same number with two titles: reported at the later citation (seed 000: 昆残发〔2021〕30号 is
  《…给予全额补助的通知》 and later 《…给予全额补助工作的通知》).
"""

from __future__ import annotations

import re
from collections import Counter

from jixiao.audit.textnum import normalize

_CITATION = re.compile(r"《([^《》]{4,120})》\s*[（(]\s*([^（）()]{2,30}?\d+\s*号)\s*[）)]")
_NUMBER = re.compile(r"^(.*?)[〔\[［【﹝(（]\s*(\d{4})\s*[〕\]］】﹞)）]\s*(\d+)\s*号$")
_WRAPPER = re.compile(r"^关于(?:印发|转发|下发|颁布)[〈<《](.+)[〉>》]的通知$")


def norm_number(text: str) -> str | None:
    m = _NUMBER.match(re.sub(r"\s+", "", normalize(text)))
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号" if m else None


def norm_title(text: str) -> str:
    t = re.sub(r"\s+", "", normalize(text))
    t = t.replace("(", "（").replace(")", "）").replace("<", "〈").replace(">", "〉")
    t = t.replace("‹", "〈").replace("›", "〉").replace("“", "").replace("”", "").replace('"', "")
    m = _WRAPPER.match(t)
    if m:
        return m.group(1)
    at = t.find("关于")
    return t[at:] if at > 0 else t  # the issuer may stand inside or outside the 《》


def _issuer(text: str) -> str:
    """The issuing body written inside the 《》 before 关于 ('' when none is)."""
    t = re.sub(r"\s+", "", normalize(text))
    at = t.find("关于")
    return t[:at] if at > 0 else ""


def _separate_issuers(group: list) -> bool:
    """Every citation names its issuer, and each issuer has one number of its own: different documents."""
    numbers_of: dict[str, set[str]] = {}
    for _, m, _, number in group:
        numbers_of.setdefault(_issuer(m.group(1)), set()).add(number)
    if "" in numbers_of or len(numbers_of) < 2 or any(len(n) > 1 for n in numbers_of.values()):
        return False
    return len(set().union(*numbers_of.values())) == len(numbers_of)


def _citations(ctx):
    for p in ctx.paragraphs:
        for m in _CITATION.finditer(p.text):
            number = norm_number(m.group(2))
            if number:
                yield p, m, norm_title(m.group(1)), number


def check(ctx) -> list:
    cites = list(_citations(ctx))
    out = []
    by_title: dict[str, list] = {}
    for c in cites:
        by_title.setdefault(c[2], []).append(c)
    for _title, group in by_title.items():
        numbers = Counter(c[3] for c in group)
        if len(numbers) < 2 or _separate_issuers(group):
            continue
        usual = numbers.most_common(1)[0][0] if numbers.most_common(2)[0][1] > numbers.most_common(2)[1][1] \
            else group[0][3]
        for p, m, _, number in group:
            if number != usual:
                out.append(ctx.paragraph_finding(
                    "reference", p, m.start(2), m.end(2), usual, m.group(2).strip(),
                    f"同一文件《{m.group(1)}》在报告中的文号不一致：此处为{m.group(2).strip()}，"
                    f"其他{numbers[usual]}处为{usual}。"))
    by_number: dict[str, list] = {}
    for c in cites:
        by_number.setdefault(c[3], []).append(c)
    for number, group in by_number.items():
        titles = []
        for c in group:
            if c[2] not in titles:
                titles.append(c[2])
        if len(titles) < 2:
            continue
        first = titles[0]
        for p, m, title, _ in group:
            if title != first:
                out.append(ctx.paragraph_finding(
                    "reference", p, m.start(1), m.end(1), f"《{first}》", f"《{m.group(1)}》",
                    f"文号{number}在报告中对应两个不同的文件名称：《{first}》与《{m.group(1)}》。"))
    return out
