"""Writes of indicator templates and grade scales."""

from __future__ import annotations

from decimal import Decimal

from jixiao.indicators.templates import get_template, list_templates
from jixiao.scoring.inputs import GradeScale as GradeScaleData

DEFAULT_SCALE_NAME = "默认（优90/良80/中60）"


def indicator_templates_sync_builtin(template_model=None, node_model=None) -> int:
    """Install or refresh the shipped templates in the database (idempotent).

    Takes model classes so a data migration can pass its historical models."""
    if template_model is None:
        from jixiao.indicators.models import IndicatorTemplate as template_model
        from jixiao.indicators.models import TemplateNode as node_model
    for key, _ in list_templates():
        shipped = get_template(key)
        template, _ = template_model.objects.update_or_create(
            key=key, defaults={"name": shipped.name, "source": shipped.source, "builtin": True}
        )
        node_model.objects.filter(template=template).delete()
        node_model.objects.bulk_create(
            node_model(template=template, position=i, code=n.code, parent_code=n.parent, name=n.name,
                       weight=n.weight, rule=n.rule, linked=n.linked, evidence_hint=n.evidence_hint)
            for i, n in enumerate(shipped.nodes)
        )
    return len(list_templates())


def grade_scale_ensure_default(scale_model=None, band_model=None) -> None:
    if scale_model is None:
        from jixiao.indicators.models import GradeBand as band_model
        from jixiao.indicators.models import GradeScale as scale_model
    scale, created = scale_model.objects.get_or_create(name=DEFAULT_SCALE_NAME, defaults={"is_default": True})
    if created:
        band_model.objects.bulk_create(
            band_model(scale=scale, grade=grade, lower_bound=Decimal(lower))
            for grade, lower in GradeScaleData().bands
        )
