from django import forms
from django.contrib import admin

from jixiao.changelog.admin_audit import AuditedAdmin
from jixiao.comparison.rules import RulesInvalid
from jixiao.rosters.models import RulesOverride
from jixiao.rosters.services import rules_override_check


class RulesOverrideForm(forms.ModelForm):
    class Meta:
        model = RulesOverride
        fields = ["region", "text", "basis"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12, "cols": 80})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            rules_override_check(text)  # the merged rules must load, as a run would load them
        except RulesInvalid as exc:
            raise forms.ValidationError(str(exc)) from None
        return text


@admin.register(RulesOverride)
class RulesOverrideAdmin(AuditedAdmin):
    """An administrator's per-region override of the comparison rules; every save recorded (old → new)."""

    form = RulesOverrideForm
    list_display = ["region", "basis", "changed_at"]
    autocomplete_fields = ["region"]
