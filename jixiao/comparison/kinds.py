"""The files a comparison reads: the registry and the departments' rosters, with their published columns
(../shared/formats.md, "Registry" and "Department rosters") and the aliases accepted for each.

Every file becomes one table of text columns named as here (English, for the SQL), plus ``_row``: the
row number in the file (header = 1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the name in the SQL
    header: str  # the published Chinese header
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    code: str
    title: str  # 名册 name as the departments publish it
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_NAME = Column("name", "姓名", True, ("名字", "name", "姓名(必填)"))
_ID = Column("id_raw", "身份证号", True, ("身份证号码", "公民身份号码", "证件号码", "身份证", "id_number", "id"))

REGISTRY = Kind("registry", "残疾人证登记名册", (
    _NAME, _ID,
    Column("category", "残疾类别", True, ("类别", "category")),
    Column("level", "残疾等级", True, ("等级", "level")),
    Column("status", "证件状态", False, ("状态", "status")),
    Column("cancel_reason", "注销原因", False, ("cancel_reason",)),
    Column("region_code", "户籍地区划代码", True, ("区划代码", "户籍地代码", "region_code")),
    # where a benefit is paid (entitlement cycles' bank lists); masked like IDs wherever the system shows them
    Column("bank_card", "银行卡号", False, ("银行账号", "银行卡", "bank_card")),
    Column("social_card", "社保卡号", False, ("社会保障卡号", "社保卡", "social_card")),
    Column("bank_name", "开户行", False, ("开户银行", "bank_name")),
))
PENSION = Kind("pension", "城乡居民养老保险参保缴费名册", (
    _NAME, _ID,
    Column("year", "缴费年度", True, ("年度", "year")),
    Column("status", "参保状态", True, ("状态", "status")),
    Column("tier", "缴费档次(元)", False, ("缴费档次", "缴费档次（元）", "tier")),
    Column("personal_amount", "个人缴费金额(元)", False, ("个人缴费金额", "个人缴费金额（元）", "personal_amount")),
    Column("proxy_category", "代缴类别", False, ("proxy_category",)),
    Column("proxy_amount", "代缴金额(元)", False, ("代缴金额", "代缴金额（元）", "proxy_amount")),
    Column("proxy_dept", "代缴部门", False, ("proxy_dept",)),
))
SUBSIDY = Kind("subsidy", "其他部门缴费补助发放名册", (
    _NAME, _ID,
    Column("year", "年度", True, ("补助年度", "year")),
    Column("item", "补助项目", True, ("项目", "item")),
    Column("amount", "补助金额(元)", True, ("补助金额", "补助金额（元）", "金额", "amount")),
    Column("dept", "补助部门", True, ("部门", "dept")),
))
MEDICAL = Kind("medical", "城乡居民医保参保名册", (
    _NAME, _ID,
    Column("year", "年度", True, ("参保年度", "缴费年度", "year")),
    Column("status", "参保状态", True, ("状态", "status")),
    Column("personal_amount", "个人缴费金额(元)", False, ("个人缴费金额", "个人缴费金额（元）", "personal_amount")),
    Column("assistance_amount", "医疗救助资助金额(元)", False, ("医疗救助资助金额", "医疗救助资助金额（元）",
                                                          "assistance_amount")),
))
ASSISTANCE = Kind("assistance", "低保、特困人员名册", (
    _NAME, _ID,
    Column("category", "类别", True, ("保障类别", "category")),
    Column("start_date", "起始日期", True, ("开始日期", "start_date")),
    Column("end_date", "终止日期", False, ("结束日期", "end_date")),
    Column("monthly_amount", "月保障金额(元)", False, ("月保障金额", "月保障金额（元）", "monthly_amount")),
    Column("care_grade", "照料护理等级", False, ("护理等级", "care_grade")),
    Column("region_code", "户籍地区划代码", False, ("区划代码", "户籍地代码", "region_code")),
))
DEATHS = Kind("deaths", "死亡人员名单", (
    _NAME, _ID,
    Column("death_date", "死亡日期", True, ("death_date",)),
))
MOVES = Kind("moves", "户籍迁出名单", (
    _NAME, _ID,
    Column("move_date", "迁出日期", True, ("move_date",)),
    Column("to_code", "迁往地区划代码", True, ("迁入地区划代码", "迁往地代码", "to_code")),
))

# a list of named beneficiaries an office decided on (春节走访慰问, 临时救助 after review): what an entitlement cycle
# of such a programme pays; not a department's roster, so not among the comparison's rosters
BENEFICIARIES = Kind("beneficiaries", "发放名单", (
    _NAME, _ID,
    Column("amount", "金额(元)", False, ("金额", "金额（元）", "救助金额", "救助金额(元)", "慰问金额", "amount")),
    Column("reason", "事由", False, ("救助事由", "reason")),
    Column("region_code", "户籍地区划代码", False, ("区划代码", "户籍地代码", "region_code")),
))

# the bank's answer to a payment list (回盘): each payment paid or failed, with the reason
BANK_RETURN = Kind("bank_return", "银行回盘文件", (
    _NAME, _ID,
    Column("amount", "金额(元)", True, ("金额", "金额（元）", "发放金额", "发放金额(元)", "amount")),
    Column("result", "处理结果", True, ("结果", "发放结果", "状态", "result")),
    Column("failure_reason", "失败原因", False, ("原因", "备注", "failure_reason")),
    Column("account", "账号", False, ("银行卡号", "卡号", "社保卡号", "account")),
))

KINDS: dict[str, Kind] = {k.code: k for k in (REGISTRY, PENSION, SUBSIDY, MEDICAL, ASSISTANCE, DEATHS, MOVES,
                                              BENEFICIARIES, BANK_RETURN)}
# the departments' rosters the comparison reads (not the office's own lists and the bank's answers)
ROSTER_KINDS = tuple(k for k in KINDS if k not in ("registry", "beneficiaries", "bank_return"))
# the files an office uploads and keeps for comparisons and benefit cycles
UPLOAD_KINDS = (*ROSTER_KINDS, "beneficiaries")


def header_key(text: str) -> str:
    """A header cell as compared with the published names: spaces and full-width brackets do not count."""
    text = str(text or "").strip().replace(" ", "").replace("\u3000", "")
    return text.replace("（", "(").replace("）", ")").lower()


def header_map(kind: Kind) -> dict[str, str]:
    """header_key(published name or alias) → column key."""
    found: dict[str, str] = {}
    for column in kind.columns:
        for text in (column.header, *column.aliases):
            found.setdefault(header_key(text), column.key)
    return found


# Finding kinds (../shared/formats.md, "Finding kinds of the comparison"), in the order of the output.
FINDING_KINDS: dict[str, str] = {
    "uninsured": "符合条件未参保",
    "unpaid": "参保未缴费",
    "covered_elsewhere": "已由其他部门补助",
    "double_paid": "重复补助",
    "deceased_active": "死亡未注销",
    "moved_out": "户籍已迁出",
    "invalid_id": "身份证号无效",
    "duplicate_person": "重复登记",
    "id_typo": "疑似身份证号录入错误",
}
PERSON_LEVEL = ("uninsured", "unpaid", "covered_elsewhere", "double_paid", "deceased_active", "moved_out")
