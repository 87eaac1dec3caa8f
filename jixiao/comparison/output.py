"""What a comparison writes (../shared/formats.md, "Comparison output"): findings.csv (UTF-8 with BOM), findings.xlsx
(a sheet per kind and the 走访清单 by village) and summary.json. The CSV is written by the engine itself (no Python
per row); text cells that Excel would take for a formula are neutralised as ``common.safe_files`` does."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

from jixiao.common.safe_files import (
    FORMULA_TRIGGERS,
    xlsx_number_cell_sql,
    xlsx_row_sql,
    xlsx_shared_cell_sql,
    xlsx_text_cell_sql,
    xlsx_write_rows,
)
from jixiao.comparison.kinds import FINDING_KINDS, PERSON_LEVEL

HEADERS = {"kind": "类型代码", "kind_zh": "类型", "programme": "项目代码", "roster": "名册", "row": "行号",
           "id": "身份证号", "name": "姓名", "region_code": "户籍地区划代码", "suggestion": "建议身份证号", "note": "说明"}
TEXT_COLUMNS = ("kind", "kind_zh", "programme", "roster", "id", "name", "region_code", "suggestion", "note")
EXCEL_MAX_DATA_ROWS = 1_048_575  # below the header
VISIT_SHEET = "走访清单"


def _neutralised(column: str) -> str:
    triggers = " OR ".join(f"SUBSTR({column}, 1, 1) = {_char(c)}" for c in FORMULA_TRIGGERS)
    return f"CASE WHEN {triggers} THEN '''' || {column} ELSE {column} END"


def _char(c: str) -> str:
    return f"CHR({ord(c)})" if not c.isprintable() else "'" + c.replace("'", "''") + "'"


def write_csv(con, target: Path) -> None:
    """findings.csv from the ``findings`` table: COPY to a plain file, then the BOM and the rows into ``target``."""
    body = target.with_suffix(".body.csv")
    columns = ", ".join(f"{_neutralised(c) if c in TEXT_COLUMNS else c} AS \"{HEADERS[c]}\"" for c in HEADERS)
    path = str(body).replace("'", "''")
    con.execute(f"COPY (SELECT {columns} FROM findings) TO '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    with target.open("wb") as out, body.open("rb") as source:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, out, 1 << 22)
    body.unlink()


def write_csv_and_xlsx(con, folder: Path) -> dict[str, int]:
    """findings.csv and findings.xlsx into ``folder`` at the same time: the CSV by the engine on a second connection
    (``findings`` is a plain table, which it sees) while the workbook is made — whose zlib, slower than the rows it
    is fed, leaves the other core waiting. Returns ``write_xlsx``'s rows left out."""
    from concurrent.futures import ThreadPoolExecutor

    second = con.cursor()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="findings-csv") as pool:
            written = pool.submit(write_csv, second, folder / "findings.csv")
            left_out = write_xlsx(con, folder / "findings.xlsx")
            written.result()
    finally:
        second.close()
    return left_out


def write_xlsx(con, target: Path) -> dict[str, int]:
    """findings.xlsx: one sheet per kind (in the table's order) and 走访清单. The rows are made as sheet XML by the
    engine and zipped (``common.safe_files.xlsx_write_rows``: text as inline strings, never a formula). Returns
    rows left out per sheet (a sheet holds at most 1,048,575 rows; the CSV holds them all)."""
    order = list(HEADERS)
    widths = {"kind": 16, "kind_zh": 16, "programme": 9, "roster": 10, "row": 7, "id": 21, "name": 10,
              "region_code": 15, "suggestion": 21, "note": 70}
    # the columns of few values (kind, its name, programme, roster) as shared strings: a fifth of the sheet XML
    repeated = ("kind", "kind_zh", "programme", "roster")
    shared = [v for (v,) in con.execute(
        "SELECT DISTINCT v FROM (" + " UNION ALL ".join(f"SELECT {c} AS v FROM findings" for c in repeated)
        + ") c WHERE v <> '' ORDER BY v LIMIT 1000").fetchall()]
    row_xml = xlsx_row_sql([xlsx_number_cell_sql(c) if c == "row" else
                            xlsx_shared_cell_sql(c, shared) if c in repeated else xlsx_text_cell_sql(c) for c in order])
    # each finding's row made once: it appears on its kind's sheet and, for a person, on the 走访清单
    con.execute("CREATE OR REPLACE TEMP TABLE findings_xml AS SELECT kind, region_code, id, programme, roster, row, "
                f"{row_xml} AS x FROM findings")
    person_kinds = ", ".join(f"'{k}'" for k in PERSON_LEVEL)
    queries = [(title, f"WHERE kind = '{kind}'", "") for kind, title in FINDING_KINDS.items()]
    # a person with two findings of one kind (two programmes) always in the same order: the same file every run
    queries.append((VISIT_SHEET, f"WHERE kind IN ({person_kinds})", "ORDER BY region_code, id, kind, programme, roster, row"))
    left_out: dict[str, int] = {}
    for title, where, _ in queries:
        n = con.execute(f"SELECT COUNT(*) FROM findings {where}").fetchone()[0]
        if n > EXCEL_MAX_DATA_ROWS:
            left_out[title] = n - EXCEL_MAX_DATA_ROWS

    def chunks(where: str, order_by: str):
        reader = con.execute(f"SELECT x FROM findings_xml {where} {order_by} LIMIT {EXCEL_MAX_DATA_ROWS}") \
            .to_arrow_reader(50_000)
        for batch in reader:
            yield utf8_values(batch.column(0))

    xlsx_write_rows(target, [(title, [HEADERS[k] for k in order], [widths[k] for k in order], chunks(where, order_by))
                             for title, where, order_by in queries], shared=shared)
    con.execute("DROP TABLE findings_xml")
    return left_out


def utf8_values(array):
    """The UTF-8 bytes of a text array's values one after another (no NULLs): the slice of its data buffer between
    the first and the last offset — the rows joined without making a Python string per row."""
    import numpy as np
    import pyarrow as pa

    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    if array.null_count:
        raise ValueError("row XML is never NULL")
    if len(array) == 0:
        return b""
    _, offsets, data = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)
    start, end = int(bounds[array.offset]), int(bounds[array.offset + len(array)])
    return memoryview(data)[start:end]


def summary_counts(con) -> dict:
    """Counts per kind, per programme and per county (the first six digits of the region code)."""
    by_kind = dict(con.execute("SELECT kind, COUNT(*) FROM findings GROUP BY kind").fetchall())
    by_programme: dict[str, dict[str, int]] = {}
    for programme, kind, n in con.execute(
            "SELECT programme, kind, COUNT(*) FROM findings WHERE programme <> '' GROUP BY programme, kind "
            "ORDER BY programme, kind").fetchall():
        by_programme.setdefault(programme, {})[kind] = n
    by_county: dict[str, dict[str, int]] = {}
    for county, kind, n in con.execute(
            "SELECT SUBSTR(region_code, 1, 6), kind, COUNT(*) FROM findings WHERE region_code <> '' "
            "GROUP BY 1, 2 ORDER BY 1, 2").fetchall():
        by_county.setdefault(county, {})[kind] = n
    by_roster: dict[str, dict[str, int]] = {}
    for roster, kind, n in con.execute(
            "SELECT roster, kind, COUNT(*) FROM findings WHERE kind IN ('invalid_id', 'duplicate_person', 'id_typo') "
            "GROUP BY 1, 2 ORDER BY 1, 2").fetchall():
        by_roster.setdefault(roster, {})[kind] = n
    return {"total": sum(by_kind.values()),
            "by_kind": {k: by_kind.get(k, 0) for k in FINDING_KINDS},
            "by_programme": by_programme, "by_county": by_county, "by_roster": by_roster}


def write_parquet(con, target: Path) -> None:
    """The findings table as it is (every column, the engine's order) for a program to load."""
    path = str(target).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM findings) TO '{path}' (FORMAT PARQUET)")


def write_summary(target: Path, summary: dict) -> None:
    target.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

