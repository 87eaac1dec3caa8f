"""Indicator-system templates and grade scales, held as data (any depth, any weights)."""

from django.db import models

from jixiao.scoring.inputs import RULE_LABELS


class IndicatorTemplate(models.Model):
    key = models.CharField("模板代码", max_length=40, unique=True)
    name = models.CharField("模板名称", max_length=200)
    source = models.TextField("来源说明", blank=True)
    builtin = models.BooleanField("系统内置", default=False)
    # Set when an administrator edits the template: an upgrade then leaves it as they made it.
    customised = models.BooleanField("已在系统管理中修改", default=False)

    class Meta:
        verbose_name = "指标体系模板"
        verbose_name_plural = "指标体系模板"

    def __str__(self):
        return self.name


class TemplateNode(models.Model):
    template = models.ForeignKey(IndicatorTemplate, models.CASCADE, related_name="nodes", verbose_name="模板")
    position = models.PositiveSmallIntegerField("序号", default=0)
    code = models.CharField("编码", max_length=20)
    parent_code = models.CharField("上级编码", max_length=20, blank=True)
    name = models.CharField("指标名称", max_length=100)
    weight = models.DecimalField("权重分", max_digits=8, decimal_places=4)
    rule = models.CharField("评分规则", max_length=20, blank=True, choices=list(RULE_LABELS.items()))
    linked = models.CharField("关联数据", max_length=100, blank=True)
    operator = models.CharField("比较符", max_length=4, blank=True)
    target = models.DecimalField("目标值", max_digits=20, decimal_places=6, null=True, blank=True)
    per_item = models.DecimalField("每项扣分", max_digits=8, decimal_places=4, null=True, blank=True)
    band = models.CharField("定性等级", max_length=10, blank=True)
    evidence_hint = models.TextField("评分要点", blank=True)

    class Meta:
        verbose_name = "模板指标"
        verbose_name_plural = "模板指标"
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_node_unique_code")]


class GradeScale(models.Model):
    name = models.CharField("名称", max_length=60, unique=True)
    is_default = models.BooleanField("默认", default=False)

    class Meta:
        verbose_name = "等级标准"
        verbose_name_plural = "等级标准"

    def __str__(self):
        return self.name


class GradeBand(models.Model):
    scale = models.ForeignKey(GradeScale, models.CASCADE, related_name="bands", verbose_name="等级标准")
    grade = models.CharField("等级", max_length=10)
    lower_bound = models.DecimalField("下限（含）", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "等级"
        verbose_name_plural = "等级"
        ordering = ["scale", "-lower_bound"]
