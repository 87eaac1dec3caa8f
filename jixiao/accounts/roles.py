"""Roles and what each may do: rule data, read by the selectors (who sees what) and the services
(who may change what). Nothing here touches the database."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    FINANCE = "finance", "财政审核"
    EVALUATOR = "evaluator", "第三方评价"


# Region levels a user of each role may belong to (their region is the root of what they see).
ROLE_REGION_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CITY: ("province", "city"),
    Role.COUNTY: ("county", "zone"),
    Role.TOWNSHIP: ("township",),
    Role.VILLAGE: ("village",),
    Role.FINANCE: ("province", "city", "county", "zone"),
}

# Who sees everything, who sees only projects assigned to them; everyone else sees their region's subtree.
SEES_ALL = frozenset({Role.ADMIN})
SEES_ASSIGNED_ONLY = frozenset({Role.EVALUATOR})
# Who may create, re-import, change and delete the projects they see (the owners).
MANAGES_PROJECTS = frozenset({Role.ADMIN, Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE})
# Who may change leaf scores and their 评分依据: the owners, and external evaluators on the
# projects assigned to them (scoring is what they are engaged for). 财政审核 only reads.
SCORES_PROJECTS = MANAGES_PROJECTS | {Role.EVALUATOR}
# Who may see resident ID and phone numbers unmasked (beneficiary registry).
SEES_PERSONAL_DATA = frozenset({Role.ADMIN, Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE})
# Who may import registry files (within their region; 系统管理员 everywhere). An import compares whole ID
# numbers with the registry and reports each row's outcome, so a role that sees masked numbers only would
# get an unrecorded way to test guessed IDs: only roles that see personal data import.
IMPORTS_REGISTRY = frozenset({Role.ADMIN, Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE})
