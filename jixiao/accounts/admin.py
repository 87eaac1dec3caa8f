"""Users and evaluator assignments in Django admin (系统管理). Every save goes through the services —
``user_create`` / ``user_update`` / ``user_password_set`` and ``project_assignment_create`` / ``_delete`` —
so an admin edit obeys the same rules (role ↔ region level, password validators, 系统管理员 = staff)
and leaves the same audit row as any other write."""

from __future__ import annotations

import contextvars

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, ReadOnlyPasswordHashField, UserCreationForm
from django.core.exceptions import ValidationError

from jixiao.accounts.models import Profile, ProjectAssignment
from jixiao.accounts.roles import Role
from jixiao.accounts.services import (
    AccountError,
    profile_check,
    project_assignment_create,
    project_assignment_delete,
    user_create,
    user_password_set,
    user_update,
)
from jixiao.organizations.models import Unit
from jixiao.regions.models import Region

User = get_user_model()
_acting_user: contextvars.ContextVar = contextvars.ContextVar("jixiao_admin_acting_user", default=None)


class _ProfileFields(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = forms.ModelChoiceField(label="所属区划", queryset=Region.objects.all(), required=False,
                                    help_text="系统管理员和第三方评价可不填；其他角色按其层级填写（如县级用户填县（市、区））")
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.all(), required=False)
    full_name = forms.CharField(label="姓名", max_length=60, required=False)

    def _check_profile(self):
        data = self.cleaned_data
        try:
            profile_check(role=data.get("role"), region=data.get("region"))
        except AccountError as exc:
            raise ValidationError(str(exc)) from exc


class UserAddForm(UserCreationForm):
    role = _ProfileFields.base_fields["role"]
    region = _ProfileFields.base_fields["region"]
    unit = _ProfileFields.base_fields["unit"]
    full_name = _ProfileFields.base_fields["full_name"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    def clean(self):
        data = super().clean()
        _ProfileFields._check_profile(self)
        return data


class UserChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(label="密码", help_text="密码不保存明文；点击“重置密码”设置新密码。")
    role = _ProfileFields.base_fields["role"]
    region = _ProfileFields.base_fields["region"]
    unit = _ProfileFields.base_fields["unit"]
    full_name = _ProfileFields.base_fields["full_name"]

    class Meta:
        model = User
        fields = ("is_active",)
        labels = {"is_active": "可以登录"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = '密码不保存明文；<a href="../password/">重置密码</a>。'
        profile = Profile.objects.filter(user_id=self.instance.pk).first()
        if profile is not None:
            self.initial.update({"role": profile.role, "region": profile.region_id, "unit": profile.unit_id,
                                 "full_name": profile.full_name})
        elif self.instance.is_superuser:
            self.initial["role"] = Role.ADMIN

    def clean(self):
        data = super().clean()
        _ProfileFields._check_profile(self)
        return data


class PasswordSetForm(AdminPasswordChangeForm):
    """Django's admin password form, saved through ``user_password_set`` (validated and recorded)."""

    def save(self, commit=True):
        try:
            user_password_set(actor=_acting_user.get(), user=self.user, password=self.cleaned_data["password1"])
        except AccountError as exc:
            raise ValidationError(str(exc)) from exc
        return self.user


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    change_password_form = PasswordSetForm
    fieldsets = ((None, {"fields": ("username", "password")}),
                 ("角色与所属区划", {"fields": ("role", "region", "unit", "full_name", "is_active")}),
                 ("登录记录", {"fields": ("last_login", "date_joined")}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "region",
                                                              "unit", "full_name")}),)
    readonly_fields = ("username", "last_login", "date_joined")
    list_display = ("username", "role", "region", "is_active", "last_login")
    list_filter = ("is_active", "profile__role")
    search_fields = ("username", "profile__full_name")
    list_select_related = ("profile", "profile__region")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="角色")
    def role(self, obj):
        return obj.profile.get_role_display() if hasattr(obj, "profile") else ""

    @admin.display(description="所属区划")
    def region(self, obj):
        return obj.profile.region if hasattr(obj, "profile") else ""

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = user_update(actor=request.user, user=obj, role=data["role"], region=data["region"],
                                    unit=data["unit"], full_name=data["full_name"], is_active=data["is_active"])
            else:
                saved = user_create(actor=request.user, username=data["username"], password=data["password1"],
                                    role=data["role"], region=data["region"], unit=data["unit"],
                                    full_name=data["full_name"])
        except AccountError as exc:
            # The service refused after the form's own checks (the last 系统管理员, say): nothing was saved.
            raise ValidationError(str(exc)) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.error(request, "；".join(exc.messages))
            return redirect(request.path)

    def user_change_password(self, request, id, form_url=""):
        token = _acting_user.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_user.reset(token)

    def has_delete_permission(self, request, obj=None):
        return False  # a login is switched off (可以登录), never deleted: the audit trail names it


class AssignmentAddForm(forms.ModelForm):
    class Meta:
        model = ProjectAssignment
        fields = ("user", "project")

    def clean(self):
        data = super().clean()
        user = data.get("user")
        profile = Profile.objects.filter(user=user).first() if user else None
        if user is not None and (profile is None or profile.role != Role.EVALUATOR):
            raise ValidationError(f"“{user.get_username()}”不是第三方评价用户，不能委托项目")
        return data


@admin.register(ProjectAssignment)
class ProjectAssignmentAdmin(admin.ModelAdmin):
    """Entrust a project to an evaluator, or withdraw it; an assignment is never edited in place."""

    form = AssignmentAddForm
    list_display = ("user", "project", "assigned_at")
    autocomplete_fields = ("project",)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = project_assignment_create(actor=request.user, user=form.cleaned_data["user"],
                                          project=form.cleaned_data["project"])
        obj.pk = saved.pk
        obj.assigned_at = saved.assigned_at

    def delete_model(self, request, obj):
        project_assignment_delete(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("project", "user"):
            project_assignment_delete(actor=request.user, assignment=assignment)
