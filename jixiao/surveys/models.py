from django.db import models


class Survey(models.Model):
    evaluation = models.OneToOneField("evaluations.Evaluation", models.CASCADE, related_name="survey",
                                      verbose_name="评价")
    title = models.CharField("问卷名称", max_length=200, blank=True)
    preset = models.CharField("系数方案", max_length=40, blank=True)
    # Option letter → coefficient as a decimal string; only the options this survey allows.
    coefficients = models.JSONField("选项系数", default=dict)

    class Meta:
        verbose_name = "满意度问卷"
        verbose_name_plural = "满意度问卷"


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="questions", verbose_name="问卷")
    number = models.PositiveSmallIntegerField("题号")
    text = models.TextField("题目")
    weight = models.DecimalField("权重", max_digits=8, decimal_places=4)
    count_a = models.PositiveIntegerField("A人数", default=0)
    count_b = models.PositiveIntegerField("B人数", default=0)
    count_c = models.PositiveIntegerField("C人数", default=0)
    count_d = models.PositiveIntegerField("D人数", default=0)
    count_e = models.PositiveIntegerField("E人数", default=0)

    class Meta:
        verbose_name = "问卷题目"
        verbose_name_plural = "问卷题目"
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="question_unique_number")]

    @property
    def counts(self) -> dict[str, int]:
        return {"A": self.count_a, "B": self.count_b, "C": self.count_c, "D": self.count_d, "E": self.count_e}
