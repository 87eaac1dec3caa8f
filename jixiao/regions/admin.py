from django.contrib import admin

from jixiao.changelog.admin_audit import AuditedAdmin
from jixiao.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "gb_code", "level", "parent", "cost_share_label")
    list_filter = ("level",)
    search_fields = ("name", "code", "short_name")
    autocomplete_fields = ("parent",)
