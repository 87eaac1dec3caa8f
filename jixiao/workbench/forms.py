from django import forms
from django.contrib.auth.forms import AuthenticationForm

from jixiao.changelog.models import ChangeRecord
from jixiao.common.limits import current_limits, format_size
from jixiao.scoring.inputs import PROJECT_TYPES


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。同一账号在同一网络地址上连续输错 5 次，将在该地址锁定 15 分钟。",
        "inactive": "该账号已停用。",
    }


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "项目名称或单位"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label="区划", required=False, coerce=int, empty_value=None)
    grade = forms.ChoiceField(label="等级", required=False)
    project_type = forms.ChoiceField(label="类型", required=False,
                                     choices=[("", "全部类型")] + [(t, t) for t in PROJECT_TYPES])

    def __init__(self, *args, years=(), regions=(), grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "全部等级")] + [(g, g) for g in grades]
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in years]
        self.fields["region"].choices = [("", "全部区划")] + [(r.pk, r.name) for r in regions]


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label="项目工作簿（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(f"“{upload.name}”不是 .xlsx 工作簿：请上传用“下载空白模板”填写的项目工作簿")
        limit = current_limits().workbook_max_bytes
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {format_size(limit)}，请确认是否为项目工作簿")
        return upload


class ChangeLogFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作", required=False,
                               choices=[("", "全部操作")] + list(ChangeRecord.Action.choices))
    object_type = forms.CharField(label="对象类型", required=False, max_length=60,
                                  widget=forms.TextInput(attrs={"placeholder": "如：项目、残疾人、用户"}))
