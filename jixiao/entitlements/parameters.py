"""Benefit programmes as dated parameters (``programmes/default.toml``), in the manner of OpenFisca: every amount,
level set, age limit, share ratio and mode is a list of values, each with the date it takes effect, the region
it applies to and the document that set it (文号). A cycle resolves them once for its period and region
(``RuleBook.resolve``) and records what it used; nothing is looked up per person.

A rule book is checked whole before any file is read: ``RuleBookInvalid`` says where (programme, parameter,
value) and why, in Chinese. The workbench keeps versions of the book (a changed book is a new version, never an
edit) as the same dict shape: ``rulebook_from_dict``."""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

DEFAULT_BOOK = Path(__file__).with_name("programmes") / "default.toml"
PROGRAMME_CODES = ("pension_subsidy", "medical_subsidy", "living_subsidy", "care_subsidy", "dibao", "tekun",
                   "festival_visit", "temporary_relief")  # ../shared/formats.md, "Programme codes"
CALCULATIONS = ("pension_contribution", "medical_contribution", "monthly_registry", "monthly_assistance",
                "one_off_list")
MODES = ("代缴", "先缴后补", "按月发放", "一次性")
POPULATION_FIELDS = {"level": "残疾等级", "category": "残疾类别", "age": "年龄"}
ROSTER_KINDS = ("pension", "subsidy", "medical", "assistance", "deaths", "moves", "beneficiaries")
# The book's ``[checks]``: figures the checks of other people's work use (not amounts anyone is paid).
CHECKS = {"per_capita_tolerance": "人均核对的允许偏差"}


class RuleBookInvalid(ValueError):
    """A rule book that cannot be used; the message (Chinese) names the programme and parameter."""


@dataclass(frozen=True)
class DatedValue:
    start: date
    value: object  # Decimal, int, str, or a tuple of them
    policy: str
    region: str = ""  # a region code prefix; "" everywhere
    example: bool = False

    def record(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        out = {"from": self.start.isoformat(), "value": _plain(value), "policy": self.policy}
        if self.region:
            out["region"] = self.region
        if self.example:
            out["example"] = True
        return out


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class Parameter:
    name: str
    values: tuple[DatedValue, ...]

    def at(self, when: date, region: str = "") -> DatedValue | None:
        """The value in force on ``when`` for ``region``: the longest region prefix that matches, then the latest
        start not after ``when``."""
        best = None
        for v in self.values:
            if v.start > when or not region.startswith(v.region):
                continue
            if best is None or (len(v.region), v.start) > (len(best.region), best.start):
                best = v
        return best

    def regional(self, when: date) -> dict[str, DatedValue]:
        """Every region prefix's value in force on ``when`` (the share table of a cycle)."""
        out: dict[str, DatedValue] = {}
        for prefix in sorted({v.region for v in self.values}):
            found = self.at(when, prefix)
            if found is not None and found.region == prefix:
                out[prefix] = found
        return out


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple | None = None  # "in"
    low: object = None  # "min": an int or "$parameter"
    high: object = None


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    period: str  # year | month
    calculation: str
    basis: str  # registry | assistance | beneficiaries
    rosters: tuple[str, ...]
    required_rosters: tuple[str, ...]
    policy: tuple[str, ...]
    population: tuple[Condition, ...]
    parameters: dict[str, Parameter]
    payment_item_contains: tuple[str, ...] = ()
    requires_assistance: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    requires_registry: bool = False
    roster_amount: bool = False  # the roster's own monthly amount, where given, before the standard (低保)


@dataclass(frozen=True)
class Resolved:
    """A programme's parameters for one period, as a cycle uses and records them: per parameter, the value in force
    at the start of the period for every region prefix that has one ("" the default)."""
    programme: Programme
    year: int
    month: int | None
    by_region: dict[str, dict[str, DatedValue]]
    ours: tuple[str, ...] = ("残联",)
    enrolled: tuple[str, ...] = ("参保缴费", "参保未缴费")
    paid: tuple[str, ...] = ("参保缴费",)

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    def value(self, name: str, region: str = ""):
        """The value for ``region`` (the longest prefix that has one), or None."""
        found = self.programme.parameters[name].at(self.start, region) if name in self.programme.parameters else None
        return found.value if found else None

    def record(self) -> dict:
        return {"period_start": self.start.isoformat(),
                "values": {k: {p: v.record() for p, v in by.items()} for k, by in self.by_region.items()},
                "examples": sorted(k for k, by in self.by_region.items() if any(v.example for v in by.values()))}


@dataclass(frozen=True)
class RuleBook:
    version: str
    title: str
    programmes: dict[str, Programme]
    source: dict  # the book as data (what the workbench stores as a version)
    digest: str
    checks: dict[str, Decimal] = field(default_factory=dict)  # ``[checks]``, validated
    # ``[roster_terms]``: the words of the departments' rosters the rules rest on (as the comparison's rules have them)
    ours: tuple[str, ...] = ("残联",)  # a department whose name holds one of these is ours, not "another department"
    enrolled: tuple[str, ...] = ("参保缴费", "参保未缴费")  # 参保状态 that count as insured
    paid: tuple[str, ...] = ("参保缴费",)  # of those, the ones that count as paid

    def programme(self, code: str) -> Programme:
        if code not in self.programmes:
            raise RuleBookInvalid(f"没有项目代码“{code}”：可用 {'、'.join(self.programmes)}")
        return self.programmes[code]

    def resolve(self, code: str, *, year: int, month: int | None = None) -> Resolved:
        programme = self.programme(code)
        if programme.period == "month" and month is None:
            raise RuleBookInvalid(f"{programme.name}按月发放：请给出月份（--month）")
        if programme.period == "year" and month is not None:
            raise RuleBookInvalid(f"{programme.name}按年度计算，不用给月份")
        start = date(year, month or 1, 1)
        return Resolved(programme=programme, year=year, month=month,
                        by_region={name: p.regional(start) for name, p in programme.parameters.items()},
                        ours=self.ours, enrolled=self.enrolled, paid=self.paid)

    def record(self) -> dict:
        return {"version": self.version, "digest": self.digest, "title": self.title}


def _date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleBookInvalid(f"{where}的生效日期“{value}”不是 YYYY-MM-DD 日期") from None


def _scalar(value, where: str):
    if isinstance(value, bool):
        raise RuleBookInvalid(f"{where}的值“{value}”不是数字或文字")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise RuleBookInvalid(f"{where}的值 {value} 请写成带引号的数字（如 \"0.5\"），金额和比例不用浮点数")
    text = str(value).strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _parameter(name: str, raw, where: str) -> Parameter:
    if not isinstance(raw, list) or not raw:
        raise RuleBookInvalid(f"{where}参数“{name}”应为一组带生效日期的值")
    values = []
    for i, item in enumerate(raw, start=1):
        at = f"{where}参数“{name}”第{i}个值"
        if not isinstance(item, dict) or "value" not in item or "from" not in item:
            raise RuleBookInvalid(f"{at}应写明 from（生效日期）、value（值）和 policy（文号）")
        policy = str(item.get("policy") or "").strip()
        if not policy:
            raise RuleBookInvalid(f"{at}没有写政策文号（policy）：每个值都要能说明依据")
        value = item["value"]
        value = tuple(_scalar(v, at) for v in value) if isinstance(value, list) else _scalar(value, at)
        region = str(item.get("region") or "")
        if region and not region.isdigit():
            raise RuleBookInvalid(f"{at}的适用地区“{region}”应为区划代码（数字）")
        values.append(DatedValue(start=_date(item["from"], at), value=value, policy=policy, region=region,
                                 example=bool(item.get("example", False))))
    keys = [(v.start, v.region) for v in values]
    if len(set(keys)) != len(keys):
        raise RuleBookInvalid(f"{where}参数“{name}”有两个值的生效日期和适用地区都相同")
    return Parameter(name=name, values=tuple(sorted(values, key=lambda v: (v.region, v.start))))


def _check_values(code: str, name: str, parameter: Parameter, where: str) -> None:
    for v in parameter.values:
        at = f"{where}参数“{name}”（{v.start}起{('，' + v.region) if v.region else ''}）"
        if name == "mode" and v.value not in MODES:
            raise RuleBookInvalid(f"{at}的发放方式“{v.value}”未知：可用 {'、'.join(MODES)}")
        if name == "city_share" and not (isinstance(v.value, Decimal) and 0 <= v.value <= 1):
            raise RuleBookInvalid(f"{at}的市级承担比例应在 0 到 1 之间（如 0.5 表示市:县 5:5）")
        if name in ("levels", "full_levels"):
            if not isinstance(v.value, tuple) or not all(isinstance(x, int) and 1 <= x <= 4 for x in v.value):
                raise RuleBookInvalid(f"{at}应为 1–4 的残疾等级列表")
        if name in ("age_min", "age_max") and not (isinstance(v.value, int) and 0 <= v.value <= 120):
            raise RuleBookInvalid(f"{at}应为 0–120 的整数")
        amounts = v.value if isinstance(v.value, tuple) else (v.value,)
        if (name in ("amount", "monthly_amount", "contribution", "assistance_amount")
                or name.startswith(("standard_", "care_"))):
            if not all(isinstance(a, (Decimal, int)) and a >= 0 and Decimal(a) == Decimal(a).quantize(Decimal("0.01"))
                       for a in amounts):
                raise RuleBookInvalid(f"{at}的金额应为不小于 0 的数，最多两位小数（元）")


def _programme(code: str, raw: dict) -> Programme:
    where = f"项目“{code}”"
    if code not in PROGRAMME_CODES:
        raise RuleBookInvalid(f"{where}的代码未知：可用 {'、'.join(PROGRAMME_CODES)}")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise RuleBookInvalid(f"{where}没有名称（name）")
    where = f"项目“{name}”（{code}）"
    period = raw.get("period")
    if period not in ("year", "month"):
        raise RuleBookInvalid(f"{where}的期间（period）应为 year 或 month")
    calculation = raw.get("calculation")
    if calculation not in CALCULATIONS:
        raise RuleBookInvalid(f"{where}的计算方法“{calculation}”未知：可用 {'、'.join(CALCULATIONS)}")
    rosters = tuple(raw.get("rosters", ()))
    required = tuple(raw.get("required_rosters", ()))
    for kind in (*rosters, *required):
        if kind not in ROSTER_KINDS:
            raise RuleBookInvalid(f"{where}的名册类型“{kind}”未知：可用 {'、'.join(ROSTER_KINDS)}")
    parameters = {n: _parameter(n, v, where + "的") for n, v in (raw.get("parameters") or {}).items()}
    for needed in ("mode", "city_share"):
        if needed not in parameters:
            raise RuleBookInvalid(f"{where}缺少参数“{needed}”")
    for n, p in parameters.items():
        _check_values(code, n, p, where + "的")
    population = []
    for i, c in enumerate(raw.get("population", ()), start=1):
        at = f"{where}的适用人群第{i}个条件"
        f = c.get("field")
        if f not in POPULATION_FIELDS:
            raise RuleBookInvalid(f"{at}的字段“{f}”未知：可用 {'、'.join(POPULATION_FIELDS)}")
        for key in ("in", "min", "max"):
            ref = c.get(key)
            if isinstance(ref, str) and ref.startswith("$") and ref[1:] not in parameters:
                raise RuleBookInvalid(f"{at}引用的参数“{ref[1:]}”不存在")
        values = c.get("in")
        population.append(Condition(field=f, values=tuple(values) if isinstance(values, list) else values,
                                    low=c.get("min"), high=c.get("max")))
    return Programme(
        code=code, name=name, period=period, calculation=calculation, basis=str(raw.get("basis", "registry")),
        rosters=rosters, required_rosters=required, policy=tuple(raw.get("policy", ())),
        population=tuple(population), parameters=parameters,
        payment_item_contains=tuple(raw.get("payment_item_contains", ())),
        requires_assistance=tuple(raw.get("requires_assistance", ())),
        categories=tuple(raw.get("categories", ())), requires_registry=bool(raw.get("requires_registry", False)),
        roster_amount=bool(raw.get("roster_amount", False)))


def rulebook_from_dict(raw: dict) -> RuleBook:
    version = str(raw.get("version") or "").strip()
    if not version:
        raise RuleBookInvalid("规则没有版本号（version）")
    programmes = {code: _programme(code, p) for code, p in (raw.get("programmes") or {}).items()}
    if not programmes:
        raise RuleBookInvalid("规则中没有任何项目（programmes）")
    checks = _checks(raw.get("checks"))
    terms = raw.get("roster_terms") or {}
    words = {}
    for key, label in (("ours", "本部门名称"), ("enrolled", "算作已参保的参保状态"), ("paid", "算作已缴费的参保状态")):
        value = terms.get(key, list(getattr(RuleBook, key)))
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise RuleBookInvalid(f"roster_terms.{key}（{label}）应为一组非空的文字")
        words[key] = tuple(v.strip() for v in value)
    if not set(words["paid"]) <= set(words["enrolled"]):
        raise RuleBookInvalid("roster_terms.paid 中的状态也应在 roster_terms.enrolled 中")
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    return RuleBook(version=version, title=str(raw.get("title", "")), programmes=programmes,
                    source=copy.deepcopy(raw), digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    checks=checks, **words)


def _checks(raw) -> dict[str, Decimal]:
    """``[checks]``: each value a quoted decimal. ``per_capita_tolerance`` is a relative difference
    (0.5 = 50 %) greater than 0 and at most 1 (beyond 1 a per-capita figure could never be too low)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RuleBookInvalid("规则中的核对参数（checks）应为一组“名称 = 值”")
    out = {}
    for name, value in raw.items():
        if name not in CHECKS:
            raise RuleBookInvalid(f"核对参数“{name}”未知：可用 {'、'.join(CHECKS)}")
        at = f"核对参数“{name}”（{CHECKS[name]}）"
        value = _scalar(value, at)
        value = Decimal(value) if isinstance(value, int) else value
        if not isinstance(value, Decimal) or not 0 < value <= 1:
            raise RuleBookInvalid(f"{at}应为大于 0、不大于 1 的相对偏差（如 \"0.5\" 表示相差一半）")
        out[name] = value
    return out


def per_capita_tolerance(book: RuleBook) -> Decimal:
    """How far (relative, 0.5 = 50 %) an allocation's amount per beneficiary may lie from the city's share
    per person before the per-capita check flags it: ``[checks] per_capita_tolerance`` of the book."""
    if "per_capita_tolerance" not in book.checks:
        raise RuleBookInvalid("规则中没有人均核对的允许偏差（[checks] per_capita_tolerance）")
    return book.checks["per_capita_tolerance"]


def rulebook_load(path: Path | None = None) -> RuleBook:
    path = Path(path or DEFAULT_BOOK)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleBookInvalid(f"无法读取规则文件 {path.name}：{exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleBookInvalid(f"规则文件 {path.name} 格式有误：{exc}") from None
    return rulebook_from_dict(json.loads(json.dumps(raw, default=str)))


def city_share_per_person(book: RuleBook, *, programme: str, county_code: str, year: int) -> tuple[Decimal, str] | None:
    """What the city pays a person in ``county_code`` for ``year`` (the amount × the county's city share) and the
    documents it rests on — what a city's transfer to the county should come to per beneficiary (the per-capita
    check of an allocation table). None when the programme has no amount for the year."""
    found = book.programme(programme)
    amount = found.parameters["amount"].at(date(year, 1, 1), county_code) if "amount" in found.parameters else None
    if amount is None or not isinstance(amount.value, Decimal):
        return None
    share = found.parameters["city_share"].at(date(year, 1, 1), county_code)
    if share is None:
        return None
    policies = "、".join(dict.fromkeys((amount.policy, share.policy)))
    return (amount.value * share.value).quantize(Decimal("0.01")), policies
