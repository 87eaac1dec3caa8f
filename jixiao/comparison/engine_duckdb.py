"""The comparison on DuckDB: the input files as tables, then ``sql.statements`` one after the other, each
materialised (the ID checks of a 10M-row roster are computed once, not once per finding kind that reads them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from jixiao.common.ids import area_codes
from jixiao.comparison.inputs import InputFile, InputUnusable, scientific_id_row, source_sql
from jixiao.comparison.rules import Rules
from jixiao.comparison.sql import clean_sql, ids_view, query_reads, statements

Progress = Callable[[int, int, str], None]  # (step done, steps, what)


def connect(workdir: Path):
    import duckdb

    con = duckdb.connect(config={"threads": os.cpu_count() or 2,
                                 "memory_limit": os.environ.get("JIXIAO_DUCKDB_MEMORY", "3GB"),
                                 "temp_directory": str(workdir / "duckdb-tmp")})
    return con


def lookup_tables():
    """``area_codes`` as an Arrow table: the codes ``common.ids`` checks against, as text and as numbers (an ID's
    first six digits are looked up by number, its first 17 digits being one already)."""
    import pyarrow as pa

    codes = sorted(area_codes())
    return {"area_codes": pa.table({"code": pa.array(codes, type=pa.string()),
                                    "number": pa.array([int(c) for c in codes], type=pa.int64())})}


def load_inputs(con, inputs: dict[str, InputFile], today: date, *, region: str | None = None) -> None:
    """The lookup tables, and one view per input file (read once, by the statement that checks its IDs: run it with
    ``input_read``). ``region``: only the registry persons whose 户籍地区划代码 begins with it (the rosters are read
    whole)."""
    import duckdb

    if region is not None and not region.isdigit():
        raise ValueError(f"region code {region!r}")
    for name, table in lookup_tables().items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    for kind, spec in inputs.items():
        registered = None
        if spec.format == "sheet":
            registered = f"{kind}_arrow"
            con.register(registered, spec.table)

        def view(tolerant: bool, spec=spec, registered=registered) -> str:
            source = source_sql(spec, registered=registered, tolerant=tolerant)
            if spec.kind == "registry" and region:
                source = f"SELECT * FROM ({source}) r WHERE STARTS_WITH({clean_sql('region_code')}, '{region}')"
            return source

        spec.fallback_view = view(True) if spec.format == "csv" else ""
        try:
            try:
                con.execute(f"CREATE TEMP VIEW {kind} AS {view(False)}")
            except duckdb.Error:  # a small file is sniffed whole here: a short row is found now, not when it is read
                if not spec.fallback_view:
                    raise
                con.execute(f"CREATE TEMP VIEW {kind} AS {spec.fallback_view}")
                spec.fallback_view = ""
        except duckdb.Error as exc:
            raise input_unreadable(spec, exc) from None


def input_unreadable(spec: InputFile, exc: Exception) -> InputUnusable:
    """What the user reads when the engine cannot read a file: its first line, the file named as the user knows it
    (never the folder the server keeps it in)."""
    detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    for path in {str(spec.path), str(spec.read_path or spec.path)}:
        detail = detail.replace(path, spec.path.name)
    if "sniffing" in detail:
        detail = "无法识别 CSV 的格式（请检查引号是否成对、各列是否用英文逗号分隔）；" + detail
    return InputUnusable(f"无法读取{spec.label}：{detail}")


def input_read(con, spec: InputFile, statement: str) -> None:
    """Run ``statement``, the first to read the file's view. A CSV the parallel reader refuses (a row with fewer or
    more cells than the header, …) is then read by the single-threaded, tolerant one: the view replaced and the
    statement run again. Nearly every file reads in parallel, and finding out by trying costs nothing (a pass to
    count the rows first took 2.4 s of a 10M-row comparison). Raises duckdb.Error when neither reads it."""
    import duckdb

    try:
        con.execute(statement)
    except duckdb.Error:
        if not spec.fallback_view:
            raise
        fallback, spec.fallback_view = spec.fallback_view, ""
        con.execute(f"CREATE OR REPLACE TEMP VIEW {spec.kind} AS {fallback}")
        con.execute(statement)


def input_checked(con, spec: InputFile, view: str | None = None, *, column: str = "id_raw") -> None:
    """After the file's rows are read (``view``, default ``<kind>_ids``, its ID cells in ``column``): refuse an ID
    written as 5.3E+17; count the rows. Both engines call it."""
    view = view or f"{spec.kind}_ids"
    found = scientific_id_row(con, view, column=column)
    if found:
        raise InputUnusable(f"{spec.label}第{found[0]}行“{spec.columns['id_raw']}”列的值“{found[1]}”是以科学计数法"
                            "保存的数字：身份证号的末几位已经丢失，无法还原。请在 Excel 中把该列设为“文本”格式后重新导出")
    spec.rows = con.execute(f"SELECT COUNT(*) FROM {view}").fetchone()[0]


def input_verify(spec: InputFile, *, workdir: Path, today: date) -> InputFile:
    """Read one file through as a comparison would (its ID column checked, its rows counted): how an upload is
    refused before it is kept. Raises InputUnusable."""
    import duckdb

    con = connect(workdir)
    try:
        load_inputs(con, {spec.kind: spec}, today)
        try:
            input_read(con, spec, f"CREATE TEMP TABLE {spec.kind}_ids AS {ids_view(spec.kind, today)}")
        except duckdb.Error as exc:
            raise input_unreadable(spec, exc) from None
        input_checked(con, spec)
    finally:
        con.close()
    return spec


def tables_done_with(steps, *, keep: tuple[str, ...]) -> dict[int, list[str]]:
    """After which statement (its index) each statement's table is read no more: dropped then, so the memory limit
    holds what is still needed (a 10M-row comparison spilled to disk and took a quarter longer when every table was
    kept). A statement left a view (``inline``) reads its tables when the statement reading it runs."""
    last: dict[str, int] = {}
    reads: dict[str, list[str]] = {}
    for i, step in enumerate(steps):
        last[step.name] = i
        reads[step.name] = [earlier.name for earlier in steps[:i] if query_reads(step.sql, earlier.name)]
        for name in reads[step.name]:
            last[name] = i
    for step in reversed(steps):
        if step.inline:
            for name in reads[step.name]:
                last[name] = max(last[name], last[step.name])
    out: dict[int, list[str]] = {}
    for name, i in last.items():
        if name not in keep:
            out.setdefault(i, []).append(name)
    return out


def run(con, *, rules: Rules, year: int, inputs: dict[str, InputFile], today: date,
        progress: Progress | None = None) -> None:
    """Every statement as a table in ``con`` (one marked ``inline`` as a view); ``findings`` last, a plain table
    rather than TEMP, so that ``output`` can read it from a second connection too. A file that turns out unreadable
    while it is read (a malformed CSV, a damaged Parquet file) raises InputUnusable."""
    import duckdb

    steps = statements(rules, year=year, kinds=set(inputs), today=today)
    done_with = tables_done_with(steps, keep=("findings",))
    views = {step.name for step in steps if step.inline}
    for i, step in enumerate(steps, start=1):
        spec = inputs.get(step.name.removesuffix("_ids")) if step.name.endswith("_ids") else None
        kind = "VIEW" if step.name in views else "TABLE"
        create = f"CREATE OR REPLACE {'' if step.name == 'findings' else 'TEMP '}{kind} {step.name} AS {step.sql}"
        try:
            if spec is not None:
                input_read(con, spec, create)
            else:
                con.execute(create)
        except duckdb.Error as exc:
            if spec is None:
                raise
            raise input_unreadable(spec, exc) from None
        if spec is not None:
            input_checked(con, spec, column="id_written")  # the cell as written wherever it is not a valid ID
        for name in done_with.get(i - 1, ()):
            con.execute(f"DROP {'VIEW' if name in views else 'TABLE'} {name}")
        if progress:
            progress(i, len(steps), step.name)
