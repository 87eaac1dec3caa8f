from django import forms

from jixiao.benefits.workflow import CycleState, PaymentStatus
from jixiao.common.limits import current_limits, format_size
from jixiao.comparison.kinds import KINDS

STATE_CHOICES = [("", "全部状态"), *CycleState.choices]


class CycleFilterForm(forms.Form):
    programme = forms.ChoiceField(label="项目", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label="状态", required=False, choices=STATE_CHOICES)
    region = forms.TypedChoiceField(label="区划", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programmes=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "全部项目"), *programmes]
        self.fields["region"].choices = [("", "全部区划"), *regions]


class CycleCreateForm(forms.Form):
    programme = forms.ChoiceField(label="补助项目")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份（按月发放的项目）", required=False, min_value=1, max_value=12)
    region = forms.TypedChoiceField(label="区划", coerce=int)
    rosters = forms.TypedMultipleChoiceField(label="名册（在“名册比对”中上传的）", required=False, coerce=int)

    def __init__(self, *args, programmes=(), regions=(), rosters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = list(programmes)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]
        self.fields["rosters"].choices = [
            (r.pk, f"{KINDS[r.kind].title if r.kind in KINDS else r.kind}：{r.file_name}（{r.rows or 0} 行，"
                   f"{r.uploaded_at:%Y-%m-%d %H:%M}）") for r in rosters]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=1000)


class ReturnUploadForm(forms.Form):
    file = forms.FileField(label="回盘文件（.xlsx、.xls 或 .csv）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(f"“{upload.name}”不是 .xlsx、.xls 或 .csv 文件")
        limits = current_limits()
        limit = (limits.registry_xls_max_bytes if name.endswith(".xls") else
                 limits.registry_max_bytes if name.endswith(".xlsx") else limits.roster_max_bytes)
        if upload.size > limit:
            raise forms.ValidationError(f"“{upload.name}”超过 {format_size(limit)} 的上限")
        return upload


class ProxyConfirmForm(forms.Form):
    note = forms.CharField(label="经办机构的确认（回执编号、日期）", required=False, max_length=500)
    county_code = forms.CharField(required=False, max_length=12)


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *PaymentStatus.choices])
    batch = forms.IntegerField(label="发放批", required=False)


class AccountForm(forms.Form):
    account = forms.CharField(label="新账号", max_length=64)
    bank_name = forms.CharField(label="开户行", required=False, max_length=100)
    account_kind = forms.ChoiceField(label="账户类型", choices=[("银行卡", "银行卡"), ("社保卡", "社保卡")])
