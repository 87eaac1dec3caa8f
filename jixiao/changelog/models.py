from django.conf import settings
from django.db import models


class ChangeRecord(models.Model):
    """One row per change of business data: who, when, what, old → new (变更记录)."""

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
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40)
    object_label = models.CharField("对象", max_length=255)
    project = models.ForeignKey("projects.Project", models.SET_NULL, null=True, blank=True,
                                related_name="changes", verbose_name="项目")
    changes = models.JSONField("变更内容", default=dict)  # field → [old, new]
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
