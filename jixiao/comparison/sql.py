"""The whole comparison as SQL, written once: a list of named SELECTs, each a view over the input tables and the
views before it, ending in ``findings``. Written in DuckDB's dialect within a subset that sqlglot transpiles to
Spark SQL unchanged in meaning (no backslashes in literals, no DuckDB-only functions), so both engines run the
same text (``engines``).

Inputs, registered by the engine before these statements run (all columns text except ``_row``):
- one table per file kind given (``kinds.KINDS``: ``registry``, ``pension``, …) with the kind's column keys and
  ``_row``, the row number in the file (header = 1); a kind not given is simply absent;
- ``area_codes(code)``: every 6-digit code ``common.ids.area_codes`` knows (the one check of an ID that needs a
  list; the birth date is checked by arithmetic against the run's date).

Rule values (years, amounts, levels, department names) come from the rules file and are written into the SQL
as literals (``_text`` quotes them); nothing from the input files is ever part of the SQL text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jixiao.common.ids import CHECK_CHARS, FULL_WIDTH, HALF_WIDTH, WEIGHTS
from jixiao.comparison.kinds import FINDING_KINDS, KINDS
from jixiao.comparison.rules import Rules

# Python's str.split() whitespace, as literal characters (a regex class without backslashes: DuckDB's RE2 and
# Spark's Java regex read it alike, and no SQL dialect rewrites it).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WS_CLASS = "[" + WHITESPACE + "]"

# event_date: the date a finding rests on (the death or the move, YYYY-MM-DD when the cell was a date), for the work
# list (a certificate cancelled from a deceased_active finding takes it); not a column of findings.csv.
OUTPUT_COLUMNS = ("kind", "kind_zh", "programme", "roster", "row", "id", "name", "region_code", "suggestion", "note",
                  "event_date")


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_texts(values) -> str:
    return ", ".join(sql_text(v) for v in values)


def money_sql(value: Decimal) -> str:
    return f"CAST({sql_text(str(value))} AS DECIMAL(18, 2))"


# What a cell needs before it can be compared: a character of these (whitespace or a full-width form). Most cells
# hold none, and testing for one is ~50 times cheaper than the TRANSLATE/REGEXP_REPLACE that removes them.
_SPECIAL_CLASS = "[" + WHITESPACE + FULL_WIDTH + "]"


def clean_sql(column: str) -> str:
    """A cell as compared: full-width → half-width, every whitespace character removed, upper case."""
    value = f"COALESCE({column}, '')"
    slow = (f"UPPER(REGEXP_REPLACE(TRANSLATE({value}, {sql_text(FULL_WIDTH)}, {sql_text(HALF_WIDTH)}),"
            f" '{_WS_CLASS}', '', 'g'))")
    return f"CASE WHEN REGEXP_MATCHES({value}, '{_SPECIAL_CLASS}') THEN {slow} ELSE UPPER({value}) END"


def trim_sql(column: str) -> str:
    """A cell as written, with leading and trailing whitespace removed (Python's str.strip())."""
    value = f"COALESCE({column}, '')"
    edges = f"'^{_WS_CLASS}+|{_WS_CLASS}+$'"
    return f"CASE WHEN REGEXP_MATCHES({value}, {edges}) THEN REGEXP_REPLACE({value}, {edges}, '', 'g') ELSE {value} END"


def name_sql(column: str) -> str:
    """A name as compared (blocking for id_typo): full-width → half-width, no whitespace."""
    value = f"COALESCE({column}, '')"
    slow = f"REGEXP_REPLACE(TRANSLATE({value}, {sql_text(FULL_WIDTH)}, {sql_text(HALF_WIDTH)}), '{_WS_CLASS}', '', 'g')"
    return f"CASE WHEN REGEXP_MATCHES({value}, '{_SPECIAL_CLASS}') THEN {slow} ELSE {value} END"


def _check_char_sql(first17: str) -> str:
    """The check digit of 17 digits (NULL unless all 17 are digits)."""
    return f"SUBSTR({sql_text(CHECK_CHARS)}, {_check_index(f'TRY_CAST({first17} AS BIGINT)')} + 1, 1)"


def _check_index(number: str) -> str:
    """Σ wₖ·dₖ mod 11 over the digits of the 17-digit BIGINT ``number`` (the check character is CHECK_CHARS at this
    place; its value, X = 10, is (12 − this) mod 11). The digits dₖ = qₖ − 10·qₖ₊₁ (qₖ = number // 10ᵏ) make the sum
    Σ (wₖ − 10·wₖ₋₁)·qₖ: sixteen divisions and no remainders (half the operations of taking each digit by // and %,
    measured from equal to a third faster; four times faster than seventeen SUBSTR and CAST). The coefficients are
    taken modulo 11 (the sum is), which keeps every term below 10¹⁸. Give it a column, not an expression: the terms
    read it seventeen times."""
    weights = [WEIGHTS[16 - k] for k in range(17)]  # k: the power of ten a digit stands for
    coefficients = [(weights[k] - 10 * (weights[k - 1] if k else 0)) % 11 for k in range(17)]
    total = " + ".join(f"{number if k == 0 else f'({number} // {10 ** k})'} * {c}"
                       for k, c in enumerate(coefficients) if c)
    return f"(({total}) % 11)"


def id18_text(number: str) -> str:
    """The 18-character ID of ``number``, an ID as one BIGINT (``ids_view``'s ``id18``: its first 17 digits × 11 +
    the value of the 18th character, X = 10)."""
    return (f"(LPAD(CAST({number} // 11 AS VARCHAR), 17, '0') || "
            f"SUBSTR('0123456789X', CAST({number} % 11 AS INTEGER) + 1, 1))")


# Fast paths: most cells are already plain ("200", "2024", "2024-03-05"); a cast or one regex test tells them, and
# gives what the full clean-up would give for them, so the clean-up runs only for the others.

def number_sql(column: str) -> str:
    """An amount cell as DECIMAL(18, 2): thousands separators and 元 ignored; NULL when not a number."""
    slow = f"TRY_CAST(REGEXP_REPLACE({clean_sql(column)}, '[,，元]', '', 'g') AS DECIMAL(18, 2))"
    # an empty cell (most 代缴金额 cells) is no number and would fail the fast cast into the slow path
    return (f"CASE WHEN COALESCE({column}, '') = '' THEN CAST(NULL AS DECIMAL(18, 2)) "
            f"ELSE COALESCE(TRY_CAST({column} AS DECIMAL(18, 2)), {slow}) END")


def year_sql(column: str) -> str:
    slow = f"TRY_CAST(REGEXP_REPLACE({clean_sql(column)}, '年度?$', '', 'g') AS INTEGER)"
    return f"COALESCE(TRY_CAST({column} AS INTEGER), {slow})"


def date_sql(column: str) -> str:
    """A date cell as YYYY-MM-DD (2024-3-5, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305); other text as written."""
    c = clean_sql(column)
    ymd = "^[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?$"
    return (f"CASE WHEN REGEXP_MATCHES({column}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$') THEN {column} "
            f"WHEN REGEXP_MATCHES({c}, '^[0-9]{{8}}$') "
            f"THEN SUBSTR({c}, 1, 4) || '-' || SUBSTR({c}, 5, 2) || '-' || SUBSTR({c}, 7, 2) "
            f"WHEN REGEXP_MATCHES({c}, '{ymd}') "
            f"THEN REGEXP_EXTRACT({c}, '^([0-9]{{4}})', 1) || '-' "
            f"|| LPAD(REGEXP_EXTRACT({c}, '^[0-9]{{4}}[-/.年]([0-9]{{1,2}})', 1), 2, '0') || '-' "
            f"|| LPAD(REGEXP_EXTRACT({c}, '([0-9]{{1,2}})日?$', 1), 2, '0') "
            f"ELSE {trim_sql(column)} END")


def amount_text(column: str) -> str:
    """An amount for a sentence: 200 or 200.5 — no trailing zeros, the same on every engine."""
    return (f"CASE WHEN {column} = FLOOR({column}) THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) "
            f"ELSE REGEXP_REPLACE(CAST({column} AS VARCHAR), '0$', '') END")


def _date_ok_sql(number: str, today: date) -> str:
    """Is the integer YYYYMMDD a real date from 1900-01-01 to ``today``? (What common.ids checks against its set
    of valid birth dates, by arithmetic: no table, the same on every engine.) A month other than February has
    30 + (m + m // 8) % 2 days (31 for 1, 3, 5, 7, 8, 10, 12): an IN list here became a join."""
    y, m, d = f"({number} // 10000)", f"(({number} // 100) % 100)", f"({number} % 100)"
    days = (f"CASE WHEN {m} <> 2 THEN 30 + ({m} + {m} // 8) % 2 "
            f"WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 29 ELSE 28 END")
    return (f"COALESCE({number} BETWEEN 19000101 AND {today:%Y%m%d} AND {m} BETWEEN 1 AND 12 AND {d} >= 1 "
            f"AND {d} <= {days}, FALSE)")


EIGHTEEN = "^[0-9]{17}[0-9X]$"  # an 18-character ID's form, before its checks


def ids_view(kind: str, today: date) -> str:
    """The file's rows with their ID as checked: ``id_clean``, ``id_c18`` (the 18-character form before the checks:
    a 15-digit ID upgraded), ``id18`` (that form as one BIGINT: its first 17 digits × 11 + the value of the 18th
    character, X = 10 — joined, grouped and compared as a number, ``id18_text`` writes it out), ``id_problem`` (why
    it fails, in Chinese), ``nid`` (the normalised ID, NULL when it fails) and ``id_plain`` (the cell was already
    the normalised form, or an 18-character form). Nearly every cell is already 17 digits and a digit or X: one
    regex tells it and it needs no clean-up; the checks are then arithmetic on the numbers; a valid ID — nearly
    every row — is told by the first condition of ``id_problem``; the reasons are worked out only for the others."""
    clean = clean_sql("id_raw")
    first17 = "(SUBSTR(id_clean, 1, 6) || '19' || SUBSTR(id_clean, 7, 9))"
    return f"""
WITH s AS (
  SELECT t.*, COALESCE(REGEXP_MATCHES(id_raw, '{EIGHTEEN}'), FALSE) AS id_plain FROM {kind} t
), c AS (
  SELECT s.*, CASE WHEN id_plain THEN id_raw ELSE {clean} END AS id_clean FROM s
), u AS (
  SELECT c.*,
    CASE WHEN id_plain THEN id_clean
         WHEN LENGTH(id_clean) = 18 AND REGEXP_MATCHES(id_clean, '{EIGHTEEN}') THEN id_clean
         WHEN LENGTH(id_clean) = 15 AND REGEXP_MATCHES(id_clean, '^[0-9]{{15}}$')
           THEN {first17} || {_check_char_sql(first17)} END AS id_c18,
    NOT id_plain AND LENGTH(id_clean) = 15 AS id_upgraded
  FROM c
), n AS (
  -- the 18 characters as a number: all digits (10 in 11) or 17 digits and X (id_c18 has the form, so a cast reads
  -- exactly the digits)
  SELECT u.*, TRY_CAST(id_c18 AS BIGINT) AS id_number18 FROM u
), m AS (
  SELECT n.*, COALESCE(id_number18 // 10, TRY_CAST(SUBSTR(id_c18, 1, 17) AS BIGINT)) AS id_number17,
    CASE WHEN id_c18 IS NOT NULL THEN COALESCE(CAST(id_number18 % 10 AS INTEGER), 10) END AS id_last FROM n
), w AS (
  SELECT m.*, a.code IS NOT NULL AS id_area FROM m LEFT JOIN area_codes a ON a.number = id_number17 // 100000000000
), x AS (
  SELECT w.*, CAST((id_number17 // 1000) % 100000000 AS INTEGER) AS id_born, {_check_index("id_number17")}
    AS id_check FROM w
), y AS (
  SELECT x.*, {_date_ok_sql("id_born", today)} AS id_birth, id_number17 * 11 + id_last AS id18 FROM x
), v AS (
  SELECT y.*,
    CASE WHEN id_c18 IS NOT NULL AND id_area AND id_birth
              AND (id_upgraded OR (12 - id_check) % 11 = id_last) THEN NULL
         WHEN id_clean = '' THEN '身份证号为空'
         WHEN LENGTH(id_clean) = 15 AND id_c18 IS NULL THEN '15位身份证号只能由数字组成'
         WHEN LENGTH(id_clean) <> 18 AND LENGTH(id_clean) <> 15
           THEN '身份证号应为18位（或15位旧号），实际为' || CAST(LENGTH(id_clean) AS VARCHAR) || '位'
         WHEN id_c18 IS NULL THEN '身份证号只能由数字组成，最后一位可以是 X'
         WHEN NOT id_area THEN '前6位地区码“' || SUBSTR(id_c18, 1, 6) || '”不是有效的行政区划代码'
         WHEN NOT id_birth THEN '出生日期“' || SUBSTR(id_c18, 7, 8) || '”不是1900年至今的真实日期'
         ELSE '校验位错误：按前17位计算应为“' || SUBSTR({sql_text(CHECK_CHARS)}, id_check + 1, 1) || '”，实际为“'
           || SUBSTR(id_c18, 18, 1) || '”'
    END AS id_problem
  FROM y
)
SELECT v.*, CASE WHEN id_problem IS NULL THEN id_c18 END AS nid FROM v"""


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str
    parts: tuple[str, ...] = ()  # a UNION ALL's branches, for an engine that runs them one by one
    # cheaper computed where it is read than stored: an engine may leave it a view (the findings' union, read once,
    # sorted without being stored first: 1.87 → 1.32 s on 431,625 findings; a programme's eligible persons, a
    # filter of ``persons`` read by two to four findings parts: 1.63 → 1.34 s with the findings)
    inline: bool = False


def query_reads(query: str, name: str) -> bool:
    """Whether a query reads the statement ``name``: taken as read wherever the name appears as a word (the engines
    decide by it when a table may be dropped, or must be kept, and the names are chosen so that this holds)."""
    return re.search(rf"\b{re.escape(name)}\b", query) is not None


def level_sql(column: str) -> str:
    c = clean_sql(column)
    return (f"CASE WHEN {c} IN ('1', '一级', '一') THEN 1 WHEN {c} IN ('2', '二级', '二') THEN 2 "
            f"WHEN {c} IN ('3', '三级', '三') THEN 3 WHEN {c} IN ('4', '四级', '四') THEN 4 END")


def level_name_sql(column: str) -> str:
    return (f"CASE {column} WHEN 1 THEN '一级' WHEN 2 THEN '二级' WHEN 3 THEN '三级' WHEN 4 THEN '四级' "
            "ELSE '等级不详' END")


def _finding(kind: str, *, programme: str = "''", roster: str = "''", row: str = "CAST(NULL AS BIGINT)",
             id_: str, name: str, region: str, suggestion: str = "''", note: str, event_date: str = "''") -> str:
    return (f"SELECT {sql_text(kind)} AS kind, {sql_text(FINDING_KINDS[kind])} AS kind_zh, {programme} AS programme, "
            f"{roster} AS roster, {row} AS row, {id_} AS id, {name} AS name, {region} AS region_code, "
            f"{suggestion} AS suggestion, {note} AS note, {event_date} AS event_date")


class _Parsed:
    """The columns each file's ``<kind>_ids`` table carries: its row number, the ID as checked, and each cell in
    the one parsed form a later statement reads (a trimmed name, a year as a number, …), computed once per row.
    Carrying every column and the checks' working columns took a third of a 10M-row comparison; a cell several
    statements read is parsed here, one only a single statement reads is kept as written and parsed there."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, str]] = {}

    def use(self, kind: str, alias: str, expression: str) -> str:
        """``alias`` for ``expression`` over the file's own columns (one already asked for keeps its first alias)."""
        columns = self.by_kind.setdefault(kind, {})
        for known, expr in columns.items():
            if expr == expression:
                return known
        if columns.get(alias, expression) != expression:
            raise ValueError(f"{kind}: {alias} asked for twice with different meanings")
        columns[alias] = expression
        return alias

    def raw(self, kind: str, column: str) -> str:
        """The cell as written: for a column only one statement reads, which parses just the rows it keeps."""
        return self.use(kind, column, column)

    def statement(self, kind: str, today: date) -> Statement:
        # nid: a valid ID as one BIGINT (``ids_view``'s id18) — every join and grouping on the person is on it (a join
        # ~1.8×, a grouping ~1.2× faster than on the 18-character text); id18: the 18-character form, valid or not,
        # as that BIGINT (what id_typo compares; no text column of IDs is stored, ``id18_text`` writes one out for
        # the few rows found); id_written: the cell where it is not simply the normalised ID (invalid, 15 digits,
        # full-width, …), NULL for nearly every row — a plain cell that is valid is its normalised form.
        parsed = "".join(f", {expr} AS {alias}" for alias, expr in self.by_kind.get(kind, {}).items())
        return Statement(f"{kind}_ids", f"""
SELECT _row, id_key AS nid, id18, id_problem, id_written{parsed}
FROM (SELECT v.*, CASE WHEN v.id_problem IS NULL THEN v.id18 END AS id_key,
        CASE WHEN v.id_problem IS NOT NULL OR NOT v.id_plain THEN v.id_raw END AS id_written
      FROM ({ids_view(kind, today)}) v) v""")


def written_id(table: str) -> str:
    """The ID as written in the file (trimmed), from a ``<kind>_ids`` row."""
    return f"CASE WHEN {table}.id_written IS NULL THEN {id18_text(table + '.id18')} ELSE {trim_sql(table + '.id_written')} END"


def statements(rules: Rules, *, year: int, kinds: set[str], today: date) -> list[Statement]:
    """The statements for a comparison of ``year`` over the file kinds given (``registry`` always among them):
    first one ``<kind>_ids`` per file (the columns the others read, ``_Parsed``), then the rules, ``findings`` last."""
    if "registry" not in kinds:
        raise ValueError("a comparison needs the registry")
    parsed = _Parsed()
    out: list[Statement] = []
    use = parsed.use

    # the registry's persons: one per valid ID (a second row is a duplicate_person finding, not a second person)
    name_t = use("registry", "name_t", trim_sql("name"))
    name_key = use("registry", "name_key", name_sql("name"))
    region_c = use("registry", "region_c", clean_sql("region_code"))
    cert_status = use("registry", "cert_status", f"CASE WHEN {clean_sql('status')} IN ('', '有效') THEN '有效' "
                                                 f"ELSE {trim_sql('status')} END")
    out.append(Statement("persons", f"""
SELECT nid, {id18_text("nid")} AS id, _row, {name_t} AS name, {name_key} AS name_key,
  {use("registry", "level_n", level_sql("level"))} AS level, {cert_status} AS cert_status, {region_c} AS region_code,
  {year} - CAST(nid // 110000000 % 10000 AS INTEGER) AS age
FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY nid ORDER BY _row) AS n FROM registry_ids r WHERE nid IS NOT NULL) x
WHERE n = 1"""))

    parts: list[str] = []
    ours = " OR ".join(f"dept LIKE {sql_text('%' + o + '%')}" for o in rules.ours)
    moved_digits = rules.same_region_digits

    if "deaths" in kinds:
        out.append(Statement("dead", f"""
SELECT nid, _row, death_date FROM (
  SELECT nid, _row, {date_sql(parsed.raw("deaths", "death_date"))} AS death_date,
    ROW_NUMBER() OVER (PARTITION BY nid ORDER BY _row) AS n
  FROM deaths_ids WHERE nid IS NOT NULL) x WHERE n = 1"""))
        parts.append(_finding(
            "deceased_active", roster="'deaths'", row="d._row", id_="p.id", name="p.name", region="p.region_code",
            event_date="COALESCE(d.death_date, '')",
            note="'死亡日期' || COALESCE(NULLIF(d.death_date, ''), '不详') || '（死亡人员名单第' || CAST(d._row AS VARCHAR)"
                 " || '行），残疾人证仍为有效'")
            + " FROM persons p JOIN dead d ON d.nid = p.nid WHERE p.cert_status = '有效'")
    if "moves" in kinds:
        to_code = clean_sql("m." + parsed.raw("moves", "to_code"))
        out.append(Statement("moved", f"""
SELECT nid, _row, move_date, to_code, region_code FROM (
  SELECT m.nid, m._row, {date_sql("m." + parsed.raw("moves", "move_date"))} AS move_date, {to_code} AS to_code,
    p.region_code, ROW_NUMBER() OVER (PARTITION BY m.nid ORDER BY m._row) AS n
  FROM moves_ids m JOIN persons p ON p.nid = m.nid
  WHERE m.nid IS NOT NULL
    AND SUBSTR({to_code}, 1, {moved_digits}) <> SUBSTR(p.region_code, 1, {moved_digits})) x
WHERE n = 1"""))
        parts.append(_finding(
            "moved_out", roster="'moves'", row="m._row", id_="p.id", name="p.name", region="p.region_code",
            event_date="COALESCE(m.move_date, '')",
            note="COALESCE(NULLIF(m.move_date, ''), '日期不详') || '迁往' || COALESCE(NULLIF(m.to_code, ''), '（未填区划代码）')"
                 " || '（户籍迁出名单第' || CAST(m._row AS VARCHAR) || '行），户籍地' || p.region_code || '，残疾人证仍为有效'")
            + " FROM persons p JOIN moved m ON m.nid = p.nid WHERE p.cert_status = '有效'")
    gone = []
    if "deaths" in kinds:
        gone.append("SELECT nid FROM dead")
    if "moves" in kinds:
        gone.append("SELECT nid FROM moved")
    out.append(Statement("gone", " UNION ".join(gone) if gone else
                         "SELECT CAST(NULL AS BIGINT) AS nid FROM persons WHERE 1 = 0"))

    for code, programme in rules.programmes.items():
        roster = programme.roster
        if roster not in kinds:
            continue
        amount = programme.amount_for(year)
        if code == "pension" and amount is None:
            continue  # no amount in force for the year: nobody is eligible (summary.json says so)
        ages = []
        if programme.age_min is not None:
            ages.append(f"p.age >= {programme.age_min}")
        if programme.age_max is not None:
            ages.append(f"p.age <= {programme.age_max}")
        eligible = " AND ".join([f"p.cert_status = {sql_text(programme.certificate_status)}",
                                 f"p.level IN ({', '.join(map(str, programme.levels))})", *ages])
        out.append(Statement(f"{code}_eligible", f"SELECT p.* FROM persons p WHERE {eligible}", inline=True))
        roster_year = use(roster, "year_n", year_sql("year"))
        out.append(Statement(f"{code}_rows", f"""
SELECT nid, _row, {trim_sql(parsed.raw(roster, "status"))} AS status FROM {roster}_ids
WHERE nid IS NOT NULL AND {roster_year} = {year}"""))
        out.append(Statement(f"{code}_enrolled", f"""
SELECT nid, MIN(_row) AS _row, MIN(status) AS status,
  MAX(CASE WHEN status IN ({sql_texts(rules.paid)}) THEN 1 ELSE 0 END) AS paid
FROM {code}_rows WHERE status IN ({sql_texts(rules.enrolled)}) GROUP BY nid"""))
        roster_title = KINDS[roster].title
        parts.append(_finding(
            "uninsured", programme=sql_text(code), roster="'registry'", row="p._row", id_="p.id", name="p.name",
            region="p.region_code",
            note=f"{level_name_sql('p.level')} || '、' || CAST(p.age AS VARCHAR) || '岁（{year}年），符合' || "
                 f"{sql_text(programme.name)} || '条件；{year}年{roster_title}中没有参保记录（' || "
                 f"{sql_text('或'.join(rules.enrolled))} || '）'")
            + f" FROM {code}_eligible p LEFT JOIN {code}_enrolled e ON e.nid = p.nid LEFT JOIN gone g ON g.nid = p.nid"
              f" WHERE e.nid IS NULL AND g.nid IS NULL")
        parts.append(_finding(
            "unpaid", programme=sql_text(code), roster=sql_text(roster), row="e._row", id_="p.id", name="p.name",
            region="p.region_code",
            note=f"'{year}年参保状态为“' || e.status || '”（{roster_title}第' || CAST(e._row AS VARCHAR) || "
                 f"'行），没有' || {sql_text('或'.join(rules.paid))} || '记录：先缴后补、不缴不补'")
            + f" FROM {code}_eligible p JOIN {code}_enrolled e ON e.nid = p.nid LEFT JOIN gone g ON g.nid = p.nid"
              f" WHERE e.paid = 0 AND g.nid IS NULL")
        if code != "pension":
            continue
        # payments towards the person's pension contribution for the year: the pension roster's 代缴 and the
        # subsidy roster's rows whose 补助项目 names a pension insurance
        proxy_amount = number_sql(parsed.raw("pension", "proxy_amount"))
        payments = [f"""SELECT nid, 'pension' AS roster, _row, {trim_sql(parsed.raw("pension", "proxy_dept"))} AS dept,
  {proxy_amount} AS amount FROM pension_ids
WHERE nid IS NOT NULL AND {use("pension", "year_n", year_sql("year"))} = {year} AND {proxy_amount} > 0"""]
        if "subsidy" in kinds:
            item = trim_sql(parsed.raw("subsidy", "item"))
            items = " OR ".join(f"{item} LIKE {sql_text('%' + i + '%')}" for i in programme.payment_item_contains)
            subsidy_amount = number_sql(parsed.raw("subsidy", "amount"))
            payments.append(f"""SELECT nid, 'subsidy' AS roster, _row, {trim_sql(parsed.raw("subsidy", "dept"))} AS dept,
  {subsidy_amount} AS amount FROM subsidy_ids
WHERE nid IS NOT NULL AND {use("subsidy", "year_n", year_sql("year"))} = {year} AND ({items}) AND {subsidy_amount} > 0""")
        out.append(Statement("pension_payments", "\nUNION ALL\n".join(payments)))
        out.append(Statement("pension_paid_ranked", f"""
SELECT y.*, ROW_NUMBER() OVER (PARTITION BY nid ORDER BY amount DESC, roster, _row) AS n,
  COUNT(*) OVER (PARTITION BY nid) AS payments,
  CASE WHEN {ours} THEN 1 ELSE 0 END AS ours
FROM pension_payments y"""))
        out.append(Statement("pension_other_best", """
SELECT nid, roster, _row, dept, amount FROM (
  SELECT x.*, ROW_NUMBER() OVER (PARTITION BY nid ORDER BY amount DESC, roster, _row) AS k
  FROM pension_paid_ranked x WHERE ours = 0) z WHERE k = 1"""))
        titles = ("CASE b.roster WHEN 'pension' THEN " + sql_text(KINDS["pension"].title) + " ELSE "
                  + sql_text(KINDS["subsidy"].title) + " END")
        parts.append(_finding(
            "covered_elsewhere", programme="'pension'", roster="b.roster", row="b._row", id_="p.id", name="p.name",
            region="p.region_code",
            note=f"COALESCE(NULLIF(b.dept, ''), '（未填部门）') || '已支付{year}年养老保险缴费补助' || "
                 f"{amount_text('b.amount')} || '元（' || {titles} || '第' || CAST(b._row AS VARCHAR) || "
                 f"'行），不低于本项目标准{_amount_plain(amount[0])}元：按就高原则，本项目不再补助'")
            + f" FROM pension_eligible p JOIN pension_other_best b ON b.nid = p.nid"
              f" WHERE b.amount >= {money_sql(amount[0])}")
        titles1 = titles.replace("b.roster", "a.roster")
        titles2 = titles.replace("b.roster", "c.roster")
        parts.append(_finding(
            "double_paid", programme="'pension'", id_="p.id", name="p.name", region="p.region_code",
            note=f"'{year}年有' || CAST(a.payments AS VARCHAR) || '笔养老保险缴费补助：' || "
                 f"COALESCE(NULLIF(a.dept, ''), '（未填部门）') || {amount_text('a.amount')} || '元（' || {titles1} || "
                 f"'第' || CAST(a._row AS VARCHAR) || '行）、' || COALESCE(NULLIF(c.dept, ''), '（未填部门）') || "
                 f"{amount_text('c.amount')} || '元（' || {titles2} || '第' || CAST(c._row AS VARCHAR) || '行）' || "
                 f"CASE WHEN a.payments > 2 THEN '等' ELSE '' END")
            + " FROM persons p JOIN pension_paid_ranked a ON a.nid = p.nid AND a.n = 1"
              " JOIN pension_paid_ranked c ON c.nid = p.nid AND c.n = 2")

    # invalid IDs and duplicates, file by file
    for kind in (k for k in KINDS if k in kinds):
        # the registry's names are parsed once for persons; a roster's only for its few rows found here
        name_as_written = "" if kind == "registry" else parsed.raw(kind, "name")
        region = region_c if kind == "registry" else "''"
        parts.append(_finding(
            "invalid_id", roster=sql_text(kind), row="_row", id_=trim_sql("id_written"), name=name_t if kind == "registry" else trim_sql(name_as_written),
            region=region,
            note="id_problem") + f" FROM {kind}_ids WHERE nid IS NULL")
        # the key columns: a year as parsed (the programmes read it too); the others as written, each distinct value
        # cleaned once and joined back (a 补助项目 or a date takes few values; on 1M subsidy rows 0.86 → 0.57 CPU-s
        # against cleaning every row); a key is the same for NULL as for '', so they are joined on COALESCE(…, '')
        keys = [("nid", "t.nid", "t.nid")]
        maps = []
        for key in rules.duplicate_keys[kind]:
            if key == "year":
                keys.append(("year_n", f"t.{use(kind, 'year_n', year_sql('year'))}", "t.year_n"))
            else:
                parsed.raw(kind, key)
                keys.append((f"key_{key}", f"m_{key}.key", _key_sql(key, "t")))
                maps.append(f" JOIN (SELECT raw, {_key_sql('raw', '', like=key)} AS key FROM (SELECT DISTINCT"
                            f" COALESCE({key}, '') AS raw FROM {kind}_ids) d) m_{key} ON m_{key}.raw = COALESCE(t.{key}, '')")
        described = "、".join(["身份证号", *(KINDS[kind].column(k).header for k in rules.duplicate_keys[kind])])
        # the keys seen more than once (one hash aggregate over the file), then the rows after the first of each
        out.append(Statement(f"{kind}_repeated", f"""
SELECT {', '.join(f'{e} AS {n}' for n, e, _ in keys)}, MIN(t._row) AS first_row FROM {kind}_ids t{''.join(maps)}
WHERE t.nid IS NOT NULL GROUP BY {', '.join(e for _, e, _ in keys)} HAVING COUNT(*) > 1"""))
        joined = " AND ".join(f"r.{n} = {t}" for n, _, t in keys)
        parts.append(_finding(
            "duplicate_person", roster=sql_text(kind), row="t._row", id_=id18_text("t.nid"), name=f"t.{name_t}" if kind == "registry" else trim_sql(f"t.{name_as_written}"),
            region=f"t.{region_c}" if kind == "registry" else "''",
            note=f"'与第' || CAST(r.first_row AS VARCHAR) || '行重复（{described}相同）'")
            + f" FROM (SELECT * FROM {kind}_ids WHERE nid IN (SELECT nid FROM {kind}_repeated)) t"
              f" JOIN {kind}_repeated r ON {joined} WHERE t._row > r.first_row")

    # suspected typing errors: a roster row whose ID is invalid or not in the registry, blocked on the name
    rosters = [k for k in KINDS if k in kinds and k != "registry"]
    if rosters:
        # The rule's "invalid or not in the registry" can only match with an invalid ID: the check character (ISO
        # 7064 MOD 11-2) tells every change of one character and every swap of two neighbours, so two IDs that pass
        # it never differ so little — a valid ID not in the registry is never one typing error from a registry
        # person's (valid) ID, and only the rows with an invalid ID of 18 characters need seeking (6M candidate
        # rows of a 10M-row comparison → 50,000; tests/comparison/test_typo_premise.py tries every such change).
        # The (ID, name) pairs recur across rosters and years: sought once per distinct pair, the rows found again
        # at the end.
        candidates = "\nUNION ALL\n".join(
            f"SELECT id18, {parsed.raw(k, 'name')} AS name FROM {k}_ids WHERE nid IS NULL AND id18 IS NOT NULL"
            for k in rosters)
        out.append(Statement("typo_candidates", f"SELECT DISTINCT id18, name FROM ({candidates}) c"))
        out.append(Statement("typo_keys", f"""
SELECT DISTINCT id18, name_key FROM (SELECT id18, {name_sql("name")} AS name_key FROM typo_candidates) c
WHERE name_key <> ''"""))
        # Blocking (as record linkage does): one changed character, or two neighbours swapped, leaves one of these
        # parts of the ID alike — positions 10–18 (a change within 1–9), 1–8 and 11–18 (9 and 10 swapped), 1–9
        # and 16–18 (a change within 10–15), 1–13 (within 14–18) — so four equi-joins on the name and such a
        # part, instead of comparing every pair that shares a name. On id18 (17 digits × 11 + the 18th) the last
        # k digits with the 18th are id18 % (11·10ᵏ⁻¹), the first k digits id18 // (11·10¹⁷⁻ᵏ).
        def first(k: int) -> str:
            return f"c.id18 // {11 * 10 ** (17 - k)} = p.nid // {11 * 10 ** (17 - k)}"

        def last(k: int) -> str:
            return f"c.id18 % {11 * 10 ** (k - 1)} = p.nid % {11 * 10 ** (k - 1)}"

        blocks = (last(9), f"{first(8)} AND {last(8)}", f"{first(9)} AND {last(3)}", first(13))
        pairs = "\nUNION\n".join(
            f"SELECT c.id18, c.name_key, p.id AS person_id, p.region_code FROM typo_keys c"
            f" JOIN persons p ON p.name_key = c.name_key AND {block}" for block in blocks)
        differs = " + ".join(f"CASE WHEN SUBSTR(typed, {i}, 1) = SUBSTR(person_id, {i}, 1) THEN 0 ELSE 1 END"
                             for i in range(1, 19))
        swapped = " OR ".join(
            f"(SUBSTR(typed, {i}, 1) <> SUBSTR(person_id, {i}, 1) AND SUBSTR(typed, {i}, 1) = SUBSTR(person_id, {i + 1}, 1)"
            f" AND SUBSTR(typed, {i + 1}, 1) = SUBSTR(person_id, {i}, 1))" for i in range(1, 18))
        # the differences counted once per pair, where the pairs are made (a filter over them had them counted
        # twice, by a nested expression that costs ~4 µs a row)
        out.append(Statement("typo_blocked", f"""
SELECT b.*, {differs} AS differs, CASE WHEN {swapped} THEN 1 ELSE 0 END AS swapped
FROM (SELECT u.*, {id18_text("id18")} AS typed FROM ({pairs}) u) b"""))
        out.append(Statement("typo_pairs", """
SELECT q.*, COUNT(*) OVER (PARTITION BY id18, name_key) AS matches FROM typo_blocked q
WHERE differs = 1 OR (differs = 2 AND swapped = 1)"""))
        out.append(Statement("typo_found", f"""
SELECT c.id18, c.name, t.person_id, t.region_code, t.differs FROM typo_candidates c
JOIN typo_pairs t ON t.id18 = c.id18 AND t.name_key = {name_sql("c.name")} WHERE t.matches = 1"""))
        for k in rosters:
            parts.append(_finding(
                "id_typo", roster=sql_text(k), row="r._row", id_=written_id("r"), name=trim_sql("r.name"),
                region="t.region_code", suggestion="t.person_id",
                note="'姓名与登记库中一人相同，身份证号与其' || CASE WHEN t.differs = 1 THEN '相差一位' ELSE '相邻两位颠倒' END"
                     " || '：疑为录入错误，请核对（比对仍按原号码进行）'")
                + f" FROM {k}_ids r JOIN typo_found t ON t.id18 = r.id18 AND t.name = r.name WHERE r.nid IS NULL")

    out.append(Statement("findings_unsorted", "\nUNION ALL\n".join(parts), parts=tuple(parts), inline=True))
    order = "CASE kind " + " ".join(f"WHEN {sql_text(k)} THEN {i}" for i, k in enumerate(FINDING_KINDS)) + " END"
    out.append(Statement("findings", f"""
SELECT {', '.join(OUTPUT_COLUMNS)} FROM findings_unsorted
ORDER BY {order}, programme, region_code, id, roster, row"""))
    return [parsed.statement(k, today) for k in KINDS if k in kinds] + out


def _amount_plain(value: Decimal) -> str:
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def _key_sql(key: str, table: str, *, like: str | None = None) -> str:
    """A duplicate key as compared: the column ``key`` (of ``table``), parsed as the key ``like`` (default ``key``)
    is — a year, a date, or text cleaned."""
    column = f"{table}.{key}" if table else key
    like = like or key
    if like == "year":
        return year_sql(column)
    if like.endswith("_date"):
        return date_sql(column)
    return clean_sql(column)
