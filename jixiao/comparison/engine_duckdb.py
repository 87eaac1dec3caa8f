"""The comparison on DuckDB: the input files as tables, then ``sql.statements`` one after the other, each
materialised (the ID checks of a 10M-row roster are computed once, not once per finding kind that reads them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from jixiao.common.ids import EARLIEST_BIRTH, area_codes
from jixiao.comparison.inputs import InputFile, InputUnusable, scientific_id_row, source_sql
from jixiao.comparison.rules import Rules
from jixiao.comparison.sql import clean_sql, statements

Progress = Callable[[int, int, str], None]  # (step done, steps, what)


def connect(workdir: Path):
    import duckdb

    con = duckdb.connect(config={"threads": os.cpu_count() or 2,
                                 "memory_limit": os.environ.get("JIXIAO_DUCKDB_MEMORY", "3GB"),
                                 "temp_directory": str(workdir / "duckdb-tmp")})
    return con


def lookup_tables(today: date):
    """``area_codes`` and ``birth_dates`` as Arrow tables (what ``common.ids`` checks against)."""
    import pyarrow as pa

    days = (today - EARLIEST_BIRTH).days + 1
    births = [(EARLIEST_BIRTH + timedelta(d)).strftime("%Y%m%d") for d in range(days)]
    return {"area_codes": pa.table({"code": pa.array(sorted(area_codes()), type=pa.string())}),
            "birth_dates": pa.table({"d": pa.array(births, type=pa.string())})}


def load_inputs(con, inputs: dict[str, InputFile], today: date, *, region: str | None = None) -> None:
    """The lookup tables and one table per input file; refuses an ID written as 5.3E+17. ``region``: only the
    registry persons whose 户籍地区划代码 begins with it (the rosters are read whole)."""
    for name, table in lookup_tables(today).items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    for kind, spec in inputs.items():
        registered = None
        if spec.format == "sheet":
            registered = f"{kind}_arrow"
            con.register(registered, spec.table)
        source = source_sql(spec, registered=registered)
        if kind == "registry" and region:
            if not region.isdigit():
                raise ValueError(f"region code {region!r}")
            source = f"SELECT * FROM ({source}) r WHERE STARTS_WITH({clean_sql('region_code')}, '{region}')"
        try:
            con.execute(f"CREATE TEMP TABLE {kind} AS {source}")
        except Exception as exc:  # duckdb.Error: a malformed CSV, a damaged Parquet file
            raise InputUnusable(f"无法读取{spec.label}：{str(exc).splitlines()[0][:300]}") from None
        if registered:
            con.unregister(registered)
        found = scientific_id_row(con, kind)
        if found:
            raise InputUnusable(f"{spec.label}第{found[0]}行“{spec.columns['id_raw']}”列的值“{found[1]}”是以科学计数法"
                                "保存的数字：身份证号的末几位已经丢失，无法还原。请在 Excel 中把该列设为“文本”格式后重新导出")
        spec.rows = con.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()[0]


def run(con, *, rules: Rules, year: int, kinds: set[str], progress: Progress | None = None) -> None:
    """Every statement as a table in ``con``; ``findings`` last."""
    steps = statements(rules, year=year, kinds=kinds)
    for i, step in enumerate(steps, start=1):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {step.name} AS {step.sql}")
        if progress:
            progress(i, len(steps), step.name)
