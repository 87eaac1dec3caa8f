"""Who the user is in jixiao: their role and the region subtree they see.

Every scoped query in the system starts from ``user_scope``; pages, downloads and the API never
filter by region themselves."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.accounts.roles import (
    MANAGES_PROJECTS,
    SCORES_PROJECTS,
    SEES_ALL,
    SEES_ASSIGNED_ONLY,
    SEES_PERSONAL_DATA,
    Role,
)

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

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL

    @property
    def assigned_only(self) -> bool:
        return self.role in SEES_ASSIGNED_ONLY

    @property
    def manages_projects(self) -> bool:
        return self.role in MANAGES_PROJECTS

    @property
    def scores_projects(self) -> bool:
        return self.role in SCORES_PROJECTS

    @property
    def sees_personal_data(self) -> bool:
        return self.role in SEES_PERSONAL_DATA

    def covers_region(self, region) -> bool:
        """Is ``region`` the user's region or below it?"""
        if self.sees_all:
            return True
        return bool(self.region_path) and region is not None and region.path.startswith(self.region_path)


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


def regions_visible(user):
    """Regions a user may pick in filters and forms: their region and below (all for admins)."""
    from jixiao.regions.models import Region

    scope = user_scope(user)
    if scope.sees_all:
        return Region.objects.all()
    if scope.region_path and not scope.assigned_only:
        return Region.objects.filter(path__startswith=scope.region_path)
    return Region.objects.none()


def regions_for_filter(user, selected=None) -> list:
    """The regions a list filter offers: county level and above within the user's scope, plus a county
    user's own townships (``regions.selectors.region_filter_choices``: a city user gets 19, not 150
    townships), plus ``selected`` (a region id from the query) when it is a township inside the scope."""
    from jixiao.regions.models import Region
    from jixiao.regions.selectors import UPPER_LEVELS, region_filter_choices

    scope = user_scope(user)
    if scope.assigned_only or not (scope.sees_all or scope.region_path):
        return []
    region = Region.objects.filter(pk=scope.region_id).first() if scope.region_id else None
    choices = list(region_filter_choices(region=region, sees_all=scope.sees_all))
    try:
        selected = int(selected) if selected not in (None, "") else None
    except (TypeError, ValueError):
        selected = None
    if selected is not None and all(r.pk != selected for r in choices):
        extra = regions_visible(user).filter(pk=selected, level__in=(*UPPER_LEVELS, "township")).first()
        if extra is not None:
            choices.append(extra)
            choices.sort(key=lambda r: r.path)
    return choices
