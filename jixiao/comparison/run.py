"""One comparison from files to its output folder: check every input first, compute on the chosen engine, write
findings.csv / findings.xlsx / summary.json into a fresh folder beside ``out`` and move them in at the end — an
input that cannot be used leaves ``out`` untouched (exit status 2)."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jixiao.comparison import engine_duckdb, output
from jixiao.comparison.inputs import InputFile, InputUnusable, input_open
from jixiao.comparison.kinds import KINDS
from jixiao.comparison.rules import Rules, rules_load

OUTPUT_FILES = ("findings.csv", "findings.xlsx", "summary.json")


@dataclass
class CompareResult:
    summary: dict
    out: Path
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.summary["counts"]["total"]

    @property
    def exit_status(self) -> int:
        return 1 if self.total else 0


def registry_input(table, *, label: str = "登记库（数据库）") -> InputFile:
    """The registry held in the database (``registry.selectors``) as an input: an Arrow table of the registry
    kind's columns and ``_row`` (the person's place in the export order)."""
    spec = InputFile(kind="registry", path=Path(label), format="sheet", table=table)
    spec.columns = {c.key: c.header for c in KINDS["registry"].columns}
    spec.rows = table.num_rows
    spec.sha256 = table_digest(table)
    return spec


def table_digest(table) -> str:
    """SHA-256 of an Arrow table as an IPC stream: what a run records for an input that is not a file (the same
    rows in the same order give the same digest)."""
    import hashlib

    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(memoryview(sink.getvalue())).hexdigest()


def compare(*, year: int, registry: Path | InputFile, rosters: dict[str, Path], out: Path, engine: str = "duckdb",
            rules: Rules | None = None, today: date | None = None, region: str | None = None,
            progress=None, keep_parquet: bool = False) -> CompareResult:
    """Run the comparison of ``year``. Raises InputUnusable (nothing written) when an input cannot be used.
    ``keep_parquet``: also findings.parquet, every column of the findings table (the work list loads it)."""
    rules = rules or rules_load()
    today = today or date.today()
    out = Path(out)
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"unknown engine {engine}")
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".jixiao-compare-", dir=out.parent))
    try:
        inputs: dict[str, InputFile] = {}
        inputs["registry"] = registry if isinstance(registry, InputFile) else input_open("registry", registry, workdir=work)
        for kind, path in rosters.items():
            if kind == "registry":
                raise InputUnusable("名册类型不能是 registry：登记库用 --registry 给出")
            inputs[kind] = input_open(kind, path, workdir=work)
        seconds["check"] = time.perf_counter() - started
        con = engine_duckdb.connect(work)
        try:
            t = time.perf_counter()
            engine_duckdb.load_inputs(con, inputs, today, region=region)
            seconds["read"] = time.perf_counter() - t
            t = time.perf_counter()
            if engine == "spark":
                from jixiao.comparison import engine_spark

                engine_spark.run(con, work=work, rules=rules, year=year, inputs=inputs, today=today, progress=progress)
            else:
                engine_duckdb.run(con, rules=rules, year=year, inputs=inputs, today=today, progress=progress)
            seconds["compare"] = time.perf_counter() - t
            t = time.perf_counter()
            staged = work / "out"
            staged.mkdir()
            left_out = output.write_csv_and_xlsx(con, staged)
            counts = output.summary_counts(con)
            if keep_parquet:
                output.write_parquet(con, staged / "findings.parquet")
            seconds["write"] = time.perf_counter() - t
        finally:
            con.close()
        missing = {p.roster for p in rules.programmes.values()} - set(inputs)
        summary = {
            "year": year, "run_date": today.isoformat(), "engine": engine, "region": region,
            "inputs": [spec.record() for spec in inputs.values()],
            "rules": rules.for_year(year),
            "not_compared": sorted(f"{KINDS[k].title}未提供：不比对依赖它的发现" for k in missing),
            "counts": counts,
            "xlsx_rows_left_out": left_out,
            "seconds": {k: round(v, 2) for k, v in seconds.items()},
        }
        output.write_summary(staged / "summary.json", summary)
        out.mkdir(parents=True, exist_ok=True)
        for name in (*OUTPUT_FILES, *(("findings.parquet",) if keep_parquet else ())):
            (staged / name).replace(out / name)
        return CompareResult(summary=summary, out=out, seconds=seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
