from django.contrib import admin

from jixiao.projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects are changed through workbooks and the workbench (scored, audited); here only looked up."""

    list_display = ("name", "year", "owner_unit", "region", "current_evaluation")
    list_filter = ("year", "project_type")
    search_fields = ("name", "owner_unit__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
