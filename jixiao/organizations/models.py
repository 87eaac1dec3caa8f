from django.db import models


class Unit(models.Model):
    """An organisation: a disability federation, civil-affairs or finance bureau, an evaluator."""

    class Kind(models.TextChoices):
        DISABILITY_FEDERATION = "dpf", "残疾人联合会"
        CIVIL_AFFAIRS = "civil", "民政局"
        FINANCE = "finance", "财政局"
        EVALUATOR = "evaluator", "第三方评价机构"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=100, unique=True)
    kind = models.CharField("单位类别", max_length=10, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, verbose_name="所属区划")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Division(models.Model):
    """A division (处室) of a unit that owns projects, e.g. 教就处, 组联处, 计财处."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="divisions", verbose_name="单位")
    name = models.CharField("处室名称", max_length=60)

    class Meta:
        verbose_name = "处室"
        verbose_name_plural = "处室"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="division_unique_per_unit")]

    def __str__(self):
        return f"{self.unit.name}{self.name}"
