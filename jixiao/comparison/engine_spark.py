"""The comparison on Spark: the same statements as on DuckDB (``sql.statements``), transpiled by sqlglot from DuckDB's
dialect to Spark SQL — never a second copy of the rules. Optional: ``pip install 'jixiao[spark]'`` and Java 17.

Here, on one machine, the inputs are first written as Parquet files of the canonical tables (DuckDB reads the files
and checks them as for its own run); on a cluster the same Parquet files sit on HDFS or S3-compatible storage and
``spark-submit`` runs ``python -m jixiao.comparison.engine_spark`` (docs/compare-spark.md). The findings come back as
Parquet and are written out by the same output code as DuckDB's."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from jixiao.comparison.engine_duckdb import (
    Progress,
    input_checked,
    input_read,
    input_unreadable,
    lookup_tables,
)
from jixiao.comparison.inputs import InputFile, InputUnusable
from jixiao.comparison.rules import Rules
from jixiao.comparison.sql import OUTPUT_COLUMNS, query_reads, statements


def read_more_than_once(steps) -> set[str]:
    """The statements read by two or more later statements or findings parts: these Spark materialises. Spark computes an
    uncached view again for every query that reads it, and the findings are written part by part, so a statement
    read by several parts (``dead``, ``gone``, ``<programme>_eligible`` …) was recomputed once per part."""
    readers: dict[str, int] = {}
    for i, step in enumerate(steps):
        later = [q for s in steps[i + 1:] for q in (s.parts or (s.sql,))]
        readers[step.name] = sum(1 for q in later if query_reads(q, step.name))
    return {name for name, n in readers.items() if n >= 2}


def to_spark(sql: str) -> str:
    """A statement in Spark SQL: sqlglot's transpilation from DuckDB's dialect."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def session(*, app: str = "jixiao-compare", master: str | None = None):
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.appName(app)
               .master(master or os.environ.get("JIXIAO_SPARK_MASTER", "local[*]"))
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", os.environ.get("JIXIAO_SPARK_PARTITIONS", "8"))
               .config("spark.sql.adaptive.enabled", "true")
               .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
               .config("spark.default.parallelism", os.environ.get("JIXIAO_SPARK_PARTITIONS", "8"))
               .config("spark.driver.memory", os.environ.get("JIXIAO_SPARK_DRIVER_MEMORY", "2g"))
               .config("spark.sql.session.timeZone", "Asia/Shanghai"))
    return builder.getOrCreate()


def compare_on_spark(spark, *, tables: dict[str, str], rules: Rules, year: int, today: date, findings_path: str,
                     progress: Progress | None = None) -> None:
    """Register ``tables`` (name → Parquet path: the inputs and ``area_codes``), run every statement, write the
    findings as Parquet to ``findings_path``. What a cluster job runs, with paths on shared storage."""
    for name, path in tables.items():
        spark.read.parquet(path).createOrReplaceTempView(name)
    kinds = {k for k in tables if k != "area_codes"}
    steps = [s for s in statements(rules, year=year, kinds=kinds, today=today) if s.name != "findings"]
    materialised = read_more_than_once(steps)
    for i, step in enumerate(steps, start=1):
        if step.name == "findings_unsorted":
            # each part written on its own: Spark ran the union of some twenty joins as one query in time growing
            # far faster than its parts (a 60-person test: 69 s for the union of twelve, 25 s as two unions of ten
            # and two) and ran out of memory on the full set. Unsorted: the caller sorts (DuckDB here; a cluster's
            # findings are read back the same way)
            for n, part in enumerate(step.parts):
                (spark.sql(to_spark(part)).select(*OUTPUT_COLUMNS)
                 .write.mode("overwrite" if n == 0 else "append").parquet(findings_path))
        else:
            frame = spark.sql(to_spark(step.sql))
            if step.name in materialised:
                # computed now and its lineage cut: a view merely cache()d is used only where a later plan matches
                # its plan, and in the id_typo parts after the first Spark did not match it (each recomputed every
                # ID check from the files: 50 s per part on the 60-person test; the test 315 → 58 s this way). Kept
                # in the executors' memory and disk; on a cluster a lost executor fails the job, no recomputing
                frame = frame.localCheckpoint(eager=True)
            frame.createOrReplaceTempView(step.name)
        if progress:
            progress(i, len(steps), step.name)


def run(con, *, work: Path, rules: Rules, year: int, inputs: dict[str, InputFile], today: date,
        progress: Progress | None = None) -> None:
    """Like ``engine_duckdb.run``: leaves ``findings`` as a table in ``con`` (DuckDB), computed by Spark."""
    import duckdb

    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise InputUnusable("--engine spark 需要安装 pyspark：pip install 'jixiao[spark]'（并需要 Java 17）") from None
    folder = work / "spark"
    folder.mkdir()
    tables: dict[str, str] = {}
    for kind, spec in inputs.items():
        target = folder / f"{kind}.parquet"
        try:
            input_read(con, spec, f"COPY (SELECT * FROM {kind}) TO '{target}' (FORMAT PARQUET)")
        except duckdb.Error as exc:
            raise input_unreadable(spec, exc) from None
        con.execute(f"CREATE OR REPLACE TEMP VIEW {kind}_ids AS SELECT * FROM read_parquet('{target}')")
        input_checked(con, spec)
        con.execute(f"DROP VIEW {kind}_ids")
        tables[kind] = str(target)
    for name, table in lookup_tables().items():
        con.register(f"{name}_arrow", table)
        con.execute(f"COPY (SELECT * FROM {name}_arrow) TO '{folder / name}.parquet' (FORMAT PARQUET)")
        con.unregister(f"{name}_arrow")
        tables[name] = str(folder / f"{name}.parquet")
    spark = session()
    findings = folder / "findings"
    compare_on_spark(spark, tables=tables, rules=rules, year=year, today=today, findings_path=str(findings),
                     progress=progress)
    order = next(s for s in statements(rules, year=year, kinds=set(inputs), today=today) if s.name == "findings")
    sort = order.sql.split("ORDER BY", 1)[1]
    con.execute(f"CREATE OR REPLACE TABLE findings AS SELECT {', '.join(OUTPUT_COLUMNS)} "
                f"FROM read_parquet('{findings}/*.parquet') ORDER BY {sort}")
