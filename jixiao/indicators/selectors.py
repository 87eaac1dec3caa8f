"""Reads of indicator templates and grade scales: what administrators keep in 系统管理 is what the
blank workbook, uploads, the filters and the dashboard use."""

from __future__ import annotations

from jixiao.indicators.models import GradeScale, IndicatorTemplate, TemplateNode
from jixiao.indicators.templates import TemplateError, check_nodes
from jixiao.indicators.templates import TemplateNode as NodeData
from jixiao.scoring.inputs import GradeScale as GradeScaleData
from jixiao.scoring.inputs import IndicatorRow


def grade_scale_default() -> GradeScaleData | None:
    """The grade scale administrators marked as default, for workbooks that set none."""
    scale = GradeScale.objects.filter(is_default=True).prefetch_related("bands").order_by("pk").first()
    if scale is None:
        return None
    bands = sorted(((b.grade, b.lower_bound) for b in scale.bands.all()), key=lambda gb: gb[1], reverse=True)
    return GradeScaleData([(grade, lower.normalize()) for grade, lower in bands]) if len(bands) >= 2 else None


def grade_names() -> list[str]:
    """The grade names administrators keep, best first: the default scale's, then those of the other
    scales (the standard 优/良/中/差 only if no scale is kept at all)."""
    names: list[str] = []
    scales = GradeScale.objects.prefetch_related("bands").order_by("-is_default", "pk")
    for scale in scales:
        for band in sorted(scale.bands.all(), key=lambda b: b.lower_bound, reverse=True):
            if band.grade not in names:
                names.append(band.grade)
    return names or [grade for grade, _ in GradeScaleData().bands]


def indicator_templates_offered() -> list[tuple[str, str]]:
    """(key, name) of the templates kept in 系统管理: built-in ones first, then the administrators' own."""
    return list(IndicatorTemplate.objects.order_by("-builtin", "pk").values_list("key", "name"))


def indicator_template_rows(key: str) -> list[IndicatorRow]:
    """A template's tree as fresh IndicatorRows (leaves carry the suggested rule; scores empty), as the
    template is kept in the database. ValueError, in Chinese, for an unknown key or a tree that does not add
    up (an administrator's edit that breaks it is refused in admin; this guards older data)."""
    template = IndicatorTemplate.objects.filter(key=key).first()
    if template is None:
        known = "、".join(k for k, _ in indicator_templates_offered())
        raise ValueError(f"未知的指标体系模板“{key}”。可用的模板：{known}")
    nodes = list(TemplateNode.objects.filter(template=template).order_by("position", "pk"))
    try:
        check_nodes([_node_data(n) for n in nodes], template.name)
    except TemplateError as exc:
        raise ValueError(str(exc)) from None
    return [IndicatorRow(code=n.code, parent_code=n.parent_code, name=n.name, weight=n.weight, rule=n.rule,
                         operator=n.operator, target=n.target, linked=n.linked, per_item=n.per_item, band=n.band)
            for n in nodes]


def _node_data(node: TemplateNode) -> NodeData:
    return NodeData(code=node.code, parent=node.parent_code, name=node.name, weight=node.weight, rule=node.rule)
