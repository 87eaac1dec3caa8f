"""Shipped indicator-system templates (package data under ``indicators/data``).

A template is a JSON file ``{"key", "name", "source", "nodes": [...]}``; each node has
``code, parent, name, weight`` (a string, never a float) and, for leaves, a suggested default
``rule`` (internal key or its Chinese label), ``linked``, ``operator``, ``target``, ``per_item``,
``band`` and an ``evidence_hint`` (评分要点). ``load_template`` turns the nodes into the
``IndicatorRow`` list a project workbook starts from; the weights are checked on load.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from jixiao.scoring.inputs import RULES, IndicatorRow

DATA_PACKAGE = "jixiao.indicators"
DATA_DIR = "data"
# Shipped templates in the order they are offered; any other *.json in data/ follows.
SHIPPED_FILES = ("kunming_abc.json", "caiyu_2020_10.json")
NODE_KEYS = {"code", "parent", "name", "weight", "rule", "linked", "operator", "target", "per_item", "band",
             "evidence_hint"}


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class TemplateNode:
    code: str
    parent: str
    name: str
    weight: Decimal
    rule: str = ""
    linked: str = ""
    operator: str = ""
    target: Decimal | None = None
    per_item: Decimal | None = None
    band: str = ""
    evidence_hint: str = ""


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    source: str
    nodes: tuple[TemplateNode, ...]


def _decimal(value, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TemplateError(f"{what}须写成字符串（如 \"0.5\"），不能用浮点数")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise TemplateError(f"{what}“{value}”不是数字") from exc


def _rule_key(value: str, code: str) -> str:
    if not value:
        return ""
    if value in RULES.values():
        return value
    if value in RULES:
        return RULES[value]
    raise TemplateError(f"指标“{code}”的评分规则“{value}”无法识别")


def _parse(raw: dict, origin: str) -> Template:
    nodes = []
    for item in raw.get("nodes", []):
        unknown = set(item) - NODE_KEYS
        code = str(item.get("code", ""))
        if unknown:
            raise TemplateError(f"{origin}：指标“{code}”有无法识别的字段：{'、'.join(sorted(unknown))}")
        nodes.append(TemplateNode(
            code=code,
            parent=str(item.get("parent") or ""),
            name=str(item.get("name", "")),
            weight=_decimal(item.get("weight"), f"指标“{code}”的权重分") or Decimal(0),
            rule=_rule_key(item.get("rule") or "", code),
            linked=item.get("linked") or "",
            operator=item.get("operator") or "",
            target=_decimal(item.get("target"), f"指标“{code}”的目标值"),
            per_item=_decimal(item.get("per_item"), f"指标“{code}”的每项扣分"),
            band=item.get("band") or "",
            evidence_hint=item.get("evidence_hint") or "",
        ))
    template = Template(key=raw["key"], name=raw["name"], source=raw.get("source", ""), nodes=tuple(nodes))
    check_nodes(template.nodes, origin)
    return template


def check_nodes(nodes, origin: str) -> None:
    """Codes unique, parents known, leaves carry a rule and parents none, weights add up (the level-1
    weights to 100). Used for the shipped files and for templates edited in 系统管理."""
    nodes = tuple(nodes)
    codes = [n.code for n in nodes]
    if len(set(codes)) != len(codes):
        raise TemplateError(f"{origin}：指标编码重复")
    known = set(codes)
    children: dict[str, list[TemplateNode]] = defaultdict(list)
    for node in nodes:
        if node.parent and node.parent not in known:
            raise TemplateError(f"{origin}：指标“{node.code}”的上级编码“{node.parent}”不存在")
        children[node.parent].append(node)
    roots = children[""]
    total = sum((n.weight for n in roots), Decimal(0))
    if total != 100:
        raise TemplateError(f"{origin}：一级指标权重分合计为{total.normalize():f}，应为100")
    for node in nodes:
        kids = children.get(node.code, [])
        if kids:
            s = sum((k.weight for k in kids), Decimal(0))
            if s != node.weight:
                raise TemplateError(
                    f"{origin}：“{node.code} {node.name}”的下级权重分合计为{s.normalize():f}，"
                    f"与其权重分{node.weight.normalize():f}不一致"
                )
            if node.rule:
                raise TemplateError(f"{origin}：“{node.code}”有下级指标，不应设评分规则")
        elif not node.rule:
            raise TemplateError(f"{origin}：末级指标“{node.code}”没有默认评分规则")


def _data_files() -> list:
    folder = resources.files(DATA_PACKAGE).joinpath(DATA_DIR)
    present = {p.name: p for p in folder.iterdir() if p.name.endswith(".json")}
    ordered = [present[name] for name in SHIPPED_FILES if name in present]
    ordered += [present[name] for name in sorted(present) if name not in SHIPPED_FILES]
    return ordered


@lru_cache(maxsize=1)
def _templates() -> dict[str, Template]:
    out: dict[str, Template] = {}
    for path in _data_files():
        template = _parse(json.loads(path.read_text("utf-8")), path.name)
        if template.key in out:
            raise TemplateError(f"{path.name}：模板代码“{template.key}”重复")
        out[template.key] = template
    return out


def list_templates() -> list[tuple[str, str]]:
    """(key, name) of every shipped template, in the order they are offered."""
    return [(t.key, t.name) for t in _templates().values()]


def get_template(key: str) -> Template:
    templates = _templates()
    if key not in templates:
        known = "、".join(templates)
        raise ValueError(f"未知的指标体系模板“{key}”。可用的模板：{known}")
    return templates[key]


def load_template(key: str) -> list[IndicatorRow]:
    """The template's tree as fresh IndicatorRows (leaves carry the suggested rule; scores empty)."""
    return [
        IndicatorRow(
            code=n.code, parent_code=n.parent, name=n.name, weight=n.weight, rule=n.rule, operator=n.operator,
            target=n.target, linked=n.linked, per_item=n.per_item, band=n.band,
        )
        for n in get_template(key).nodes
    ]


__all__ = ["list_templates", "load_template", "get_template", "check_nodes", "Template", "TemplateNode", "TemplateError"]
