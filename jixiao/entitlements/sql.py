"""A cycle's entitlements as SQL, written once: named SELECTs over the input tables (the comparison's ``<kind>_ids``
views: every file's rows with their IDs checked exactly as ``common.ids``), ending in ``entitlements`` — one row per
person the programme considers, with the amount, the city's and the county's share, and the reason when it is 0.

Rule values come from the resolved rule book and are written into the SQL as literals; a value that differs by
region becomes a CASE on the person's 户籍地区划代码 (the longest prefix first), so nothing is looked up per person
in Python and nothing from the input files is ever part of the SQL text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jixiao.comparison.kinds import KINDS
from jixiao.comparison.sql import (
    Statement,
    amount_text,
    clean_sql,
    date_sql,
    ids_view,
    level_sql,
    money_sql,
    number_sql,
    sql_text,
    sql_texts,
    trim_sql,
    year_sql,
)
from jixiao.entitlements.parameters import Condition, DatedValue, Resolved

REASONS = {
    "": "",
    "certificate_cancelled": "残疾人证已注销",
    "deceased": "已死亡",
    "moved_out": "户籍已迁出",
    "not_insured": "未参保",
    "unpaid": "参保未缴费（先缴后补、不缴不补）",
    "covered_elsewhere": "已由其他部门补助（就高原则）",
    "not_in_assistance": "当月不在低保名册中",
    "not_active": "当月不在保障期内",
    "no_standard": "没有适用的保障标准",
    "not_registered": "不在登记库中",
    "duplicate": "名单中重复",
    "no_amount": "名单未填金额",
    "invalid_id": "身份证号无效",
}
OUTPUT_COLUMNS = ("id", "name", "county_code", "region_code", "amount", "city", "county", "reason", "reason_zh",
                  "note", "mode", "account_kind", "account", "bank_name", "source_row")


def _literal(value) -> str:
    if isinstance(value, Decimal):
        return money_sql(value)
    if isinstance(value, int):
        return str(value)
    return sql_text(value)


def regional_sql(resolved: Resolved, name: str, render, *, region: str = "region_code", missing: str = "NULL") -> str:
    """The parameter ``name`` for each person as SQL: ``render(value)`` for the value of the longest region prefix
    of ``region`` that has one (``missing`` when none does)."""
    by_region: dict[str, DatedValue] = resolved.by_region.get(name, {})
    default = by_region.get("")
    specific = sorted((p for p in by_region if p), key=len, reverse=True)
    otherwise = render(default.value) if default else missing
    if not specific:
        return otherwise
    cases = " ".join(f"WHEN STARTS_WITH({region}, {sql_text(p)}) THEN {render(by_region[p].value)}" for p in specific)
    return f"(CASE {cases} ELSE {otherwise} END)"


def _money_value(value) -> str:
    return money_sql(Decimal(value))


def _condition_sql(resolved: Resolved, condition: Condition) -> str:
    column = {"level": "p.level", "category": "p.category", "age": "p.age"}[condition.field]

    def ref(value, render):
        if isinstance(value, str) and value.startswith("$"):
            return regional_sql(resolved, value[1:], render, region="p.region_code")
        return render(value)

    parts = []
    if condition.values is not None:
        parts.append(ref(condition.values, lambda v: f"{column} IN ({', '.join(_literal(x) for x in v)})"))
    if condition.low is not None:
        parts.append(ref(condition.low, lambda v: f"{column} >= {_literal(v)}"))
    if condition.high is not None:
        parts.append(ref(condition.high, lambda v: f"{column} <= {_literal(v)}"))
    return " AND ".join(f"COALESCE({p}, FALSE)" for p in parts) or "TRUE"


def _period(resolved: Resolved) -> tuple[date, date]:
    year, month = resolved.year, resolved.month
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), date.fromordinal(following.toordinal() - 1)


def _reason(code_sql: str) -> str:
    return "CASE " + code_sql + " " + " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in REASONS.items()
                                               if k) + " ELSE '' END"


def statements(resolved: Resolved, *, kinds: set[str], today: date) -> list[Statement]:
    """The statements of one cycle over the file kinds given."""
    programme = resolved.programme
    # each file's rows with the ID as checked, carrying only the file's own columns and the normalised ID (the
    # checks' working columns would double what is written)
    out: list[Statement] = [
        Statement(f"{k}_ids", f"SELECT {', '.join(c.key for c in KINDS[k].columns)}, _row, nid "
                              f"FROM ({ids_view(k, today)}) v") for k in sorted(kinds)]
    first, last = _period(resolved)
    year = resolved.year

    if "registry" in kinds:
        out.append(Statement("persons", f"""
SELECT nid, _row, {trim_sql("name")} AS name, {level_sql("level")} AS level, {clean_sql("category")} AS category,
  CASE WHEN {clean_sql("status")} IN ('', '有效') THEN '有效' ELSE {trim_sql("status")} END AS cert_status,
  {clean_sql("region_code")} AS region_code, {year} - CAST(SUBSTR(nid, 7, 4) AS INTEGER) AS age,
  NULLIF({clean_sql("bank_card")}, '') AS bank_card, NULLIF({clean_sql("social_card")}, '') AS social_card,
  NULLIF({trim_sql("bank_name")}, '') AS bank_name
FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY nid ORDER BY _row) AS n FROM registry_ids r WHERE nid IS NOT NULL) x
WHERE n = 1"""))
    else:
        out.append(Statement("persons", """
SELECT CAST(NULL AS VARCHAR) AS nid, CAST(NULL AS BIGINT) AS _row, CAST(NULL AS VARCHAR) AS name,
  CAST(NULL AS INTEGER) AS level, CAST(NULL AS VARCHAR) AS category, CAST(NULL AS VARCHAR) AS cert_status,
  CAST(NULL AS VARCHAR) AS region_code, CAST(NULL AS INTEGER) AS age, CAST(NULL AS VARCHAR) AS bank_card,
  CAST(NULL AS VARCHAR) AS social_card, CAST(NULL AS VARCHAR) AS bank_name WHERE 1 = 0"""))

    # the dead and the moved out of the county before the period begins ("自死亡（迁出）次月起停发": the month or
    # year of the event is still paid); an event without a readable date counts as before
    if "deaths" in kinds:
        out.append(Statement("dead", f"""
SELECT nid, MIN(death_date) AS death_date, MIN(_row) AS _row FROM (
  SELECT nid, _row, {date_sql("death_date")} AS death_date FROM deaths_ids WHERE nid IS NOT NULL) d
WHERE death_date = '' OR death_date < '{first.isoformat()}' OR NOT REGEXP_MATCHES(death_date, '^[0-9]{{4}}-')
GROUP BY nid"""))
    else:
        out.append(Statement("dead", "SELECT CAST(NULL AS VARCHAR) AS nid, CAST(NULL AS VARCHAR) AS death_date, "
                                     "CAST(NULL AS BIGINT) AS _row WHERE 1 = 0"))
    if "moves" in kinds:
        out.append(Statement("moved", f"""
SELECT m.nid, MIN(m.move_date) AS move_date, MIN(m._row) AS _row FROM (
  SELECT nid, _row, {date_sql("move_date")} AS move_date, {clean_sql("to_code")} AS to_code FROM moves_ids
  WHERE nid IS NOT NULL) m JOIN persons p ON p.nid = m.nid
WHERE SUBSTR(m.to_code, 1, 6) <> SUBSTR(p.region_code, 1, 6)
  AND (m.move_date = '' OR m.move_date < '{first.isoformat()}' OR NOT REGEXP_MATCHES(m.move_date, '^[0-9]{{4}}-'))
GROUP BY m.nid"""))
    else:
        out.append(Statement("moved", "SELECT CAST(NULL AS VARCHAR) AS nid, CAST(NULL AS VARCHAR) AS move_date, "
                                      "CAST(NULL AS BIGINT) AS _row WHERE 1 = 0"))

    calculation = {"pension_contribution": _pension, "medical_contribution": _medical,
                   "monthly_registry": _monthly_registry, "monthly_assistance": _monthly_assistance,
                   "one_off_list": _one_off_list}[programme.calculation]
    out.extend(calculation(resolved, kinds=kinds, first=first, last=last))

    share = regional_sql(resolved, "city_share", _literal, region="region_code", missing=money_sql(Decimal(0)))
    mode = regional_sql(resolved, "mode", _literal, region="region_code")
    out.append(Statement("entitlements", f"""
SELECT id, name, SUBSTR(region_code, 1, 6) AS county_code, region_code, amount,
  CAST(ROUND(amount * {share}, 2) AS DECIMAL(18, 2)) AS city,
  CAST(amount - ROUND(amount * {share}, 2) AS DECIMAL(18, 2)) AS county,
  reason, {_reason("reason")} AS reason_zh, note, {mode} AS mode,
  CASE WHEN bank_card IS NOT NULL THEN '银行卡' WHEN social_card IS NOT NULL THEN '社保卡' ELSE '' END AS account_kind,
  COALESCE(bank_card, social_card, '') AS account, COALESCE(bank_name, '') AS bank_name, source_row
FROM (SELECT c.*, COALESCE(c.region_code_raw, '') AS region_code FROM considered c) x
ORDER BY county_code, region_code, id, source_row"""))
    return out


def _person_reason() -> str:
    """The reasons every registry-based programme shares, in order (certificate, death, move)."""
    return ("WHEN p.cert_status <> '有效' THEN 'certificate_cancelled' "
            "WHEN d.nid IS NOT NULL THEN 'deceased' "
            "WHEN m.nid IS NOT NULL THEN 'moved_out' ")


def _person_note() -> str:
    return ("CASE WHEN p.cert_status <> '有效' THEN '证件状态：' || p.cert_status "
            "WHEN d.nid IS NOT NULL THEN '死亡日期' || COALESCE(NULLIF(d.death_date, ''), '不详') || "
            "'（死亡人员名单第' || CAST(d._row AS VARCHAR) || '行）' "
            "WHEN m.nid IS NOT NULL THEN '迁出日期' || COALESCE(NULLIF(m.move_date, ''), '不详') || "
            "'（户籍迁出名单第' || CAST(m._row AS VARCHAR) || '行）' ")


def _considered_columns(*, id_: str, name: str, region: str, amount: str, reason: str, note: str, row: str,
                        account: bool = True) -> str:
    accounts = ("p.bank_card, p.social_card, p.bank_name" if account else
                "CAST(NULL AS VARCHAR) AS bank_card, CAST(NULL AS VARCHAR) AS social_card, "
                "CAST(NULL AS VARCHAR) AS bank_name")
    return (f"{id_} AS id, {name} AS name, {region} AS region_code_raw, CAST({amount} AS DECIMAL(18, 2)) AS amount, "
            f"{reason} AS reason, {note} AS note, {accounts}, {row} AS source_row")


def _pension(resolved: Resolved, *, kinds: set[str], first: date, last: date) -> list[Statement]:
    """先缴后补、不缴不补; amount = min(the year's amount, 个人缴费金额) − the largest payment of another department
    for the same purpose and year, floored at 0 (就高). Under 代缴 the federation pays the insurer for the insured
    (no own payment needed) and the amount is the year's amount less that payment."""
    programme, year = resolved.programme, resolved.year
    population = " AND ".join(_condition_sql(resolved, c) for c in programme.population) or "TRUE"
    enrolled, paid = resolved.enrolled, resolved.paid
    out = [Statement("eligible", f"SELECT p.* FROM persons p WHERE {population}")]
    # the pension roster's rows of the year for the persons considered, their cells parsed once for both readers
    out.append(Statement("pension_year", f"""
SELECT nid, _row, {trim_sql("status")} AS status, {number_sql("personal_amount")} AS personal,
  {trim_sql("proxy_dept")} AS dept, {number_sql("proxy_amount")} AS proxy
FROM pension_ids WHERE nid IN (SELECT nid FROM eligible) AND {year_sql("year")} = {year}"""))
    out.append(Statement("contributions", f"""
SELECT nid, MIN(_row) AS _row,
  MAX(CASE WHEN status IN ({sql_texts(enrolled)}) THEN 1 ELSE 0 END) AS enrolled,
  MAX(CASE WHEN status IN ({sql_texts(paid)}) AND personal > 0 THEN personal END) AS personal
FROM pension_year GROUP BY nid"""))
    ours = " OR ".join(f"dept LIKE {sql_text('%' + o + '%')}" for o in resolved.ours)
    payments = ["""SELECT nid, '养老保险参保缴费名册' AS title, _row, dept, proxy AS amount FROM pension_year
WHERE proxy > 0"""]
    if "subsidy" in kinds and programme.payment_item_contains:
        items = " OR ".join(f"{trim_sql('item')} LIKE {sql_text('%' + i + '%')}" for i in programme.payment_item_contains)
        payments.append(f"""SELECT nid, '其他部门缴费补助发放名册' AS title, _row, {trim_sql("dept")} AS dept,
  {number_sql("amount")} AS amount FROM subsidy_ids
WHERE nid IN (SELECT nid FROM eligible) AND {year_sql("year")} = {year} AND ({items})
  AND {number_sql("amount")} > 0""")
    out.append(Statement("other_payments", f"""
SELECT nid, title, _row, dept, amount FROM (
  SELECT y.*, ROW_NUMBER() OVER (PARTITION BY nid ORDER BY amount DESC, title, _row) AS k
  FROM ({' UNION ALL '.join(payments)}) y WHERE NOT ({ours})) z WHERE k = 1"""))
    standard = regional_sql(resolved, "amount", _money_value, region="p.region_code")
    mode = regional_sql(resolved, "mode", _literal, region="p.region_code")
    base = f"CASE WHEN {mode} = '代缴' THEN {standard} ELSE LEAST({standard}, c.personal) END"
    due = f"GREATEST({base} - COALESCE(o.amount, 0), 0)"
    reason = (f"CASE {_person_reason()}"
              "WHEN COALESCE(c.enrolled, 0) = 0 THEN 'not_insured' "
              f"WHEN {mode} <> '代缴' AND c.personal IS NULL THEN 'unpaid' "
              f"WHEN {standard} IS NULL THEN 'no_standard' "
              f"WHEN {due} = 0 THEN 'covered_elsewhere' ELSE '' END")
    other = ("COALESCE(NULLIF(o.dept, ''), '（未填部门）') || '已补助' || " + amount_text("o.amount") +
             " || '元（' || o.title || '第' || CAST(o._row AS VARCHAR) || '行）'")
    note = (f"{_person_note()}"
            f"WHEN COALESCE(c.enrolled, 0) = 0 THEN '{year}年养老保险参保缴费名册中没有参保记录' "
            f"WHEN {mode} <> '代缴' AND c.personal IS NULL THEN '{year}年没有个人缴费记录（参保缴费且个人缴费金额大于0）' "
            f"WHEN {standard} IS NULL THEN '{year}年没有适用的补助标准' "
            f"ELSE '标准' || {amount_text(standard)} || '元' || "
            f"CASE WHEN {mode} <> '代缴' THEN '，个人缴费' || {amount_text('c.personal')} || '元' ELSE '' END || "
            f"CASE WHEN o.nid IS NOT NULL THEN '；' || {other} || '，按就高原则' || "
            f"CASE WHEN {due} = 0 THEN '本项目不再补助' ELSE '本项目补足差额' END ELSE '' END END")
    out.append(Statement("considered", f"""
SELECT {_considered_columns(id_="p.nid", name="p.name", region="p.region_code",
                            amount=f"CASE WHEN ({reason}) = '' THEN {due} ELSE 0 END", reason=reason, note=note,
                            row="p._row")}
FROM eligible p LEFT JOIN contributions c ON c.nid = p.nid LEFT JOIN other_payments o ON o.nid = p.nid
LEFT JOIN dead d ON d.nid = p.nid LEFT JOIN moved m ON m.nid = p.nid"""))
    return out


def _medical(resolved: Resolved, *, kinds: set[str], first: date, last: date) -> list[Statement]:
    """The medical-insurance contribution of the insured: in full for the levels in ``full_levels``; for the
    others the contribution less what the medical-assistance fund pays (the roster's 医疗救助资助金额, else the
    parameter), floored at 0. The contribution is the roster's 个人缴费金额, else the parameter."""
    programme, year = resolved.programme, resolved.year
    population = " AND ".join(_condition_sql(resolved, c) for c in programme.population) or "TRUE"
    out = [Statement("eligible", f"SELECT p.* FROM persons p WHERE {population}")]
    out.append(Statement("insured", f"""
SELECT nid, MIN(_row) AS _row, MAX(personal) AS personal, MAX(assisted) AS assisted FROM (
  SELECT nid, _row, {number_sql("personal_amount")} AS personal, {number_sql("assistance_amount")} AS assisted
  FROM medical_ids WHERE nid IS NOT NULL AND {year_sql("year")} = {year}
    AND {trim_sql("status")} IN ({sql_texts(resolved.enrolled)})) r
GROUP BY nid"""))
    contribution = ("COALESCE(NULLIF(i.personal, 0), " +
                    regional_sql(resolved, "contribution", _money_value, region="p.region_code") + ")")
    assisted = ("COALESCE(i.assisted, " +
                regional_sql(resolved, "assistance_amount", _money_value, region="p.region_code",
                             missing=money_sql(Decimal(0))) + ")")
    full = regional_sql(resolved, "full_levels", lambda v: f"p.level IN ({', '.join(str(x) for x in v)})",
                        region="p.region_code", missing="FALSE")
    due = f"CASE WHEN {full} THEN {contribution} ELSE GREATEST({contribution} - {assisted}, 0) END"
    reason = (f"CASE {_person_reason()}WHEN i.nid IS NULL THEN 'not_insured' "
              f"WHEN {contribution} IS NULL THEN 'no_standard' WHEN {due} = 0 THEN 'covered_elsewhere' ELSE '' END")
    note = (f"{_person_note()}WHEN i.nid IS NULL THEN '{year}年城乡居民医保参保名册中没有参保记录' "
            f"WHEN {contribution} IS NULL THEN '{year}年没有适用的个人缴费标准' "
            f"WHEN {full} THEN '个人缴费' || {amount_text(contribution)} || '元，全额补助' "
            f"ELSE '个人缴费' || {amount_text(contribution)} || '元，医疗救助资助' || {amount_text(assisted)} || "
            "'元，补助其余部分' END")
    out.append(Statement("considered", f"""
SELECT {_considered_columns(id_="p.nid", name="p.name", region="p.region_code",
                            amount=f"CASE WHEN ({reason}) = '' THEN {due} ELSE 0 END", reason=reason, note=note,
                            row="p._row")}
FROM eligible p LEFT JOIN insured i ON i.nid = p.nid LEFT JOIN dead d ON d.nid = p.nid
LEFT JOIN moved m ON m.nid = p.nid"""))
    return out


def _active_sql(first: date, last: date) -> str:
    """A roster row in force during the period: started by its last day, not ended before its first (dates as
    YYYY-MM-DD text; an empty 终止日期 is open)."""
    return (f"start_date <> '' AND start_date <= '{last.isoformat()}' "
            f"AND (end_date = '' OR end_date >= '{first.isoformat()}')")


def _monthly_registry(resolved: Resolved, *, kinds: set[str], first: date, last: date) -> list[Statement]:
    """A fixed amount a month for the registry persons of the population (with, where the programme asks, a 低保
    row in force in the month). Not prorated: in force on any day of the month pays the month."""
    programme = resolved.programme
    population = " AND ".join(_condition_sql(resolved, c) for c in programme.population) or "TRUE"
    out = [Statement("eligible", f"SELECT p.* FROM persons p WHERE {population}")]
    required = programme.requires_assistance
    if required:
        out.append(Statement("assisted", f"""
SELECT nid, MIN(_row) AS _row, MIN(category) AS category FROM (
  SELECT nid, _row, {trim_sql("category")} AS category, {date_sql("start_date")} AS start_date,
    {date_sql("end_date")} AS end_date FROM assistance_ids WHERE nid IS NOT NULL) a
WHERE category IN ({sql_texts(required)}) AND {_active_sql(first, last)} GROUP BY nid"""))
        join = "LEFT JOIN assisted a ON a.nid = p.nid"
        not_assisted = "WHEN a.nid IS NULL THEN 'not_in_assistance' "
        assisted_note = (f"WHEN a.nid IS NULL THEN '{first:%Y年%m月}不在低保名册（{'、'.join(required)}）中' ")
    else:
        join, not_assisted, assisted_note = "", "", ""
    amount = regional_sql(resolved, "monthly_amount", _money_value, region="p.region_code")
    reason = (f"CASE {_person_reason()}{not_assisted}WHEN {amount} IS NULL THEN 'no_standard' ELSE '' END")
    note = (f"{_person_note()}{assisted_note}WHEN {amount} IS NULL THEN '没有适用的补贴标准' "
            f"ELSE '{first:%Y年%m月}补贴' || {amount_text(amount)} || '元' END")
    out.append(Statement("considered", f"""
SELECT {_considered_columns(id_="p.nid", name="p.name", region="p.region_code",
                            amount=f"CASE WHEN ({reason}) = '' THEN {amount} ELSE 0 END", reason=reason, note=note,
                            row="p._row")}
FROM eligible p {join} LEFT JOIN dead d ON d.nid = p.nid LEFT JOIN moved m ON m.nid = p.nid"""))
    return out


def _monthly_assistance(resolved: Resolved, *, kinds: set[str], first: date, last: date) -> list[Statement]:
    """低保 / 特困 from the civil-affairs roster: one row per person of the programme's categories — the one in
    force in the month with the latest start, else the latest. Amount: the roster's 月保障金额 where the
    programme takes it (低保: assessed per household) and one is given, else the category's standard, plus the
    care allowance by 照料护理等级 where the programme has one (特困). Not prorated."""
    programme = resolved.programme
    categories = programme.categories
    out = [Statement("cases", f"""
SELECT * FROM (
  SELECT a.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(nid, 'row' || CAST(_row AS VARCHAR))
                                 ORDER BY active DESC, start_date DESC, _row) AS k
  FROM (SELECT r.*, CASE WHEN {_active_sql(first, last)} THEN 1 ELSE 0 END AS active
        FROM (SELECT nid, _row, {trim_sql("id_raw")} AS id_written, {trim_sql("name")} AS name,
                {trim_sql("category")} AS category, {date_sql("start_date")} AS start_date,
                {date_sql("end_date")} AS end_date, {number_sql("monthly_amount")} AS monthly,
                TRY_CAST({clean_sql("care_grade")} AS INTEGER) AS care_grade,
                NULLIF({clean_sql("region_code")}, '') AS region_code
              FROM assistance_ids) r) a
  WHERE category IN ({sql_texts(categories)})) x WHERE k = 1""")]
    region = "COALESCE(s.region_code, p.region_code, '')"
    roster_amount = programme.roster_amount

    def per_category(prefix: str, render):
        parts = [f"WHEN s.category = {sql_text(c)} THEN "
                 + regional_sql(resolved, f"{prefix}_{c}", render, region=region) for c in categories
                 if f"{prefix}_{c}" in programme.parameters]
        return f"(CASE {' '.join(parts)} END)" if parts else "NULL"

    standard = per_category("standard", _money_value)
    care = per_category("care", lambda v: "CASE s.care_grade " + " ".join(
        f"WHEN {i} THEN {money_sql(Decimal(x))}" for i, x in enumerate(v, start=1)) + f" ELSE {money_sql(Decimal(0))} END")
    care = f"COALESCE({care}, {money_sql(Decimal(0))})"
    monthly = f"COALESCE(NULLIF(s.monthly, 0), {standard})" if roster_amount else f"({standard} + {care})"
    reason = ("CASE WHEN s.nid IS NULL THEN 'invalid_id' WHEN d.nid IS NOT NULL THEN 'deceased' "
              f"WHEN s.active = 0 THEN 'not_active' WHEN {monthly} IS NULL THEN 'no_standard' ELSE '' END")
    note = ("CASE WHEN s.nid IS NULL THEN '低保、特困人员名册第' || CAST(s._row AS VARCHAR) || '行的身份证号无效' "
            "WHEN d.nid IS NOT NULL THEN '死亡日期' || COALESCE(NULLIF(d.death_date, ''), '不详') || "
            "'（死亡人员名单第' || CAST(d._row AS VARCHAR) || '行）' "
            f"WHEN s.active = 0 THEN s.category || '保障期' || COALESCE(NULLIF(s.start_date, ''), '不详') || '至' || "
            f"COALESCE(NULLIF(s.end_date, ''), '今') || '，不含{first:%Y年%m月}' "
            f"WHEN {monthly} IS NULL THEN s.category || '没有适用的保障标准' "
            f"ELSE s.category || '{first:%Y年%m月}' || {amount_text(monthly)} || '元' || "
            + ("CASE WHEN NULLIF(s.monthly, 0) IS NOT NULL THEN '（按名册月保障金额）' ELSE '（按保障标准）' END"
               if roster_amount else
               f"CASE WHEN {care} > 0 THEN '（含照料护理补贴' || {amount_text(care)} || '元）' ELSE '' END")
            + " END")
    out.append(Statement("considered", f"""
SELECT {_considered_columns(id_="COALESCE(s.nid, s.id_written)", name="s.name", region=region,
                            amount=f"CASE WHEN ({reason}) = '' THEN {monthly} ELSE 0 END", reason=reason, note=note,
                            row="s._row")}
FROM cases s LEFT JOIN persons p ON p.nid = s.nid LEFT JOIN dead d ON d.nid = s.nid"""))
    return out


def _one_off_list(resolved: Resolved, *, kinds: set[str], first: date, last: date) -> list[Statement]:
    """The persons on the office's list (发放名单), each once: the list's amount where given, else the standard;
    where the programme asks, the person must hold a valid certificate in the registry."""
    programme = resolved.programme
    out = [Statement("listed", f"""
SELECT b.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(nid, 'row' || CAST(_row AS VARCHAR)) ORDER BY _row) AS k,
  MIN(_row) OVER (PARTITION BY COALESCE(nid, 'row' || CAST(_row AS VARCHAR))) AS first_row
FROM (SELECT nid, _row, {trim_sql("id_raw")} AS id_written, {trim_sql("name")} AS name,
        {number_sql("amount")} AS listed_amount, NULLIF({clean_sql("region_code")}, '') AS region_code
      FROM beneficiaries_ids) b""")]
    region = "COALESCE(p.region_code, b.region_code, '')"
    standard = regional_sql(resolved, "amount", _money_value, region=region, missing=money_sql(Decimal(0)))
    amount = f"COALESCE(NULLIF(b.listed_amount, 0), {standard})"
    registry = ("WHEN p.nid IS NULL THEN 'not_registered' WHEN p.cert_status <> '有效' THEN 'certificate_cancelled' "
                if programme.requires_registry else "")
    reason = ("CASE WHEN b.nid IS NULL THEN 'invalid_id' WHEN b.k > 1 THEN 'duplicate' "
              f"{registry}WHEN d.nid IS NOT NULL THEN 'deceased' WHEN {amount} = 0 THEN 'no_amount' ELSE '' END")
    registry_note = ("WHEN p.nid IS NULL THEN '登记库中没有此身份证号' "
                     "WHEN p.cert_status <> '有效' THEN '证件状态：' || p.cert_status "
                     if programme.requires_registry else "")
    note = ("CASE WHEN b.nid IS NULL THEN '发放名单第' || CAST(b._row AS VARCHAR) || '行的身份证号无效' "
            "WHEN b.k > 1 THEN '与发放名单第' || CAST(b.first_row AS VARCHAR) || '行重复' "
            f"{registry_note}WHEN d.nid IS NOT NULL THEN '死亡日期' || COALESCE(NULLIF(d.death_date, ''), '不详') "
            f"WHEN {amount} = 0 THEN '发放名单未填金额，本项目没有统一标准' "
            f"ELSE {amount_text(amount)} || '元' || CASE WHEN NULLIF(b.listed_amount, 0) IS NOT NULL "
            "THEN '（按名单金额）' ELSE '（按标准）' END END")
    out.append(Statement("considered", f"""
SELECT {_considered_columns(id_="COALESCE(b.nid, b.id_written)", name="b.name", region=region,
                            amount=f"CASE WHEN ({reason}) = '' THEN {amount} ELSE 0 END", reason=reason, note=note,
                            row="b._row")}
FROM listed b LEFT JOIN persons p ON p.nid = b.nid LEFT JOIN dead d ON d.nid = b.nid"""))
    return out
