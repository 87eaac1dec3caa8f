"""Reads of indicator templates and grade scales."""

from __future__ import annotations

from jixiao.indicators.models import GradeScale
from jixiao.scoring.inputs import GradeScale as GradeScaleData


def grade_scale_default() -> GradeScaleData | None:
    """The grade scale administrators marked as default, for workbooks that set none."""
    scale = GradeScale.objects.filter(is_default=True).prefetch_related("bands").order_by("pk").first()
    if scale is None:
        return None
    bands = sorted(((b.grade, b.lower_bound) for b in scale.bands.all()), key=lambda gb: gb[1], reverse=True)
    return GradeScaleData([(grade, lower.normalize()) for grade, lower in bands]) if len(bands) >= 2 else None
