from django.contrib import admin

from jixiao.changelog.admin_audit import AuditedAdmin
from jixiao.organizations.models import Division, Unit


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)
    inlines = [DivisionInline]
