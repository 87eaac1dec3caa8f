from django.db import models


class Region(models.Model):
    """A node of the administrative tree 省 → 市 → 县级 → 乡镇/街道 → 村/社区.

    ``code`` is the GB/T 2260 code where one exists (6 digits for counties; 9 for townships and 12
    for villages as in the NBS 统计用区划代码); functional zones without one get an internal code.
    ``path`` holds the codes from the root down so a subtree is one prefix query; it is written
    only by ``jixiao.regions.services`` (which rewrites a moved region's whole subtree).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"
        ZONE = "zone", "功能区"
        TOWNSHIP = "township", "乡镇/街道"
        VILLAGE = "village", "村/社区"

    code = models.CharField("区划代码", max_length=20, unique=True)
    gb_code = models.CharField("国标代码", max_length=12, blank=True, null=True, unique=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=30, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="上级区划")
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    # 市、县分担比例 for city/county cost-shared benefits (seed 001): city share out of 10.
    city_share = models.PositiveSmallIntegerField("市级分担（成）", null=True, blank=True)
    county_share = models.PositiveSmallIntegerField("县级分担（成）", null=True, blank=True)
    # Set by a load of the NBS tree that covered this county-level unit whole: from then on an unknown
    # 9- (12-) digit code under it is refused instead of falling back to this region.
    townships_loaded = models.BooleanField("乡镇/街道已全部载入", default=False, editable=False)
    villages_loaded = models.BooleanField("村/社区已全部载入", default=False, editable=False)
    # The county-level unit a region was created in (its own code at county level and above), never
    # changed when the region moves: a stable partition key for large tables that list by region — the
    # registry orders and seeks its persons by it, so a city's list is ~15 index ranges, not ~1,900.
    list_partition = models.CharField("列表分区", max_length=20, editable=False, default="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        # List filters offer the county level and above (a few dozen of a province's ~16,000 regions with
        # villages loaded): found by level, not by scanning every path.
        indexes = [models.Index(fields=["level"], name="region_level_idx")]

    def __str__(self):
        return self.name

    def expected_path(self) -> str:
        return (self.parent.path if self.parent_id else "") + self.code + "/"

    @staticmethod
    def partition_for(*, code: str, level: str, parent) -> str:
        """The partition of a new region: its parent's below county level, else its own code."""
        if level in ("township", "village") and parent is not None:
            return parent.list_partition or parent.code
        return code

    def save(self, *args, **kwargs):
        # Paths are maintained by jixiao.regions.services (which also moves the subtree along and
        # records the change); a save that would leave the tree inconsistent is refused, not repaired.
        if self.path != self.expected_path():
            raise ValueError(f"区划“{self.name}”的路径与上级不一致：请用 jixiao.regions.services 的 "
                             "region_create / region_update 写入区划")
        if not self.list_partition:
            self.list_partition = self.partition_for(code=self.code, level=self.level, parent=self.parent)
        super().save(*args, **kwargs)

    @property
    def cost_share_label(self) -> str:
        if self.city_share is None:
            return ""
        return f"{self.city_share}:{self.county_share}"
