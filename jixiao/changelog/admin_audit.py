"""Django admin edits of master data go through the same audit trail as every other change."""

from __future__ import annotations

from django.contrib import admin

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record


def _label(value) -> str | None:
    if value is None:
        return None
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    """Records create / update (old → new per changed field) / delete, including inline rows."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            old = type(obj).objects.get(pk=obj.pk)
            before = {name: _label(getattr(old, name, None)) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        changes = {
            str(form.fields[name].label or name): [before.get(name), _label(getattr(obj, name, form.cleaned_data.get(name)))]
            for name in form.changed_data if name in form.fields
        }
        action = ChangeRecord.Action.UPDATE if change else ChangeRecord.Action.CREATE
        change_record(actor=request.user, action=action, obj=obj, changes=changes, note="系统管理")

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            change_record(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj, note="系统管理")
            obj.delete()
        for obj in instances:
            is_new = obj.pk is None
            obj.save()
            change_record(actor=request.user, action=ChangeRecord.Action.CREATE if is_new else ChangeRecord.Action.UPDATE,
                          obj=obj, note="系统管理")
        formset.save_m2m()

    def delete_model(self, request, obj):
        change_record(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj, note="系统管理")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            change_record(actor=request.user, action=ChangeRecord.Action.DELETE, obj=obj, note="系统管理")
        super().delete_queryset(request, queryset)
