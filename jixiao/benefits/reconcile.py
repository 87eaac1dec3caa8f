"""Matching a bank's (or the insurer's) return file to a batch's payments, in DuckDB: every row of the file read as
the comparison reads a roster (``comparison.inputs``: header matched by its aliases, the ID checked and normalised
exactly as ``common.ids``), joined to the batch's payments by normalised ID, and judged row by row in SQL — paid,
failed (with the bank's reason), or a problem (an unusable ID, an unknown result, a name or an amount that differs
from the list, a payment already settled, a row repeated) or unmatched (no such ID in the batch). No Django here:
the caller gives the payments as an Arrow table and writes the outcome in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jixiao.comparison import engine_duckdb
from jixiao.comparison.inputs import input_open
from jixiao.comparison.sql import clean_sql, ids_view, name_sql, number_sql, sql_text, sql_texts, trim_sql

KIND = "bank_return"
# 处理结果 as banks and insurers write it (compared without spaces, full-width folded)
PAID_WORDS = ("成功", "已到账", "到账", "发放成功", "入账成功", "处理成功", "交易成功", "已发放", "已入账", "已支付",
              "支付成功", "代缴成功", "已代缴", "缴费成功", "已缴费", "正常")
FAILED_WORDS = ("失败", "发放失败", "入账失败", "处理失败", "交易失败", "支付失败", "未到账", "退回", "已退回", "退票",
                "代缴失败", "缴费失败", "未缴费")
TOTAL_ROWS = ("合计", "总计", "小计", "共计")
PROBLEMS_KEPT = 200
NO_REASON = "回盘未写失败原因"


@dataclass
class Matched:
    rows: int = 0  # data rows of the file (a totals row not counted)
    paid: list[tuple] = field(default_factory=list)  # (payment pk, file row)
    failed: list[tuple] = field(default_factory=list)  # (payment pk, reason, file row)
    problems: list[dict] = field(default_factory=list)  # {row, message}: the first PROBLEMS_KEPT, by row
    problem_count: int = 0
    unmatched: int = 0

    @property
    def applied(self) -> int:
        return len(self.paid) + len(self.failed)


def _mask(column: str) -> str:
    return (f"CASE WHEN LENGTH({column}) > 8 THEN SUBSTR({column}, 1, 4) || REPEAT('*', LENGTH({column}) - 8) || "
            f"SUBSTR({column}, LENGTH({column}) - 3, 4) ELSE REPEAT('*', LENGTH({column})) END")


def _money(fen: str) -> str:
    """分 (BIGINT) as 元 for a sentence: 200, 200.5."""
    yuan = f"CAST({fen} AS DECIMAL(18, 2)) / 100"
    return (f"CASE WHEN {fen} % 100 = 0 THEN CAST({fen} // 100 AS VARCHAR) "
            f"ELSE RTRIM(CAST(CAST({yuan} AS DECIMAL(18, 2)) AS VARCHAR), '0') END")


def return_match(path: Path, payments, *, workdir: Path, today: date, batch_label: str,
                 status_labels: dict[str, str]) -> Matched:
    """Judge every row of the return file ``path`` against ``payments`` (an Arrow table: pk, id_number, name,
    amount_fen, status — the batch's payments). Raises InputUnusable when the file cannot be read."""
    spec = input_open(KIND, path, workdir=workdir)
    con = engine_duckdb.connect(workdir)
    try:
        engine_duckdb.load_inputs(con, {KIND: spec}, today)
        engine_duckdb.input_read(con, spec, f"CREATE TEMP TABLE {KIND}_ids AS {ids_view(KIND, today)}")
        engine_duckdb.input_checked(con, spec)
        con.register("payments_arrow", payments)
        con.execute("CREATE TEMP TABLE payments AS SELECT * FROM payments_arrow")
        paid_words = sql_texts(PAID_WORDS)
        failed_words = sql_texts(FAILED_WORDS)
        labels = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in status_labels.items())
        con.execute(f"""
CREATE TEMP TABLE judged AS
WITH r AS (
  SELECT _row, nid, id_problem, {trim_sql("id_raw")} AS id_written, {name_sql("name")} AS name,
    {trim_sql("amount")} AS amount_written, {number_sql("amount")} AS amount, {clean_sql("result")} AS result,
    {trim_sql("failure_reason")} AS reason
  FROM {KIND}_ids
), j AS (
  SELECT r.*, p.pk, p.amount_fen, p.status, {name_sql("p.name")} AS listed_name,
    ROW_NUMBER() OVER (PARTITION BY COALESCE(r.nid, 'row' || CAST(r._row AS VARCHAR)) ORDER BY r._row) AS k,
    MIN(r._row) OVER (PARTITION BY COALESCE(r.nid, 'row' || CAST(r._row AS VARCHAR))) AS first_row
  FROM r LEFT JOIN payments p ON p.id_number = r.nid
)
SELECT _row, pk, reason,
  CASE WHEN id_written = '' AND (name = '' OR name IN ({sql_texts(TOTAL_ROWS)})) THEN 'skip'
       WHEN nid IS NULL THEN 'problem'
       WHEN k > 1 THEN 'problem'
       WHEN pk IS NULL THEN 'unmatched'
       WHEN result NOT IN ({paid_words}) AND result NOT IN ({failed_words}) THEN 'problem'
       WHEN name <> '' AND listed_name <> '' AND name <> listed_name THEN 'problem'
       WHEN amount IS NULL OR CAST(ROUND(amount * 100) AS BIGINT) <> amount_fen THEN 'problem'
       WHEN status <> 'pending' THEN 'problem'
       WHEN result IN ({paid_words}) THEN 'paid'
       ELSE 'failed' END AS outcome,
  '第' || CAST(_row AS VARCHAR) || '行' || CASE
       WHEN nid IS NULL THEN '：' || id_problem || '（“' || id_written || '”）'
       WHEN k > 1 THEN '：身份证号 ' || {_mask("nid")} || ' 与第' || CAST(first_row AS VARCHAR) || '行重复，只按第'
                       || CAST(first_row AS VARCHAR) || '行处理'
       WHEN pk IS NULL THEN '：{batch_label}清单中没有身份证号 ' || {_mask("nid")}
                            || CASE WHEN name <> '' THEN '（' || name || '）' ELSE '' END
       WHEN result NOT IN ({paid_words}) AND result NOT IN ({failed_words})
         THEN '：处理结果“' || result || '”无法识别，应为“成功”或“失败”等'
       WHEN name <> '' AND listed_name <> '' AND name <> listed_name
         THEN '：姓名“' || name || '”与清单中的“' || listed_name || '”不符，未登记'
       WHEN amount IS NULL THEN '：金额“' || amount_written || '”不是数字，未登记'
       WHEN CAST(ROUND(amount * 100) AS BIGINT) <> amount_fen
         THEN '：金额 ' || {_money("CAST(ROUND(amount * 100) AS BIGINT)")} || ' 元与清单中的 ' || {_money("amount_fen")}
              || ' 元不符，未登记为到账，请与银行核对'
       WHEN status <> 'pending'
         THEN '：该笔已登记为“' || CASE status {labels} ELSE status END || '”，本次未更改'
       ELSE '' END AS message
FROM j""")
        found = Matched()
        found.rows = con.execute("SELECT COUNT(*) FROM judged WHERE outcome <> 'skip'").fetchone()[0]
        found.paid = con.execute("SELECT pk, _row FROM judged WHERE outcome = 'paid' ORDER BY _row").fetchall()
        found.failed = con.execute(f"SELECT pk, COALESCE(NULLIF(SUBSTR(reason, 1, 500), ''), {sql_text(NO_REASON)}), "
                                   "_row FROM judged WHERE outcome = 'failed' ORDER BY _row").fetchall()
        found.problem_count, found.unmatched = con.execute(
            "SELECT COUNT(*) FILTER (WHERE outcome = 'problem'), COUNT(*) FILTER (WHERE outcome = 'unmatched') "
            "FROM judged").fetchone()
        found.problems = [{"row": row, "message": message} for row, message in con.execute(
            "SELECT _row, message FROM judged WHERE outcome IN ('problem', 'unmatched') "
            f"ORDER BY _row LIMIT {PROBLEMS_KEPT}").fetchall()]
        return found
    finally:
        con.close()
