from django.contrib import admin

from jixiao.registry.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Registry imports, for looking up what came in when (people are changed only by imports and
    looked at in the registry pages, where numbers are masked and unmasked views recorded)."""

    list_display = ("file_name", "started_at", "actor_label", "status", "rows", "created", "updated", "rejected")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


