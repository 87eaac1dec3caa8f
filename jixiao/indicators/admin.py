"""Indicator templates and grade scales in 系统管理. A template saved here is checked like a shipped one
(codes, parents, rules, weights adding up) and is then what the blank workbook and uploads use; a
built-in template edited here is marked 已修改, so an upgrade leaves it as the administrator made it."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet

from jixiao.changelog.admin_audit import AuditedAdmin
from jixiao.indicators.models import GradeBand, GradeScale, IndicatorTemplate, TemplateNode
from jixiao.indicators.templates import TemplateError, check_nodes
from jixiao.indicators.templates import TemplateNode as NodeData


class TemplateNodeFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        nodes = [
            NodeData(code=f.cleaned_data.get("code") or "", parent=f.cleaned_data.get("parent_code") or "",
                     name=f.cleaned_data.get("name") or "", weight=f.cleaned_data.get("weight") or 0,
                     rule=f.cleaned_data.get("rule") or "")
            for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            check_nodes(nodes, "本模板")
        except TemplateError as exc:
            raise ValidationError(str(exc)) from exc


class TemplateNodeInline(admin.TabularInline):
    model = TemplateNode
    formset = TemplateNodeFormSet
    extra = 0
    fields = ("position", "code", "parent_code", "name", "weight", "rule", "linked", "operator", "target", "per_item",
              "band", "evidence_hint")


@admin.register(IndicatorTemplate)
class IndicatorTemplateAdmin(AuditedAdmin):
    list_display = ("key", "name", "builtin", "customised")
    readonly_fields = ("builtin", "customised")
    inlines = [TemplateNodeInline]

    def save_model(self, request, obj, form, change):
        if obj.builtin:
            obj.customised = True
        super().save_model(request, obj, form, change)


class GradeBandFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        bands = [(f.cleaned_data["grade"], f.cleaned_data["lower_bound"]) for f in self.forms
                 if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(bands) < 2:
            raise ValidationError("等级标准至少要有两个等级")
        if len({grade for grade, _ in bands}) != len(bands) or len({lower for _, lower in bands}) != len(bands):
            raise ValidationError("等级名称和分数线都不能重复")
        if min(lower for _, lower in bands) != 0:
            raise ValidationError("最低一档的下限应为 0 分，使任何得分都有等级")


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = GradeBandFormSet
    extra = 0


@admin.register(GradeScale)
class GradeScaleAdmin(AuditedAdmin):
    """The scale marked 默认 applies to workbooks that leave 等级阈值 blank."""

    list_display = ("name", "is_default")
    inlines = [GradeBandInline]
