"""The roles and the region level each belongs to. What each role may see and do is rule data in
``jixiao.accounts.permissions``. Nothing here touches the database."""

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
