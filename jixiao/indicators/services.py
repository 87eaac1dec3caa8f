"""Writes of indicator templates and grade scales."""

from __future__ import annotations

from decimal import Decimal

from jixiao.indicators.templates import get_template, list_templates
from jixiao.scoring.inputs import GradeScale as GradeScaleData

DEFAULT_SCALE_NAME = "默认（优90/良80/中60）"


def indicator_templates_sync_builtin(template_model=None, node_model=None) -> int:
    """Install the shipped templates in the database, and refresh those an administrator has not edited
    (an edited one — ``customised`` — stays exactly as they made it). Idempotent; returns how many shipped
    templates there are. Takes model classes so a data migration can pass its historical models (and
    writes only the fields those have)."""
    if template_model is None:
        from jixiao.indicators.models import IndicatorTemplate as template_model
        from jixiao.indicators.models import TemplateNode as node_model
    has = {f.name for f in node_model._meta.fields}
    customisable = "customised" in {f.name for f in template_model._meta.fields}
    for key, _ in list_templates():
        shipped = get_template(key)
        template = template_model.objects.filter(key=key).first()
        if template is not None and customisable and template.customised:
            continue
        if template is None:
            template = template_model.objects.create(key=key, name=shipped.name, source=shipped.source, builtin=True)
        else:
            template_model.objects.filter(pk=template.pk).update(name=shipped.name, source=shipped.source, builtin=True)
        node_model.objects.filter(template=template).delete()
        node_model.objects.bulk_create(
            node_model(template=template, position=i, **{name: value for name, value in (
                ("code", n.code), ("parent_code", n.parent), ("name", n.name), ("weight", n.weight), ("rule", n.rule),
                ("linked", n.linked), ("operator", n.operator), ("target", n.target), ("per_item", n.per_item),
                ("band", n.band), ("evidence_hint", n.evidence_hint)) if name in has})
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
