"""Who the user is in jixiao: their role and their region (the root of the subtree they work in).

``jixiao.accounts.permissions`` reads it to decide what the user may see and do; nothing else
interprets a role."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.accounts.roles import Role

_CACHE_ATTR = "_jixiao_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    role: str | None
    region_id: int | None
    region_path: str | None  # the materialised path of the user's region; a subtree is a prefix
    region_name: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "无角色"


NO_SCOPE = Scope(None, None, None, None, "")


def user_scope(user) -> Scope:
    """The scope of a user (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from jixiao.accounts.models import Profile

    profile = Profile.objects.select_related("region").filter(user=user).first()
    if profile is None:
        # A Django superuser made with createsuperuser has no profile: treat as 系统管理员.
        scope = Scope(user.pk, Role.ADMIN, None, None, "全部") if user.is_superuser else Scope(user.pk, None, None, None, "")
    else:
        role = Role.ADMIN if user.is_superuser else profile.role
        region = profile.region
        scope = Scope(user.pk, role, region.pk if region else None, region.path if region else None,
                      region.name if region else ("全部" if role == Role.ADMIN else ""))
    setattr(user, _CACHE_ATTR, scope)
    return scope
