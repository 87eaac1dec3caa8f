"""The DuckDB engine keeps a statement's table only while a later statement reads it."""

from jixiao.comparison import engine_duckdb
from jixiao.comparison.engine_duckdb import tables_done_with
from jixiao.comparison.rules import rules_load
from jixiao.comparison.sql import Statement
from tests.comparison.files import TODAY, YEAR, make_id, person, write


def test_each_table_is_dropped_after_its_last_reader():
    steps = [Statement("a_ids", "SELECT 1"), Statement("b", "SELECT * FROM a_ids"), Statement("c", "SELECT 2"),
             Statement("d", "SELECT * FROM b JOIN a_ids_x ON TRUE"), Statement("findings", "SELECT * FROM c, d")]
    assert tables_done_with(steps, keep=("findings",)) == {1: ["a_ids"], 3: ["b"], 4: ["c", "d"]}


def test_what_a_view_reads_is_kept_until_the_view_is_read():
    steps = [Statement("a", "SELECT 1"), Statement("b", "SELECT 2"), Statement("u", "SELECT * FROM a", inline=True),
             Statement("v", "SELECT * FROM u, b", inline=True), Statement("c", "SELECT 3"),
             Statement("findings", "SELECT * FROM v, c")]
    assert tables_done_with(steps, keep=("findings",)) == {5: ["a", "b", "u", "v", "c"]}


def test_after_a_run_only_the_findings_are_left(tmp_path):
    from jixiao.comparison.inputs import input_open

    registry = write(tmp_path, "registry", [person("甲", make_id(seq="101"))])
    deaths = write(tmp_path, "deaths", [{"姓名": "甲", "身份证号": make_id(seq="101"), "死亡日期": "2024-01-02"}])
    inputs = {"registry": input_open("registry", registry, workdir=tmp_path),
              "deaths": input_open("deaths", deaths, workdir=tmp_path)}
    con = engine_duckdb.connect(tmp_path)
    engine_duckdb.load_inputs(con, inputs, TODAY)
    engine_duckdb.run(con, rules=rules_load(), year=YEAR, inputs=inputs, today=TODAY)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"findings", "area_codes"}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert views == {"registry", "deaths"}  # the input files; findings_unsorted, a view, is gone
    assert con.execute("SELECT kind FROM findings").fetchall() == [("deceased_active",)]
