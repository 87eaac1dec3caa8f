from django.contrib import admin

from jixiao.changelog.models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The audit trail is read-only, for everybody."""

    list_display = ("at", "actor_label", "action", "object_type", "object_label", "region")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor_label", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
