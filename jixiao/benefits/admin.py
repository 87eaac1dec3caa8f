"""The rule book's versions in Django admin: an administrator adds a new version (the whole book, checked by the
engine; saved through ``benefits.services.rulebook_version_create``, audited); existing versions are read-only and
never deleted (cycles point at the version they were computed by)."""

import json

from django import forms
from django.contrib import admin

from jixiao.benefits import selectors, services
from jixiao.benefits.models import RuleBookVersion
from jixiao.entitlements.parameters import DEFAULT_BOOK, rulebook_load


class RuleBookVersionAddForm(forms.ModelForm):
    text = forms.CharField(label="规则（TOML）", widget=forms.Textarea(attrs={"rows": 30, "cols": 110}),
                           help_text="完整的规则，格式同随系统提供的 default.toml（也可粘贴 JSON）。"
                                     "请改写 version（规则版本号）：每个版本的版本号不同。")

    class Meta:
        model = RuleBookVersion
        fields = ["note"]
        widgets = {"note": forms.TextInput(attrs={"size": 80})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            _, book = services.rulebook_parse(toml_text=text)
        except services.BenefitsInvalid as exc:
            raise forms.ValidationError(str(exc)) from None
        services.rulebook_default_ensure()  # the shipped default is version 1 before any other
        if RuleBookVersion.objects.filter(version=book.version).exists():
            raise forms.ValidationError(f"规则版本号“{book.version}”已经用过：请在规则中写一个新的版本号（version）")
        return text


def _initial_text() -> str:
    """What the add form starts from: the shipped file's text while it is the current version or not stored yet (a
    software update brought a new one: saving it makes it current), else the current version as JSON."""
    current = selectors.rulebook_version_current()
    shipped = rulebook_load()
    if current is None or current.digest == shipped.digest or \
            not RuleBookVersion.objects.filter(version=shipped.version).exists():
        return DEFAULT_BOOK.read_text(encoding="utf-8")
    return json.dumps(current.book, ensure_ascii=False, indent=1)


@admin.register(RuleBookVersion)
class RuleBookVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "version", "title", "note", "created_by_label", "created_at"]
    readonly_fields = ["number", "version", "title", "digest", "note", "created_by_label", "created_at", "book_text"]
    fields = readonly_fields
    ordering = ["-number"]

    @admin.display(description="规则内容")
    def book_text(self, obj):
        from django.utils.html import format_html

        return format_html("<pre style='white-space: pre-wrap'>{}</pre>",
                           json.dumps(obj.book, ensure_ascii=False, indent=1))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RuleBookVersionAddForm
            kwargs["fields"] = ["text", "note"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["text", "note"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_changeform_initial_data(self, request):
        return {"text": _initial_text()}

    def has_change_permission(self, request, obj=None):
        return False  # a version is never edited: add a new one

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.rulebook_version_create(actor=request.user, toml_text=form.cleaned_data["text"],
                                                   note=form.cleaned_data.get("note", ""))
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False
