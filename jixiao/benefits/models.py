"""Benefit cycles: the versions of the rule book they are computed by, a cycle (one programme, one period, one
county or city) through its states, its tallies by county and township, and its payments — batch by batch, each
settled by the bank's (or the insurer's) return. The computation itself is ``jixiao.entitlements`` (no Django).
Money is integer 分 (``*_fen``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jixiao.benefits.workflow import CycleState, ListKind, PaymentStatus


class RuleBookVersion(models.Model):
    """One version of the programmes' rule book (``entitlements.parameters``), as data. A changed book is a new
    version, never an edit: a cycle points at the version it was computed by (its frozen folder keeps a copy)."""

    number = models.PositiveIntegerField("版本序号", unique=True)  # 1 = the shipped default, then 2, 3 …
    version = models.CharField("规则版本号", max_length=60, unique=True)  # the book's own ``version``
    title = models.CharField("标题", max_length=255, blank=True)
    book = models.JSONField("规则内容")
    digest = models.CharField("规则摘要（SHA-256）", max_length=64)
    note = models.CharField("修改说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")
    created_by_label = models.CharField("创建人（记录时）", max_length=150)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "补助项目规则版本"
        verbose_name_plural = "补助项目规则版本"
        ordering = ["-number"]

    def __str__(self):
        return f"第{self.number}版（{self.version}）"


class Cycle(models.Model):
    """One entitlement cycle: a programme's entitlements for a period in a county (or a city), from the
    registry in the database and the rosters chosen (``rosters.RosterFile``), computed by a rule book version.
    Its files are in JIXIAO_HOME/cycles/<id>/ (``benefits.storage``)."""

    programme = models.CharField("项目代码", max_length=30)  # entitlements.parameters.PROGRAMME_CODES
    programme_name = models.CharField("项目", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)  # monthly programmes
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+", verbose_name="区划")
    state = models.CharField("状态", max_length=10, choices=CycleState.choices, default=CycleState.DRAFT)
    rules = models.ForeignKey(RuleBookVersion, models.PROTECT, null=True, blank=True, related_name="cycles",
                              verbose_name="规则版本")  # the version of the stored computation
    rosters = models.ManyToManyField("rosters.RosterFile", related_name="+", blank=True, verbose_name="名册")
    inputs = models.JSONField("输入", default=list)  # [{kind, file, sha256, rows, roster}] of the stored computation
    summary = models.JSONField("计算摘要", default=dict)  # the computation's summary.json
    message = models.CharField("说明", max_length=1000, blank=True)  # why the last computation failed
    job = models.ForeignKey("jobs.Job", models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name="计算任务")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")
    created_by_label = models.CharField("创建人（记录时）", max_length=150)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="计算人")
    computed_by_label = models.CharField("计算人（记录时）", max_length=150, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="提交人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="批准人")
    approved_by_label = models.CharField("批准人（记录时）", max_length=150, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    returned_reason = models.CharField("退回原因", max_length=1000, blank=True)
    void_reason = models.CharField("作废原因", max_length=1000, blank=True)
    paid_at = models.DateTimeField("发放完成时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "补助发放批次"
        verbose_name_plural = "补助发放批次"
        ordering = ["-year", "-month", "-id"]
        constraints = [
            # one live cycle per programme, period and region (a voided one does not count)
            models.UniqueConstraint(fields=["programme", "year", "region"], condition=Q(month__isnull=True) & ~Q(state="void"),
                                    name="cycle_one_per_year"),
            models.UniqueConstraint(fields=["programme", "year", "month", "region"],
                                    condition=Q(month__isnull=False) & ~Q(state="void"), name="cycle_one_per_month"),
        ]
        indexes = [models.Index(fields=["programme", "year", "month"], name="cycle_period_idx")]

    def __str__(self):
        return f"{self.region.name}{self.period_label}{self.programme_name}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年度"

    @property
    def state_label(self) -> str:
        return CycleState(self.state).label

    @property
    def computing(self) -> bool:
        """A computation is queued or running."""
        return self.job is not None and self.job.is_active


class CycleTally(models.Model):
    """A computed cycle's figures for one county or township (from entitlements.parquet, by the code's first 6 or
    9 digits): persons considered, persons paid, the amounts and the reasons for paying nothing."""

    class Level(models.TextChoices):
        COUNTY = "county", "县（市、区）"
        TOWNSHIP = "township", "乡镇（街道）"

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="tallies", verbose_name="批次")
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    code = models.CharField("区划代码", max_length=12)
    name = models.CharField("名称", max_length=60, blank=True)
    region = models.ForeignKey("regions.Region", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="区划", db_index=False)
    considered = models.IntegerField("纳入计算人数")
    persons = models.IntegerField("发放人数")
    amount_fen = models.BigIntegerField("金额（分）")
    city_fen = models.BigIntegerField("市级承担（分）")
    county_fen = models.BigIntegerField("县级承担（分）")
    reasons = models.JSONField("未发放原因", default=dict)  # reason code → persons

    class Meta:
        verbose_name = "批次分区汇总"
        verbose_name_plural = "批次分区汇总"
        ordering = ["cycle", "code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="cycle_tally_code")]


class PaymentBatch(models.Model):
    """A batch of a cycle's payments: batch 1 lists everybody with an amount; each later batch re-lists the
    payments that failed. Its lists (files) are relative to the cycle's folder."""

    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="batches", verbose_name="批次")
    number = models.PositiveSmallIntegerField("发放批号")
    persons = models.IntegerField("人数")
    amount_fen = models.BigIntegerField("金额（分）")
    files = models.JSONField("发放清单", default=list)  # summary.json's payment_lists entries, "file" relative to the cycle
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="生成人")
    created_by_label = models.CharField("生成人（记录时）", max_length=150)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "发放批"
        verbose_name_plural = "发放批"
        ordering = ["cycle", "number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="payment_batch_number")]

    def __str__(self):
        return f"第{self.number}批发放"


class PaymentReturn(models.Model):
    """One answer to a batch: a return file (the bank's 回盘, or the insurer's for 代缴) or a county user's
    confirmation that the insurer has taken the 代缴 list. What it matched and the problems it had."""

    class Source(models.TextChoices):
        FILE = "file", "回盘文件"
        CONFIRMATION = "confirmation", "代缴确认"

    batch = models.ForeignKey(PaymentBatch, models.PROTECT, related_name="returns", verbose_name="发放批")
    source = models.CharField("来源", max_length=15, choices=Source.choices, default=Source.FILE)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    rows = models.IntegerField("数据行数", default=0)
    paid = models.IntegerField("到账", default=0)
    failed = models.IntegerField("失败", default=0)
    unmatched = models.IntegerField("未匹配行数", default=0)
    problem_count = models.IntegerField("问题行数", default=0)
    problems = models.JSONField("问题", default=list)  # [{row, message}], the first ones
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="导入人")
    imported_by_label = models.CharField("导入人（记录时）", max_length=150)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "回盘记录"
        verbose_name_plural = "回盘记录"
        ordering = ["batch", "id"]

    def __str__(self):
        return self.file_name or self.get_source_display()


class Payment(models.Model):
    """One person's payment in one batch (a row of its list). Written and settled in bulk SQL, never one model
    object per row. A failed payment re-listed in a later batch keeps its status and reason here (``relisted``)
    and gets a new row there."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="payments", verbose_name="批次", db_index=False)
    batch = models.ForeignKey(PaymentBatch, models.CASCADE, related_name="payments", verbose_name="发放批",
                              db_index=False)
    id_number = models.CharField("身份证号", max_length=64)
    name = models.CharField("姓名", max_length=100, blank=True)
    county_code = models.CharField("县（市、区）代码", max_length=12)
    region_code = models.CharField("户籍地区划代码", max_length=20, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")
    list_kind = models.CharField("清单", max_length=5, choices=ListKind.choices)
    mode = models.CharField("发放方式", max_length=10, blank=True)
    account_kind = models.CharField("账户类型", max_length=10, blank=True)
    account = models.CharField("账号", max_length=64, blank=True)
    bank_name = models.CharField("开户行", max_length=100, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    source_row = models.IntegerField("名册行号", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    result_note = models.CharField("失败原因或确认说明", max_length=500, blank=True)
    settled_by = models.ForeignKey(PaymentReturn, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="回盘记录", db_index=False)
    return_row = models.IntegerField("回盘文件行号", null=True, blank=True)
    settled_at = models.DateTimeField("回盘时间", null=True, blank=True)
    relisted = models.BooleanField("已列入下一批", default=False)

    class Meta:
        verbose_name = "发放记录"
        verbose_name_plural = "发放记录"
        indexes = [
            models.Index(fields=["batch", "id_number"], name="payment_batch_id_idx"),
            models.Index(fields=["batch", "status"], name="payment_batch_status_idx"),
            models.Index(fields=["cycle", "status", "relisted"], name="payment_cycle_status_idx"),
        ]

    def __str__(self):
        return f"{self.name}：{self.amount_fen / 100:.2f}元"
