"""A project's evaluation: its indicator tree with rules and scores, total and grade.

The figures dict (``figures``) is kept exactly as printed in the report, so the web pages and
re-downloads show what the report showed."""

from django.conf import settings
from django.db import models

from jixiao.scoring.inputs import RULE_LABELS


class Evaluation(models.Model):
    # New small columns must not be added after ``figures`` blindly: see migration 0003 (large last).
    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="evaluations", verbose_name="项目")
    template_key = models.CharField("指标体系模板", max_length=40, blank=True)
    total_score = models.DecimalField("总分", max_digits=7, decimal_places=2)
    full_marks = models.DecimalField("满分", max_digits=7, decimal_places=2, default=100)
    grade = models.CharField("等级", max_length=10)
    grade_bands = models.JSONField("等级阈值", default=list)
    figures = models.JSONField("报告数字", default=dict)
    source_file = models.CharField("来源文件", max_length=255, blank=True)
    evaluated_at = models.DateTimeField("评价时间", auto_now_add=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     verbose_name="评价人")
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)
    # Computed from the result when stored or re-scored, so the dashboard aggregates in SQL.
    budget_fen = models.BigIntegerField("预算数（分）", default=0)
    arrived_fen = models.BigIntegerField("到位数（分）", default=0)
    spent_fen = models.BigIntegerField("支出数（分）", default=0)
    targets_counted = models.PositiveIntegerField("可判定的绩效目标数", default=0)
    targets_met = models.PositiveIntegerField("已达标的绩效目标数", default=0)

    class Meta:
        verbose_name = "绩效评价"
        verbose_name_plural = "绩效评价"
        ordering = ["-evaluated_at"]
        get_latest_by = "evaluated_at"

    def __str__(self):
        return f"{self.project}：{self.total_score}分（{self.grade}）"


class IndicatorScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="indicators", verbose_name="评价")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name="上级指标")
    position = models.PositiveSmallIntegerField("序号", default=0)
    level = models.PositiveSmallIntegerField("层级")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("指标名称", max_length=100)
    weight = models.DecimalField("权重分", max_digits=8, decimal_places=4)
    rule = models.CharField("评分规则", max_length=20, blank=True, choices=list(RULE_LABELS.items()))
    linked = models.CharField("关联数据", max_length=100, blank=True)
    operator = models.CharField("比较符", max_length=4, blank=True)
    target_value = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    actual_value = models.DecimalField("实际值", max_digits=20, decimal_places=6, null=True, blank=True)
    per_item = models.DecimalField("每项扣分", max_digits=8, decimal_places=4, null=True, blank=True)
    missing_items = models.PositiveIntegerField("缺项数", null=True, blank=True)
    band = models.CharField("定性等级", max_length=10, blank=True)
    manual_score = models.DecimalField("手工得分", max_digits=8, decimal_places=4, null=True, blank=True)
    score = models.DecimalField("得分", max_digits=8, decimal_places=2)
    evidence = models.TextField("评分依据（录入）", blank=True)
    basis = models.TextField("评分依据（含计算过程）", blank=True)
    individual = models.BooleanField("个性指标", default=False)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["evaluation", "position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "code"], name="indicator_score_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"
