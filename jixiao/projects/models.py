"""Projects and their money. Amounts are integer 分 (``*_fen``); 万元 only when printed."""

from django.db import models

from jixiao.common.names import name_with_year
from jixiao.common.numbers import fen_to_wan
from jixiao.scoring.inputs import (
    FUND_SOURCE_KINDS,
    FUNDS_CLASSES,
    PROJECT_TYPES,
    TARGET_CATEGORIES,
    TARGET_OPERATORS,
)


def _choices(values):
    return [(v, v) for v in values]


class Project(models.Model):
    # ``narrative`` and ``demo_note`` are kept as the table's last columns (migration 0003): lists read
    # the small columns of every row and SQLite would otherwise walk the long ones' overflow pages.
    name = models.CharField("项目名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    project_type = models.CharField("项目类型", max_length=10, choices=_choices(PROJECT_TYPES))
    owner_unit = models.ForeignKey("organizations.Unit", models.PROTECT, related_name="projects",
                                   verbose_name="主管单位")
    division = models.ForeignKey("organizations.Division", models.SET_NULL, null=True, blank=True,
                                 related_name="projects", verbose_name="责任处室")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="projects", verbose_name="所属区划")
    template_key = models.CharField("指标体系模板", max_length=40, blank=True)
    evaluation_start = models.DateField("评价开始日期", null=True, blank=True)
    evaluation_end = models.DateField("评价结束日期", null=True, blank=True)
    report_unit = models.CharField("报告单位", max_length=100, blank=True)
    report_date = models.DateField("报告日期", null=True, blank=True)
    balance_reason = models.TextField("结转结余原因", blank=True)
    beneficiary_target = models.CharField("受益人数目标", max_length=100, blank=True)
    narrative = models.JSONField("报告文字", default=dict, blank=True)
    # The evaluation the pages, the dashboard and the downloads show (the latest one stored).
    current_evaluation = models.ForeignKey("evaluations.Evaluation", models.SET_NULL, null=True, blank=True,
                                           related_name="+", verbose_name="当前评价")
    demo_note = models.TextField("演示说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "year", "name"], name="project_unique_per_unit_year"),
        ]
        # The list's order: a page of 20 is read off the index instead of sorting every project.
        indexes = [models.Index(fields=["-year", "name", "id"], name="project_list_order")]

    def __str__(self):
        return name_with_year(self.name, self.year)


class PolicyDocument(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="policies", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("文件名称", max_length=300)
    number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)

    class Meta:
        verbose_name = "政策依据"
        verbose_name_plural = "政策依据"
        ordering = ["project", "position"]

    def __str__(self):
        return f"《{self.title}》{self.number}"


class FundSource(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="fund_sources", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    kind = models.CharField("来源", max_length=10, choices=_choices(FUND_SOURCE_KINDS))
    budget_fen = models.BigIntegerField("预算数（分）")
    arrived_fen = models.BigIntegerField("到位数（分）")
    document = models.CharField("依据文号", max_length=60, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["project", "position"]

    @property
    def budget_wan(self):
        return fen_to_wan(self.budget_fen)

    @property
    def arrived_wan(self):
        return fen_to_wan(self.arrived_fen)


class Allocation(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="allocations", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name="区划")
    region_label = models.CharField("区划（报告写法）", max_length=60)
    amount_fen = models.BigIntegerField("分配金额（分）")
    planned_beneficiaries = models.PositiveIntegerField("计划受益人数", null=True, blank=True)
    actual_beneficiaries = models.PositiveIntegerField("实际受益人数", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "资金分配"
        verbose_name_plural = "资金分配"
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "region"], name="allocation_unique_region")]

    @property
    def amount_wan(self):
        return fen_to_wan(self.amount_fen)


class Expenditure(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="expenditures", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    item = models.CharField("支出事项", max_length=200)
    amount_fen = models.BigIntegerField("金额（分）")
    spent_on = models.DateField("支出日期", null=True, blank=True)
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, verbose_name="区划")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "支出"
        verbose_name_plural = "支出"
        ordering = ["project", "position"]

    @property
    def amount_wan(self):
        return fen_to_wan(self.amount_fen)


class PerformanceTarget(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="targets", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    category = models.CharField("指标类别", max_length=12, choices=_choices(TARGET_CATEGORIES))
    name = models.CharField("指标名称", max_length=100)
    operator = models.CharField("比较符", max_length=4, choices=_choices(TARGET_OPERATORS))
    target_value = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    actual_value = models.DecimalField("实际值", max_digits=20, decimal_places=6, null=True, blank=True)
    target_text = models.CharField("目标描述", max_length=300, blank=True)
    actual_text = models.CharField("实际描述", max_length=300, blank=True)
    deviation_reason = models.TextField("偏差原因", blank=True)

    class Meta:
        verbose_name = "绩效目标"
        verbose_name_plural = "绩效目标"
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="target_unique_name")]

    def __str__(self):
        return self.name


class Interview(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="interviews", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    topic = models.CharField("访谈主题", max_length=100)
    interviewee = models.CharField("访谈对象", max_length=100, blank=True)
    role = models.CharField("对象类别", max_length=30, blank=True)
    method = models.CharField("访谈方式", max_length=30, blank=True)
    held_on = models.DateField("访谈日期", null=True, blank=True)
    summary = models.TextField("内容摘要")

    class Meta:
        verbose_name = "访谈"
        verbose_name_plural = "访谈"
        ordering = ["project", "position"]


class Programme(models.Model):
    """A sub-project (子项目) of a multi-programme project (seed 003); its totals are computed, not kept."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="programmes", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("子项目名称", max_length=200)
    standard = models.TextField("保障标准", blank=True)
    households = models.PositiveIntegerField("全年救助户数", null=True, blank=True)
    persons = models.PositiveIntegerField("全年救助人数", null=True, blank=True)
    monthly_households = models.PositiveIntegerField("月均救助户数", null=True, blank=True)
    monthly_persons = models.PositiveIntegerField("月均救助人数", null=True, blank=True)
    balance_reason = models.TextField("结余原因", blank=True)
    description = models.TextField("情况说明", blank=True)

    class Meta:
        verbose_name = "子项目"
        verbose_name_plural = "子项目"
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="programme_unique_name")]

    def __str__(self):
        return self.name


class ProgrammePolicy(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="policies", verbose_name="子项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("文件名称", max_length=300)
    number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)

    class Meta:
        verbose_name = "子项目政策依据"
        verbose_name_plural = "子项目政策依据"
        ordering = ["programme", "position"]


class ProgrammeSource(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="sources", verbose_name="子项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    kind = models.CharField("来源", max_length=10, choices=_choices(FUND_SOURCE_KINDS))
    amount_fen = models.BigIntegerField("到位数（分）")
    document = models.CharField("依据文号", max_length=60, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "子项目资金来源"
        verbose_name_plural = "子项目资金来源"
        ordering = ["programme", "position"]


class ProgrammeExpenditure(models.Model):
    programme = models.ForeignKey(Programme, models.CASCADE, related_name="expenditures", verbose_name="子项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    item = models.CharField("支出事项", max_length=200)
    amount_fen = models.BigIntegerField("金额（分）")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "子项目支出"
        verbose_name_plural = "子项目支出"
        ordering = ["programme", "position"]


class ProjectGroup(models.Model):
    """A project group of a department-level project (seed 004): 预算 and 支出, each total and own-level,
    and an adjustment (调指标) included in the spending; totals over the groups are computed, not kept."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="project_groups", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("项目名称", max_length=200)
    kind = models.CharField("项目类型", max_length=10, choices=_choices(PROJECT_TYPES), default="部门专项")
    purpose = models.TextField("资金用途、使用方向", blank=True)
    budget_fen = models.BigIntegerField("预算总额（分）")
    budget_own_fen = models.BigIntegerField("预算其中本级（分）", default=0)
    spent_fen = models.BigIntegerField("支出总额（分）")
    spent_own_fen = models.BigIntegerField("支出其中本级（分）", default=0)
    adjustment = models.CharField("调整事项", max_length=60, blank=True)
    adjustment_spent_fen = models.BigIntegerField("调整金额（分）", null=True, blank=True)
    adjustment_spent_own_fen = models.BigIntegerField("调整其中本级（分）", null=True, blank=True)
    funds_class = models.CharField("经费类别", max_length=10, choices=_choices(FUNDS_CLASSES), blank=True)

    class Meta:
        verbose_name = "部门项目"
        verbose_name_plural = "部门项目"
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="project_group_unique_name")]

    def __str__(self):
        return self.name


class LivelihoodTask(models.Model):
    """A 民生实事 task of a department-level project; its completion rate is computed, not kept."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="livelihood_tasks", verbose_name="项目")
    position = models.PositiveSmallIntegerField("序号", default=0)
    category = models.CharField("类别", max_length=60, blank=True)
    name = models.CharField("任务", max_length=200)
    target = models.DecimalField("目标数", max_digits=18, decimal_places=6)
    actual = models.DecimalField("完成数", max_digits=18, decimal_places=6)
    unit = models.CharField("单位", max_length=20, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "民生实事"
        verbose_name_plural = "民生实事"
        ordering = ["project", "position"]

    def __str__(self):
        return self.name
