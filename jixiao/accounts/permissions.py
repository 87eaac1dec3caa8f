"""What each role may see and do with each kind of object: THE place any view, API view, command,
template or selector asks.

The rules are data (``RULES``): for an action on a kind of object, each role's *reach* — everything,
its region's subtree, the objects assigned to the user, or the objects the user owns (started). A
role missing from a rule may not do it at all. Selectors turn a reach into a query filter with
``scoped``; single objects are checked with ``may_on``; pages that only need to know whether to offer
an action ask ``may``. Nothing else in the code compares roles.
"""

from __future__ import annotations

from enum import StrEnum

from jixiao.accounts.roles import Role
from jixiao.accounts.selectors import user_scope


class Kind(StrEnum):
    PROJECT = "project"  # projects, their evaluations, reports and downloads
    PERSON = "person"  # the registry of certified disabled persons
    REGISTRY_IMPORT = "registry_import"  # a run of the registry import
    JOB = "job"  # a background job and its result files
    CHANGE_RECORD = "change_record"  # the audit trail (变更记录)
    REPORT_AUDIT = "report_audit"  # the 报告审核 page: checking an uploaded report
    MASTER_DATA = "master_data"  # regions, units, users, templates, grade scales (系统管理)
    # The operations half (rosters and their comparison, benefit cycles, the level-by-level review).
    ROSTER = "roster"  # a department roster uploaded for comparison
    COMPARISON = "comparison"  # a comparison run and its findings (work list)
    CYCLE = "cycle"  # an entitlement cycle of a benefit programme and its payment list
    REVIEW = "review"  # an application under the village → township → county review


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"  # includes importing and uploading
    CHANGE = "change"
    DELETE = "delete"
    SCORE = "score"  # change leaf scores and their 评分依据
    UNMASK = "unmask"  # see resident ID and phone numbers whole (always recorded)
    EXPORT = "export"
    CANCEL = "cancel"
    APPROVE = "approve"


class Reach(StrEnum):
    ALL = "all"
    SUBTREE = "subtree"  # the user's region and everything below it
    ASSIGNED = "assigned"  # objects assigned to the user (a project entrusted to an evaluator)
    OWN = "own"  # objects the user owns or started (their jobs, their imports)


ADMIN, CITY, COUNTY, TOWN, VILLAGE = Role.ADMIN, Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE
FINANCE, EVALUATOR = Role.FINANCE, Role.EVALUATOR
ALL, SUB, ASSIGNED, OWN = Reach.ALL, Reach.SUBTREE, Reach.ASSIGNED, Reach.OWN
# The levels that run projects and keep the registry, each over its own region's subtree.
_OWNING_LEVELS = {ADMIN: ALL, CITY: SUB, COUNTY: SUB, TOWN: SUB, VILLAGE: SUB}
_EVERYONE_OWN = {ADMIN: ALL, CITY: OWN, COUNTY: OWN, TOWN: OWN, VILLAGE: OWN, FINANCE: OWN, EVALUATOR: OWN}

RULES: dict[tuple[Kind, Action], dict[str, Reach]] = {
    # Projects: the owning levels manage them; 财政审核 reads; 第三方评价 reads and scores what is entrusted.
    (Kind.PROJECT, Action.VIEW): {**_OWNING_LEVELS, FINANCE: SUB, EVALUATOR: ASSIGNED},
    (Kind.PROJECT, Action.CREATE): dict(_OWNING_LEVELS),
    (Kind.PROJECT, Action.CHANGE): dict(_OWNING_LEVELS),
    (Kind.PROJECT, Action.DELETE): dict(_OWNING_LEVELS),
    (Kind.PROJECT, Action.SCORE): {**_OWNING_LEVELS, EVALUATOR: ASSIGNED},
    # The registry holds people, not projects: evaluators never see it. ID and phone numbers whole only
    # for the levels that serve the people themselves (county, township, village); the city and finance
    # see them masked (and so may not search by part of an ID).
    (Kind.PERSON, Action.VIEW): {**_OWNING_LEVELS, FINANCE: SUB},
    (Kind.PERSON, Action.EXPORT): {**_OWNING_LEVELS, FINANCE: SUB},
    (Kind.PERSON, Action.UNMASK): {ADMIN: ALL, COUNTY: SUB, TOWN: SUB, VILLAGE: SUB},
    # A certificate is cancelled by the county federation that issued it (from a finding of the comparison).
    (Kind.PERSON, Action.CANCEL): {ADMIN: ALL, COUNTY: SUB},
    # An import compares whole ID numbers with the registry and reports each row, so a role that sees numbers
    # masked would get an unrecorded way to test guessed IDs: only the levels that see them whole import.
    (Kind.REGISTRY_IMPORT, Action.CREATE): {ADMIN: ALL, COUNTY: SUB, TOWN: SUB, VILLAGE: SUB},
    (Kind.REGISTRY_IMPORT, Action.VIEW): {**_EVERYONE_OWN},
    # Background jobs and their result files: whoever started them, and the administrator.
    (Kind.JOB, Action.VIEW): dict(_EVERYONE_OWN),
    (Kind.JOB, Action.CANCEL): dict(_EVERYONE_OWN),
    # The audit trail, scoped like what it records.
    (Kind.CHANGE_RECORD, Action.VIEW): {**_OWNING_LEVELS, FINANCE: SUB, EVALUATOR: ASSIGNED},
    # Anyone may have a report checked; nothing is stored beyond their own marked copy.
    (Kind.REPORT_AUDIT, Action.CREATE): {**_EVERYONE_OWN, ADMIN: ALL},
    (Kind.MASTER_DATA, Action.CHANGE): {ADMIN: ALL},
    # Operations. Rosters and comparisons at the levels that hold the registry (city, county); the work
    # list reaches the township and village staff who walk it; cycles are computed by county or city and
    # approved by another user of that level (the cycle service checks "another"); finance reads them;
    # applications start in the village and are approved level by level.
    (Kind.ROSTER, Action.VIEW): {ADMIN: ALL, CITY: SUB, COUNTY: SUB, FINANCE: SUB},
    (Kind.ROSTER, Action.CREATE): {ADMIN: ALL, CITY: SUB, COUNTY: SUB},
    (Kind.COMPARISON, Action.VIEW): {**_OWNING_LEVELS, FINANCE: SUB},
    (Kind.COMPARISON, Action.CREATE): {ADMIN: ALL, CITY: SUB, COUNTY: SUB},
    (Kind.COMPARISON, Action.CHANGE): dict(_OWNING_LEVELS),
    (Kind.CYCLE, Action.VIEW): {ADMIN: ALL, CITY: SUB, COUNTY: SUB, FINANCE: SUB},
    (Kind.CYCLE, Action.CREATE): {ADMIN: ALL, CITY: SUB, COUNTY: SUB},
    (Kind.CYCLE, Action.APPROVE): {ADMIN: ALL, CITY: SUB, COUNTY: SUB},
    (Kind.REVIEW, Action.VIEW): {**_OWNING_LEVELS, FINANCE: SUB},
    (Kind.REVIEW, Action.CREATE): {ADMIN: ALL, TOWN: SUB, VILLAGE: SUB},
    (Kind.REVIEW, Action.APPROVE): {ADMIN: ALL, COUNTY: SUB, TOWN: SUB, VILLAGE: SUB},
}


def reach(user, action: Action, kind: Kind) -> Reach | None:
    """How far the user's right to ``action`` on ``kind`` goes; None when they have none."""
    scope = user_scope(user)
    if scope.role is None:
        return None
    found = RULES.get((kind, action), {}).get(scope.role)
    if found is Reach.SUBTREE and not scope.region_path:
        return None  # a regional role without a region reaches nothing
    return found


def may(user, action: Action, kind: Kind) -> bool:
    """Whether the user may do ``action`` on some object of ``kind`` (to offer a page, button or command)."""
    return reach(user, action, kind) is not None


def covers(user, region) -> bool:
    """Is ``region`` the user's region or below it (always, for a user who reaches everything)?"""
    scope = user_scope(user)
    if scope.role == Role.ADMIN:
        return True
    return bool(scope.region_path) and region is not None and region.path.startswith(scope.region_path)


def may_on(user, action: Action, kind: Kind, *, region=None, owner_id: int | None = None,
           assigned=None) -> bool:
    """Whether the user may do ``action`` on one object of ``kind``, given what it is: the region it lies in,
    the user who owns it, and — for assigned reach — a callable telling whether it is assigned to the user."""
    found = reach(user, action, kind)
    if found is None:
        return False
    if found is Reach.ALL:
        return True
    if found is Reach.SUBTREE:
        return covers(user, region)
    if found is Reach.OWN:
        return owner_id is not None and owner_id == user_scope(user).user_id
    return bool(assigned(user_scope(user).user_id)) if assigned is not None else False


def scoped(user, action: Action, kind: Kind, queryset, *, path: str | None = None, owner: str | None = None,
           assigned: str | None = None):
    """``queryset`` narrowed to the objects of ``kind`` the user may ``action``. The caller names the lookups
    that lead from its model to what a reach needs: ``path`` to the region's materialised path
    (``region__path``), ``owner`` to the owning user's id, ``assigned`` to the assigned users' ids."""
    found = reach(user, action, kind)
    scope = user_scope(user)
    lookup = {Reach.SUBTREE: path, Reach.OWN: owner, Reach.ASSIGNED: assigned}.get(found)
    if found is Reach.ALL:
        return queryset
    if found is None or lookup is None:
        return queryset.none()
    if found is Reach.SUBTREE:
        return queryset.filter(**{f"{lookup}__startswith": scope.region_path})
    return queryset.filter(**{lookup: scope.user_id})


def scope_key(user, action: Action, kind: Kind) -> str:
    """A cache key part that is the same exactly for users who see the same objects of ``kind``."""
    found = reach(user, action, kind)
    scope = user_scope(user)
    if found is Reach.SUBTREE:
        return f"subtree:{scope.region_id}"
    if found in (Reach.OWN, Reach.ASSIGNED):
        return f"{found}:{scope.user_id}"
    return str(found)


def regions_offered(user):
    """Regions the user may pick in filters and forms: their region and below (all for a user who reaches
    everything); none for users without a region."""
    from jixiao.regions.models import Region

    scope = user_scope(user)
    if scope.role == Role.ADMIN:
        return Region.objects.all()
    if scope.region_path:
        return Region.objects.filter(path__startswith=scope.region_path)
    return Region.objects.none()


def regions_for_filter(user, selected=None) -> list:
    """The regions a list filter offers: county level and above within what the user may pick, plus a
    county user's own townships (``regions.selectors.region_filter_choices``: a city user gets 19, not 150
    townships), plus ``selected`` (a region id from the query) when it is a township they may pick."""
    from jixiao.regions.selectors import UPPER_LEVELS

    scope = user_scope(user)
    everything = scope.role == Role.ADMIN
    if not (everything or scope.region_path):
        return []
    choices = list(_filter_choices(everything, scope.region_id))
    try:
        selected = int(selected) if selected not in (None, "") else None
    except (TypeError, ValueError):
        selected = None
    if selected is not None and all(r.pk != selected for r in choices):
        extra = regions_offered(user).filter(pk=selected, level__in=(*UPPER_LEVELS, "township")).first()
        if extra is not None:
            choices.append(extra)
            choices.sort(key=lambda r: r.path)
    return choices


_FILTER_CHOICES: dict[str, tuple] = {}  # per server process, keyed by the newest change record (regions change rarely)


def _filter_choices(everything: bool, region_id: int | None) -> tuple:
    """``region_filter_choices`` for a scope, kept per process: read for every list page, they cost 1–2 ms.
    The Region objects are shared between requests: read only."""
    from jixiao.changelog.selectors import last_change_mark
    from jixiao.regions.models import Region
    from jixiao.regions.selectors import region_filter_choices

    key = f"{everything}:{region_id}:{last_change_mark()}"
    choices = _FILTER_CHOICES.get(key)
    if choices is None:
        region = Region.objects.filter(pk=region_id).first() if region_id else None
        choices = tuple(region_filter_choices(region=region, sees_all=everything))
        if len(_FILTER_CHOICES) >= 200:
            _FILTER_CHOICES.clear()
        _FILTER_CHOICES[key] = choices
    return choices


def role_label(user) -> str:
    return user_scope(user).role_label


def region_label(user) -> str:
    return user_scope(user).region_name


def is_admin(user) -> bool:
    """系统管理员: the one role that edits master data (Django admin)."""
    return may(user, Action.CHANGE, Kind.MASTER_DATA)
