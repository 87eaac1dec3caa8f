from django import forms

from jixiao.common.limits import current_limits, format_size
from jixiao.comparison.kinds import FINDING_KINDS, KINDS, ROSTER_KINDS, UPLOAD_KINDS
from jixiao.rosters.workflow import FindingStatus


class RosterUploadForm(forms.Form):
    kind = forms.ChoiceField(label="名册类型", choices=[(k, KINDS[k].title) for k in UPLOAD_KINDS])
    file = forms.FileField(label="名册文件（.xlsx、.xls、.csv 或 .parquet）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv", ".parquet")):
            raise forms.ValidationError(f"“{upload.name}”不是 .xlsx、.xls、.csv 或 .parquet 文件")
        limits = current_limits()
        name = upload.name.lower()
        limit = (limits.registry_xls_max_bytes if name.endswith(".xls") else
                 limits.registry_max_bytes if name.endswith(".xlsx") else limits.roster_max_bytes)
        if upload.size > limit:
            raise forms.ValidationError(f"“{upload.name}”超过 {format_size(limit)} 的上限")
        return upload


class ComparisonStartForm(forms.Form):
    year = forms.IntegerField(label="比对年度", min_value=2000, max_value=2100)

    def __init__(self, *args, rosters=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ROSTER_KINDS:
            choices = [("", "（不比对）")] + [(r.pk, f"{r.file_name}（{r.rows or 0} 行，{r.uploaded_at:%Y-%m-%d %H:%M}）")
                                          for r in rosters if r.kind == kind]
            self.fields[f"roster_{kind}"] = forms.TypedChoiceField(label=KINDS[kind].title, required=False,
                                                                   coerce=int, empty_value=None, choices=choices)

    def chosen(self) -> list[int]:
        return [v for k, v in self.cleaned_data.items() if k.startswith("roster_") and v]


class FindingFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *FINDING_KINDS.items()])
    region = forms.TypedChoiceField(label="区划", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *FindingStatus.choices])
    mine = forms.BooleanField(label="只看指派给我的", required=False)
    run = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部区划"), *regions]


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label="核实状态", choices=FindingStatus.choices)
    note = forms.CharField(label="核实情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CertificateCancelForm(forms.Form):
    on = forms.DateField(label="注销日期（死亡日期）", required=False)
    note = forms.CharField(label="说明", required=False, max_length=500)
