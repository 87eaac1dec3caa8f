"""Writes of users, roles and evaluator assignments; each one action with an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.accounts.models import Profile, ProjectAssignment
from jixiao.accounts.roles import ROLE_REGION_LEVELS, Role
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record


class AccountError(ValueError):
    pass


def profile_check(*, role: str, region) -> None:
    """A role's region must sit at the level the role works at (a 县级 user belongs to a county)."""
    if role not in Role.values:
        raise AccountError(f"未知的角色“{role}”")
    levels = ROLE_REGION_LEVELS.get(role)
    if levels is None:
        return  # 系统管理员 and 第三方评价 need no region
    if region is None:
        raise AccountError(f"角色“{Role(role).label}”必须指定所属区划")
    if region.level not in levels:
        raise AccountError(
            f"角色“{Role(role).label}”的所属区划应为{'、'.join(_LEVEL_LABELS[x] for x in levels)}，"
            f"而“{region.name}”是{_LEVEL_LABELS.get(region.level, region.level)}"
        )


_LEVEL_LABELS = {"province": "省", "city": "市", "county": "县（市、区）", "zone": "功能区", "township": "乡镇/街道",
                 "village": "村/社区"}


@transaction.atomic
def user_create(*, actor, username: str, password: str, role: str, region=None, unit=None, full_name: str = "",
                check_password: bool = True):
    """Create a login with its role and region. Passwords go through Django's validators."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise AccountError(f"用户名“{username}”已存在")
    profile_check(role=role, region=region)
    user = user_model(username=username, is_staff=(role == Role.ADMIN), is_superuser=(role == Role.ADMIN))
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("；".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, role=role, region=region, unit=unit, full_name=full_name)
    change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=user, region=region,
                  changes={"角色": [None, Role(role).label], "所属区划": [None, region.name if region else ""]})
    return user


def _label(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def user_update(*, actor, user, role: str, region=None, unit=None, full_name: str = "", is_active: bool = True):
    """Change a login's role, region, unit, name or whether it may log in, under the same rules as
    ``user_create`` (the role's region level; 系统管理员 and only they are staff). The last active
    系统管理员 cannot be demoted or switched off, so the system is never left without one."""
    profile_check(role=role, region=region)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    profile = Profile.objects.filter(user=user).first() or Profile(user=user, role=role)
    was_admin = user.is_active and (user.is_superuser or profile.role == Role.ADMIN)
    if was_admin and (role != Role.ADMIN or not is_active):
        others = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(pk=user.pk).exists()
        if not others:
            raise AccountError("这是最后一个有效的系统管理员账号，不能停用或改为其他角色")
    before = {"角色": Role(profile.role).label if profile.role else "", "所属区划": _label(profile.region),
              "所属单位": _label(profile.unit), "姓名": profile.full_name, "可以登录": "是" if user.is_active else "否"}
    profile.role, profile.region, profile.unit, profile.full_name = role, region, unit, full_name
    profile.save()
    user.is_active = is_active
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_active", "is_staff", "is_superuser"])
    after = {"角色": Role(role).label, "所属区划": _label(region), "所属单位": _label(unit), "姓名": full_name,
             "可以登录": "是" if is_active else "否"}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=user, region=region, changes=changes)
    return user


@transaction.atomic
def user_password_set(*, actor, user, password: str) -> None:
    """Set a login's password (checked by Django's validators); the record says it changed, never what to."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("；".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=user, changes={"密码": ["", "（已重新设置）"]})


@transaction.atomic
def project_assignment_create(*, actor, user, project) -> ProjectAssignment:
    """Entrust a project to an external evaluator."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.role != Role.EVALUATOR:
        raise AccountError(f"“{user.get_username()}”不是第三方评价用户，不能委托项目")
    assignment, created = ProjectAssignment.objects.get_or_create(user=user, project=project)
    if created:
        change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=assignment, about=project,
                      changes={"评价人员": [None, user.get_username()]})
    return assignment


@transaction.atomic
def project_assignment_delete(*, actor, assignment: ProjectAssignment) -> None:
    project = assignment.project
    change_record(actor=actor, action=ChangeRecord.Action.DELETE, obj=assignment, about=project,
                  changes={"评价人员": [assignment.user.get_username(), None]})
    assignment.delete()


@dataclass(frozen=True)
class ClearedLockout:
    """The failed-login count of one client address that ``user_unlock`` removed."""

    address: str
    failures: int
    locked: bool
    last_attempt: datetime


@transaction.atomic
def user_unlock(*, actor, username: str) -> list[ClearedLockout]:
    """Clear the failed-login counts (and so the lockouts) of an account from every address, with an
    audit row. Raises AccountError for a username that is no account."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Max, Sum

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise AccountError(f"没有用户“{username}”")
    rows = (AccessAttempt.objects.filter(username=username).values("ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time")).order_by("ip_address"))
    cleared = [ClearedLockout(address=r["ip_address"] or "", failures=r["failures"],
                              locked=r["failures"] >= settings.AXES_FAILURE_LIMIT, last_attempt=r["last"])
               for r in rows]
    AxesProxyHandler.reset_attempts(username=username)
    addresses = "、".join(c.address for c in cleared)
    change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=user,
                  changes={"登录锁定": [addresses, "已解除"]} if cleared else {},
                  note=f"解除登录锁定：{len(cleared)} 个地址" if cleared else "解除登录锁定：没有输错密码的记录")
    return cleared
