"""The registry exchange format (../shared/formats.md, 残疾人证登记名册): column names users see,
their English aliases, and the words accepted in coded columns."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.comparison.kinds import REGISTRY as _FORMAT


@dataclass(frozen=True)
class Column:
    key: str
    name: str  # the published Chinese header
    required: bool = False
    aliases: tuple[str, ...] = ()


REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, ("name",)),
    Column("id_number", "身份证号", True, ("身份证号码", "公民身份号码", "公民身份证号", "证件号码", "id_number", "id")),
    Column("certificate_number", "残疾人证号", False, ("残疾证号", "证号", "certificate_number")),
    Column("category", "残疾类别", True, ("类别", "category")),
    Column("level", "残疾等级", True, ("等级", "level")),
    Column("generation", "证件代别", False, ("代别", "generation")),
    Column("status", "证件状态", False, ("状态", "status")),
    Column("cancel_reason", "注销原因", False, ("cancel_reason",)),
    Column("cancel_date", "注销日期", False, ("cancel_date",)),
    Column("region_code", "户籍地区划代码", True, ("区划代码", "户籍区划代码", "region_code")),
    Column("address", "户籍地址", False, ("地址", "address")),
    Column("phone", "联系电话", False, ("电话", "手机号", "手机号码", "phone")),
    Column("issued_on", "发证日期", False, ("issued_on",)),
    # Where a benefit is paid: the names and aliases the comparison's registry format publishes (one list for the
    # import, a comparison and the entitlement cycles that read the same files).
    *(Column(key, _FORMAT.column(key).header, False, _FORMAT.column(key).aliases)
      for key in ("bank_card", "social_card", "bank_name")),  # PAYMENT_KEYS
)
COLUMN_BY_KEY = {c.key: c for c in REGISTRY_COLUMNS}
# Optional, and a file without one of them leaves what the registry holds there as it is (files in the older format
# do not clear the accounts the payment lists need); a file with the column and an empty cell clears it.
PAYMENT_KEYS = ("bank_card", "social_card", "bank_name")

CATEGORY_WORDS = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}
LEVEL_WORDS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "一": 1, "二": 2, "三": 3, "四": 4}
GENERATION_WORDS = {"第二代": 2, "二代": 2, "2": 2, "第三代": 3, "三代": 3, "3": 3}
STATUS_WORDS = {"有效": "valid", "正常": "valid", "注销": "cancelled", "已注销": "cancelled"}
REASON_WORDS = {"死亡": "death", "迁出": "moved", "户籍迁出": "moved", "其他": "other"}
CATEGORY_NAMES = {v: k for k, v in CATEGORY_WORDS.items()}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
STATUS_NAMES = {"valid": "有效", "cancelled": "注销"}
REASON_NAMES = {"death": "死亡", "moved": "迁出", "other": "其他"}
GENERATION_NAMES = {2: "第二代", 3: "第三代"}


def header_key(text) -> str:
    """A header cell compared loosely: no spaces (half- or full-width), lower case."""
    return "".join(str(text or "").split()).replace("\u3000", "").lower()


_HEADER_INDEX = {header_key(alias): c.key for c in REGISTRY_COLUMNS for alias in (c.name, *c.aliases)}


def match_header(cells) -> tuple[dict[str, int], list[str]]:
    """Column key → position for a header row, and the required columns it lacks (Chinese names)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _HEADER_INDEX.get(header_key(cell))
        if key and key not in positions:
            positions[key] = index
    missing = [c.name for c in REGISTRY_COLUMNS if c.required and c.key not in positions]
    return positions, missing
