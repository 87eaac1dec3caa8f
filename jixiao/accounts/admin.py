from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet

from jixiao.accounts.models import Profile, ProjectAssignment
from jixiao.accounts.services import AccountError, profile_check
from jixiao.changelog.admin_audit import AuditedAdmin


class ProfileFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            try:
                profile_check(role=form.cleaned_data.get("role"), region=form.cleaned_data.get("region"))
            except AccountError as exc:
                raise ValidationError(str(exc)) from exc


class ProfileInline(admin.StackedInline):
    model = Profile
    formset = ProfileFormSet
    can_delete = False
    autocomplete_fields = ("region", "unit")
    verbose_name_plural = "角色与所属区划"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "role", "region", "is_active", "last_login")
    list_select_related = ("profile", "profile__region")

    @admin.display(description="角色")
    def role(self, obj):
        return obj.profile.get_role_display() if hasattr(obj, "profile") else ""

    @admin.display(description="所属区划")
    def region(self, obj):
        return obj.profile.region if hasattr(obj, "profile") else ""


@admin.register(ProjectAssignment)
class ProjectAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "project", "assigned_at")
    autocomplete_fields = ("project",)
