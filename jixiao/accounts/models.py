from django.conf import settings
from django.db import models

from jixiao.accounts.roles import Role


class Profile(models.Model):
    """A user's role and region: they see their region and everything below it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile",
                                verbose_name="用户")
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, related_name="users",
                               verbose_name="所属区划")
    unit = models.ForeignKey("organizations.Unit", models.SET_NULL, null=True, blank=True, verbose_name="所属单位")
    full_name = models.CharField("姓名", max_length=60, blank=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user.get_username()}（{self.get_role_display()}）"


class ProjectAssignment(models.Model):
    """A project entrusted to an external evaluator (第三方评价): the only projects they see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="project_assignments",
                             verbose_name="评价人员")
    project = models.ForeignKey("projects.Project", models.CASCADE, related_name="assignments", verbose_name="项目")
    assigned_at = models.DateTimeField("委托时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价委托"
        verbose_name_plural = "评价委托"
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="assignment_unique")]

    def __str__(self):
        return f"{self.user.get_username()} → {self.project}"

    def clean(self):
        from django.core.exceptions import ValidationError

        profile = Profile.objects.filter(user_id=self.user_id).first()
        if profile is None or profile.role != Role.EVALUATOR:
            raise ValidationError("只能把项目委托给“第三方评价”角色的用户")
