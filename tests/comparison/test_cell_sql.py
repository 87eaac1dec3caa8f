"""The fast paths of the cell clean-ups give, for every cell, what the full clean-up gives: a plain cell ("2024",
"200", "2024-03-05") skips it, any other goes through it."""

import duckdb
import pytest

from jixiao.comparison.sql import clean_sql, date_sql, number_sql, trim_sql, year_sql

CELLS = ["2024", " 2024", "2024 ", "２０２４", "2024年", "2024年度", "2,024", "2024.0", "+2024", "-1", "", None, "abc",
         "1e3", "200元", "1,200.50", "１２０", "200 ", "0x10", "2_024", "12.345", "2024-03-05", "2024-3-5", "20240305",
         " 2024-03-05", "2024-03-05 ", "2024/03/05", "2024年3月5日", "2024-13-45", "2024-03-05x", "9" * 30]


def full_number(c: str) -> str:
    return f"TRY_CAST(REGEXP_REPLACE({clean_sql(c)}, '[,，元]', '', 'g') AS DECIMAL(18, 2))"


def full_year(c: str) -> str:
    return f"TRY_CAST(REGEXP_REPLACE({clean_sql(c)}, '年度?$', '', 'g') AS INTEGER)"


def full_date(c: str) -> str:
    d = clean_sql(c)
    ymd = "^[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?$"
    return (f"CASE WHEN REGEXP_MATCHES({d}, '^[0-9]{{8}}$') "
            f"THEN SUBSTR({d}, 1, 4) || '-' || SUBSTR({d}, 5, 2) || '-' || SUBSTR({d}, 7, 2) "
            f"WHEN REGEXP_MATCHES({d}, '{ymd}') "
            f"THEN REGEXP_EXTRACT({d}, '^([0-9]{{4}})', 1) || '-' "
            f"|| LPAD(REGEXP_EXTRACT({d}, '^[0-9]{{4}}[-/.年]([0-9]{{1,2}})', 1), 2, '0') || '-' "
            f"|| LPAD(REGEXP_EXTRACT({d}, '([0-9]{{1,2}})日?$', 1), 2, '0') "
            f"ELSE {trim_sql(c)} END")


@pytest.mark.parametrize(("fast", "full"), [(number_sql, full_number), (year_sql, full_year), (date_sql, full_date)],
                         ids=["number", "year", "date"])
def test_fast_path_equals_the_full_clean_up(fast, full):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[c] for c in CELLS])
    rows = con.execute(f"SELECT c, {fast('c')}, {full('c')} FROM t").fetchall()
    assert [(c, a) for c, a, b in rows if a != b] == []
    assert any(a is not None for _, a, _ in rows)  # the cells do exercise the cast
