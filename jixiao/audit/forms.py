from django import forms

from jixiao.common.limits import current_limits, format_size


class ReportUploadForm(forms.Form):
    file = forms.FileField(label="要审核的报告（.docx 或 .txt）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".docx", ".txt")):
            raise forms.ValidationError(f"“{upload.name}”不是 .docx 或 .txt 文件（旧版 .doc 请先另存为 .docx）")
        limit = current_limits().audit_max_bytes
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {format_size(limit)}，无法审核")
        return upload
