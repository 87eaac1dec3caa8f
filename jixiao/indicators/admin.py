from django.contrib import admin

from jixiao.changelog.admin_audit import AuditedAdmin
from jixiao.indicators.models import GradeBand, GradeScale, IndicatorTemplate, TemplateNode


class TemplateNodeInline(admin.TabularInline):
    model = TemplateNode
    extra = 0
    fields = ("position", "code", "parent_code", "name", "weight", "rule", "linked", "evidence_hint")


@admin.register(IndicatorTemplate)
class IndicatorTemplateAdmin(AuditedAdmin):
    list_display = ("key", "name", "builtin")
    inlines = [TemplateNodeInline]


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(GradeScale)
class GradeScaleAdmin(AuditedAdmin):
    """The scale marked 默认 applies to workbooks that leave 等级阈值 blank."""

    list_display = ("name", "is_default")
    inlines = [GradeBandInline]
