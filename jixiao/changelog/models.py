from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChangeRecord(models.Model):
    """One row per change of business data (and per look at personal data): who, when, what, old → new.

    The subject is any model row (content type + id, with its label as it read then); ``about`` is the
    object whose history the change belongs to — the project for a changed indicator score or an
    evaluator's assignment, the subject itself otherwise — and ``region`` is where it happened, so the
    log can be scoped like the data it records."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        IMPORT = "import", "导入"
        VIEW = "view", "查看完整个人信息"
        EXPORT = "export", "导出"
        SEARCH = "search", "按身份证号查询"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              verbose_name="操作人")
    actor_label = models.CharField("操作人（记录时）", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    subject_type = models.ForeignKey(ContentType, models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="对象的数据表")
    subject_id = models.CharField("对象编号", max_length=40, blank=True)
    object_type = models.CharField("对象类型", max_length=60)  # the subject's kind in words (项目, 残疾人 …)
    object_label = models.CharField("对象", max_length=255)
    about_type = models.ForeignKey(ContentType, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="所属对象的数据表")
    about_id = models.CharField("所属对象编号", max_length=40, blank=True)
    region = models.ForeignKey("regions.Region", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="区划")
    changes = models.JSONField("变更内容", default=dict)  # field → [old, new]
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["about_type", "about_id", "-id"], name="change_about_idx")]
