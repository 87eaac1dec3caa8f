"""The comparison's rules, read from a versioned TOML file (``rules/default.toml``) and checked before any
file is read: programmes (levels, ages, amounts by year with their policy documents), which department is
ours, which 补助项目 counts as a pension payment, the keys of a duplicate per roster.

A region's overrides (kept by the workbench, audited there) are a dict of the same shape merged over the
defaults: ``rules_load(overrides=...)``."""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao.comparison.kinds import KINDS

DEFAULT_RULES = Path(__file__).with_name("rules") / "default.toml"
LEVELS = (1, 2, 3, 4)


class RulesInvalid(ValueError):
    """A rules file or override that cannot be used; the message (Chinese) says where and why."""


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    roster: str
    certificate_status: str
    levels: tuple[int, ...]
    age_min: int | None
    age_max: int | None
    amounts: tuple[tuple[int, Decimal, str], ...]  # (from year, amount in 元, policy document), ascending
    payment_item_contains: tuple[str, ...]
    policy: tuple[str, ...]

    def amount_for(self, year: int) -> tuple[Decimal, str] | None:
        """The amount in force in ``year`` and the document that set it (None before the first)."""
        found = None
        for start, amount, policy in self.amounts:
            if start <= year:
                found = (amount, policy)
        return found


@dataclass(frozen=True)
class Rules:
    version: str
    title: str
    ours: tuple[str, ...]
    programmes: dict[str, Programme]
    enrolled: tuple[str, ...]
    paid: tuple[str, ...]
    same_region_digits: int
    duplicate_keys: dict[str, tuple[str, ...]]
    digest: str  # sha256 of the merged rules: what a run records beside the version

    def for_year(self, year: int) -> dict:
        """What summary.json records: the rules as used for ``year``."""
        programmes = {}
        for code, p in self.programmes.items():
            amount = p.amount_for(year)
            programmes[code] = {
                "name": p.name, "levels": list(p.levels), "age_min": p.age_min, "age_max": p.age_max,
                "amount": str(amount[0]) if amount else None, "amount_policy": amount[1] if amount else None,
                "policy": list(p.policy),
            }
        return {"version": self.version, "digest": self.digest, "year": year, "title": self.title,
                "ours": list(self.ours), "programmes": programmes, "insured": list(self.enrolled),
                "paid": list(self.paid), "same_region_digits": self.same_region_digits,
                "duplicate_keys": {k: list(v) for k, v in self.duplicate_keys.items()}}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _texts(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesInvalid(f"{where} 应为一组非空文字")
    return tuple(v.strip() for v in value)


def _int(value, where: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RulesInvalid(f"{where} 应为 {low}–{high} 之间的整数，现为“{value}”")
    return value


def _programme(code: str, raw: dict) -> Programme:
    where = f"programmes.{code}"
    if not isinstance(raw, dict):
        raise RulesInvalid(f"{where} 应为一节规则")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RulesInvalid(f"{where}.name 不能为空")
    roster = raw.get("roster")
    if roster not in KINDS or roster == "registry":
        raise RulesInvalid(f"{where}.roster “{roster}” 不是名册类型（{'、'.join(k for k in KINDS if k != 'registry')}）")
    levels = raw.get("levels", list(LEVELS))
    if not isinstance(levels, list) or not levels or any(v not in LEVELS for v in levels):
        raise RulesInvalid(f"{where}.levels 应为 1–4 中的等级")
    age_min = _int(raw["age_min"], f"{where}.age_min", low=0, high=150) if "age_min" in raw else None
    age_max = _int(raw["age_max"], f"{where}.age_max", low=0, high=150) if "age_max" in raw else None
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RulesInvalid(f"{where}: age_min（{age_min}）大于 age_max（{age_max}）")
    amounts = []
    for i, item in enumerate(raw.get("amounts", [])):
        at = f"{where}.amounts[{i + 1}]"
        year = _int(item.get("from_year"), f"{at}.from_year", low=1990, high=2100)
        try:
            amount = Decimal(str(item.get("amount")))
        except InvalidOperation:
            raise RulesInvalid(f"{at}.amount “{item.get('amount')}” 不是金额") from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise RulesInvalid(f"{at}.amount “{item.get('amount')}” 应为不小于 0、最多两位小数的金额（元）")
        amounts.append((year, amount, str(item.get("policy", "")).strip()))
    amounts.sort()
    if len({y for y, _, _ in amounts}) != len(amounts):
        raise RulesInvalid(f"{where}.amounts 中有两档起始年度相同")
    return Programme(
        code=code, name=name.strip(), roster=roster, certificate_status=str(raw.get("certificate_status", "有效")),
        levels=tuple(sorted(levels)), age_min=age_min, age_max=age_max, amounts=tuple(amounts),
        payment_item_contains=_texts(raw.get("payment_item_contains", []) or [], f"{where}.payment_item_contains")
        if raw.get("payment_item_contains") else (),
        policy=tuple(str(p) for p in raw.get("policy", [])),
    )


def rules_load(path: Path | None = None, *, overrides: dict | None = None) -> Rules:
    """The rules of ``path`` (the shipped defaults when None) with ``overrides`` merged over them."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesInvalid(f"规则文件 {path} 无法读取：{exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesInvalid(f"规则文件 {path} 格式错误：{exc}") from None
    merged = _merge(raw, overrides or {})
    return rules_from_dict(merged)


def rules_from_dict(merged: dict) -> Rules:
    version = merged.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RulesInvalid("规则缺少版本号（version）")
    programmes_raw = merged.get("programmes")
    if not isinstance(programmes_raw, dict) or "pension" not in programmes_raw or "medical" not in programmes_raw:
        raise RulesInvalid("规则应包含 programmes.pension 和 programmes.medical 两个项目")
    programmes = {code: _programme(code, raw) for code, raw in programmes_raw.items()}
    if not programmes["pension"].amounts:
        raise RulesInvalid("programmes.pension.amounts 至少应有一档补助标准")
    if not programmes["pension"].payment_item_contains:
        raise RulesInvalid("programmes.pension.payment_item_contains 不能为空（哪些补助项目算养老保险缴费补助）")
    insured = merged.get("insured", {})
    enrolled = _texts(insured.get("enrolled"), "insured.enrolled")
    paid = _texts(insured.get("paid"), "insured.paid")
    if not set(paid) <= set(enrolled):
        raise RulesInvalid("insured.paid 中的状态也应在 insured.enrolled 中")
    digits = _int(merged.get("moves", {}).get("same_region_digits"), "moves.same_region_digits", low=2, high=12)
    keys: dict[str, tuple[str, ...]] = {}
    for kind in KINDS:
        value = merged.get("duplicates", {}).get(kind, [])
        known = {c.key for c in KINDS[kind].columns}
        if not isinstance(value, list) or any(v not in known for v in value):
            raise RulesInvalid(f"duplicates.{kind} 只能用该名册的列：{'、'.join(sorted(known))}")
        keys[kind] = tuple(value)
    ours = _texts(merged.get("ours", {}).get("department_contains"), "ours.department_contains")
    digest = hashlib.sha256(json.dumps(merged, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    return Rules(version=version.strip(), title=str(merged.get("title", "")), ours=ours, programmes=programmes,
                 enrolled=enrolled, paid=paid, same_region_digits=digits, duplicate_keys=keys, digest=digest)
