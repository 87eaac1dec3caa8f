"""Department rosters uploaded for comparison, comparison runs and their findings (the work list), and the
per-region overrides of the comparison rules. The comparison itself is ``jixiao.comparison`` (no Django)."""

from django.conf import settings
from django.db import models

from jixiao.rosters.workflow import FindingStatus


class RosterFile(models.Model):
    """A department's roster kept for comparisons: checked when uploaded (columns, IDs stored as numbers)."""

    kind = models.CharField("名册类型", max_length=20)  # comparison.kinds: pension, subsidy, medical, …
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField("大小（字节）")
    rows = models.IntegerField("数据行数", null=True, blank=True)
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="上传单位区划")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_by_label = models.CharField("上传人（记录时）", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "部门名册"
        verbose_name_plural = "部门名册"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.file_name


class RulesOverride(models.Model):
    """Values of the comparison rules that differ in one region (and below it), as TOML merged over the shipped
    rules file (``comparison.rules.rules_load(overrides=…)``). The nearest region's override applies."""

    region = models.OneToOneField("regions.Region", models.PROTECT, related_name="+", verbose_name="适用区划")
    text = models.TextField("覆盖的规则（TOML）", help_text="只写与默认规则不同的项，例如：\n[programmes.pension]\nage_max = 64")
    basis = models.CharField("依据（文号）", max_length=255, help_text="例如 昆残联发〔2024〕3号")
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "比对规则（地区覆盖）"
        verbose_name_plural = "比对规则（地区覆盖）"

    def __str__(self):
        return f"{self.region.name}：{self.basis}"


class ComparisonRun(models.Model):
    """One comparison: who ran it, when, for which region and year, its inputs with their checksums, the rules
    version, and the counts. Its files (findings.csv / .xlsx, summary.json) are in JIXIAO_HOME/comparisons/<id>/."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    year = models.PositiveSmallIntegerField("比对年度")
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="比对区划")  # the actor's region; None: everything (系统管理员)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="发起人")
    started_by_label = models.CharField("发起人（记录时）", max_length=150)
    started_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey("jobs.Job", models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name="后台任务")
    rosters = models.ManyToManyField(RosterFile, related_name="runs", verbose_name="部门名册")
    inputs = models.JSONField("输入文件", default=list)  # [{kind, file, sha256, rows}] as summary.json has them
    rules_version = models.CharField("规则版本", max_length=60, blank=True)
    rules_digest = models.CharField("规则摘要", max_length=64, blank=True)
    rules_override = models.ForeignKey(RulesOverride, models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name="地区规则覆盖")
    counts = models.JSONField("发现数量", default=dict)  # summary.json's counts
    total = models.IntegerField("发现合计", default=0)
    carried_over = models.IntegerField("沿用上次核实结果", default=0)
    message = models.CharField("说明", max_length=1000, blank=True)
    # The newest finished run of its region and year: its findings are the work list (older runs are history).
    is_current = models.BooleanField("当前结果", default=False)

    class Meta:
        verbose_name = "名册比对"
        verbose_name_plural = "名册比对"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.year}年名册比对（{self.started_at:%Y-%m-%d %H:%M}）"

    @property
    def state(self) -> str:
        """The status as shown: a run whose job ended without it (a worker killed, the job cancelled) is 失败."""
        if self.status in (self.Status.QUEUED, self.Status.RUNNING) and self.job is not None \
                and self.job.status in ("failed", "cancelled"):
            return self.Status.FAILED
        return self.status

    @property
    def state_label(self) -> str:
        return self.Status(self.state).label


class Finding(models.Model):
    """One finding of a run (a row of findings.csv) and what the staff found when they checked it."""

    run = models.ForeignKey(ComparisonRun, models.CASCADE, related_name="findings", verbose_name="比对")
    kind = models.CharField("类型代码", max_length=30)
    programme = models.CharField("项目代码", max_length=20, blank=True)
    roster = models.CharField("名册", max_length=20, blank=True)
    row = models.IntegerField("行号", null=True, blank=True)
    id_number = models.CharField("身份证号", max_length=64)  # normalised; as written for invalid_id and id_typo
    name = models.CharField("姓名", max_length=100, blank=True)
    region_code = models.CharField("户籍地区划代码", max_length=20, blank=True)
    suggestion = models.CharField("建议身份证号", max_length=20, blank=True)
    note = models.TextField("说明")
    event_date = models.DateField("日期", null=True, blank=True)  # of the death or the move
    # Where the finding lies, for scoping: the registry person's region inside the run's region, else the run's.
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="区划", db_index=False)
    person = models.ForeignKey("registry.Person", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="登记人员")
    key = models.CharField("发现标识", max_length=160)  # the same finding in another run of the region and year
    status = models.CharField("核实状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.PENDING)
    status_note = models.TextField("核实情况", blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="核实人")
    changed_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "比对发现"
        verbose_name_plural = "比对发现"
        indexes = [
            models.Index(fields=["run", "kind", "region_code", "id"], name="finding_run_kind_idx"),
            models.Index(fields=["run", "key"], name="finding_run_key_idx"),
            models.Index(fields=["region", "run"], name="finding_region_idx"),
        ]

    def __str__(self):
        return f"{self.name or self.id_number}：{self.kind}"
