from django import forms

from jixiao.common.limits import current_limits, format_size
from jixiao.registry.models import Certificate


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60, widget=forms.TextInput())
    region = forms.TypedChoiceField(label="区划", required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label="类别", required=False, coerce=int, empty_value=None,
                                      choices=[("", "全部类别")] + list(Certificate.Category.choices))
    level = forms.TypedChoiceField(label="等级", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全部等级")] + list(Certificate.Level.choices))
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态")] + list(Certificate.Status.choices))

    def __init__(self, *args, regions=(), placeholder="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部区划"), *regions]  # (id, name) pairs
        self.fields["q"].widget.attrs["placeholder"] = placeholder  # what the search promises this role


class RegistryUploadForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx、.xls 或 .csv）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(f"“{upload.name}”不是 .xlsx、.xls 或 .csv 文件")
        limits = current_limits()
        limit = limits.registry_xls_max_bytes if upload.name.lower().endswith(".xls") else limits.registry_max_bytes
        if upload.size > limit:
            raise forms.ValidationError(f"“{upload.name}”超过 {format_size(limit)} 的上限")
        return upload
