"""A background job: who started it, for which region, what it is doing and what came out of it."""

from django.conf import settings
from django.db import models


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              related_name="jobs", verbose_name="发起人")
    owner_label = models.CharField("发起人（记录时）", max_length=150)
    # The region the job concerns (the owner's region when started; none for a 系统管理员): for scoping.
    region = models.ForeignKey("regions.Region", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="区划")
    kind = models.CharField("类型", max_length=60)
    title = models.CharField("名称", max_length=255)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress_done = models.BigIntegerField("已完成数量", default=0)
    progress_total = models.BigIntegerField("总数量", null=True, blank=True)
    message = models.CharField("说明", max_length=1000, blank=True)
    result = models.JSONField("结果", default=dict)
    # Result files kept in JIXIAO_HOME/jobs/<id>/: [{"name": file name in that folder, "label": 中文说明}]
    files = models.JSONField("结果文件", default=list)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    task_id = models.CharField("任务框架结果编号", max_length=64, blank=True)
    worker_host = models.CharField("工作进程主机", max_length=255, blank=True)
    worker_pid = models.IntegerField("工作进程号", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx")]

    def __str__(self):
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
