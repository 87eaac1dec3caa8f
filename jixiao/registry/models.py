"""The registry of certified disabled persons (残疾人证登记名册) and their certificates. Personal numbers are stored whole and masked when shown
(``jixiao.common.pii``); every change of a person is a ``PersonChange`` row (who, when, old → new)."""

from django.conf import settings
from django.db import models


class CodePointOrder(models.Func):
    """A text column compared and sorted by code point on every database: SQLite's default (BINARY);
    ``COLLATE "C"`` on PostgreSQL, whose database collation may be linguistic — under one, the prefix
    range ``name >= q AND name < q || U+10FFFF`` is not a prefix match, and an index in that collation
    cannot serve it. The list index is built on the same expression, so both databases search and page
    the registry from one B-tree."""

    arity = 1
    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='%(expressions)s COLLATE "C"', **extra_context)


class ImportBatch(models.Model):
    """One run of ``jixiao import registry`` (or the web import): what came in and what it did."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        DRY_RUN = "dry_run", "仅校验"

    file_name = models.CharField("文件", max_length=255)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="操作人")
    actor_label = models.CharField("操作人（记录时）", max_length=150, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    strict = models.BooleanField("严格模式", default=False)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    rejected = models.PositiveIntegerField("拒绝", default=0)
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.started_at:%Y-%m-%d %H:%M}）"


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=60)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)  # from the ID's 17th digit
    birth_date = models.DateField("出生日期")  # from the ID
    # The most specific region of the table the code falls in (village → township → county); the
    # code as given is kept beside it. Scoping uses region.path, like projects.
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="persons", verbose_name="户籍地区划",
                               db_index=False)  # the list index below holds it
    region_code = models.CharField("户籍地区划代码", max_length=12)
    # The region's partition (``Region.list_partition``: the county it was created in), copied by the imports: the
    # list index starts with it, so a city's list is ~15 index ranges instead of one per village.
    list_partition = models.CharField("列表分区", max_length=20, default="", editable=False)
    address = models.CharField("户籍地址", max_length=255, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    # Where a benefit is paid (the entitlement cycles' bank lists; ``registry_table_for_comparison`` gives them whole):
    # stored whole, masked like IDs wherever a person is shown or exported (``common.pii.mask_card_number``), whole
    # only through the recorded reveal or a recorded full export. The database default lets the migration add the
    # columns without rebuilding a million-row table on SQLite.
    bank_card = models.CharField("银行卡号", max_length=19, blank=True, default="", db_default="")  # 12–19 digits
    social_card = models.CharField("社保卡号", max_length=20, blank=True, default="", db_default="")  # 9–20 letters/digits
    bank_name = models.CharField("开户行", max_length=60, blank=True, default="", db_default="")
    created_batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name="登记批次", db_index=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "残疾人"
        verbose_name_plural = "残疾人"
        # Indexes cost most of a bulk import's time (a million rows): only what pages filter on.
        indexes = [
            # The registry list: by partition (the user's region subtree is a handful of them, each a range of
            # this index), within one by name (code point order) then id — the list's order, so a page, a
            # name-prefix search and a keyset "next page" read only the rows they show; the region id last,
            # so that the scope is checked from the index alone (a village user reads its county's range).
            models.Index(models.F("list_partition"), CodePointOrder("name"), models.F("id"), models.F("region"),
                         name="person_list_idx"),
        ]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """The person's current 残疾人证. Its number is the ID followed by the category and level digits."""

    class Category(models.IntegerChoices):
        VISION = 1, "视力"
        HEARING = 2, "听力"
        SPEECH = 3, "言语"
        PHYSICAL = 4, "肢体"
        INTELLECTUAL = 5, "智力"
        MENTAL = 6, "精神"
        MULTIPLE = 7, "多重"

    class Level(models.IntegerChoices):
        ONE = 1, "一级"
        TWO = 2, "二级"
        THREE = 3, "三级"
        FOUR = 4, "四级"

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        CANCELLED = "cancelled", "注销"

    class CancelReason(models.TextChoices):
        DEATH = "death", "死亡"
        MOVED = "moved", "迁出"
        OTHER = "other", "其他"

    # The person is the key: one current certificate each, and no second index to fill on a bulk import.
    person = models.OneToOneField(Person, models.CASCADE, primary_key=True, related_name="certificate",
                                  verbose_name="持证人")
    number = models.CharField("残疾人证号", max_length=20)  # ID + 2 digits: unique because the person is
    generation = models.PositiveSmallIntegerField("证件代别", null=True, blank=True, choices=[(2, "第二代"), (3, "第三代")])
    category = models.PositiveSmallIntegerField("残疾类别", choices=Category.choices)
    level = models.PositiveSmallIntegerField("残疾等级", choices=Level.choices)
    status = models.CharField("证件状态", max_length=10, choices=Status.choices, default=Status.VALID)
    cancel_reason = models.CharField("注销原因", max_length=10, choices=CancelReason.choices, blank=True)
    cancel_date = models.DateField("注销日期", null=True, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)

    class Meta:
        verbose_name = "残疾人证"
        verbose_name_plural = "残疾人证"


class RegistryTally(models.Model):
    """How many persons (with their current certificate) each region holds per category, level and status.
    Every import keeps it in its own transaction (created +1; a change of region, category, level or status
    −1 and +1), so the list's “共 N 人” is a sum of a few rows instead of a count over a city's million —
    shared by every server process and right the moment the import commits. Persons change only through
    imports; anything else that creates or changes them must keep this table too (``registry_tally_rebuild``
    recomputes it)."""

    region = models.ForeignKey("regions.Region", models.CASCADE, related_name="+", db_index=False,
                               verbose_name="户籍地区划")  # the unique key below starts with it
    category = models.PositiveSmallIntegerField("残疾类别", choices=Certificate.Category.choices)
    level = models.PositiveSmallIntegerField("残疾等级", choices=Certificate.Level.choices)
    status = models.CharField("证件状态", max_length=10, choices=Certificate.Status.choices)
    persons = models.IntegerField("人数", default=0)

    class Meta:
        verbose_name = "名册人数统计"
        verbose_name_plural = "名册人数统计"
        constraints = [models.UniqueConstraint(fields=["region", "category", "level", "status"],
                                               name="registry_tally_key")]


class PersonChange(models.Model):
    """History of a person: creation, every field change (old → new), and each unmasked view."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        VIEW = "view", "查看完整号码"

    person = models.ForeignKey(Person, models.CASCADE, related_name="history", verbose_name="人员")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="操作人")
    actor_label = models.CharField("操作人（记录时）", max_length=150)
    batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True, verbose_name="导入批次")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    changes = models.JSONField("变更内容", default=dict)  # field label → [old, new]

    class Meta:
        verbose_name = "人员变更记录"
        verbose_name_plural = "人员变更记录"
        ordering = ["-at", "-id"]
