"""What a cycle writes (../shared/formats.md, "Programme codes and the cycle summary"): entitlements.csv (one row per
person considered, UTF-8 with BOM), summary.json (per county and in total, amounts in 元 as exact numbers) and the
payment lists per county — the bank's list for money paid to the person, the insurer's list for 代缴 — as .xlsx with
the totals in figures and in capitals. Rows are made by the engine (no Python per row); text never a formula."""

from __future__ import annotations

import codecs
import json
import shutil
from decimal import Decimal
from pathlib import Path

from jixiao.common.safe_files import FORMULA_TRIGGERS, xlsx_row_sql, xlsx_text_cell_sql, xlsx_write_rows
from jixiao.comparison.output import utf8_values

HEADERS = {"id": "身份证号", "name": "姓名", "county_code": "县（市、区）代码", "county_name": "县（市、区）",
           "region_code": "户籍地区划代码", "amount": "金额(元)", "city": "市级承担(元)", "county": "县级承担(元)",
           "reason": "原因代码", "reason_zh": "原因", "note": "说明"}
TEXT_COLUMNS = ("id", "name", "county_code", "county_name", "region_code", "reason", "reason_zh", "note")
BANK_MODES = ("先缴后补", "按月发放", "一次性")
PROXY_MODE = "代缴"
EXCEL_MAX_DATA_ROWS = 1_048_570  # below the header, with room for the totals


def _neutralised(column: str) -> str:
    triggers = " OR ".join(f"SUBSTR({column}, 1, 1) = CHR({ord(c)})" for c in FORMULA_TRIGGERS)
    return f"CASE WHEN {triggers} THEN '''' || {column} ELSE {column} END"


def write_csv(con, target: Path) -> None:
    """entitlements.csv from the ``entitlements`` table (with ``county_name``): COPY, then the BOM in front."""
    body = target.with_suffix(".body.csv")
    columns = ", ".join(f"{_neutralised(c) if c in TEXT_COLUMNS else c} AS \"{h}\"" for c, h in HEADERS.items())
    path = str(body).replace("'", "''")
    con.execute(f"COPY (SELECT {columns} FROM entitlements_named ORDER BY county_code, region_code, id, source_row) "
                f"TO '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    with target.open("wb") as out, body.open("rb") as source:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, out, 1 << 22)
    body.unlink()


def json_number(value: Decimal):
    """An amount in 元 as a JSON number that reads back exactly (an int when whole; otherwise the float whose
    shortest form is the same decimal — true for any amount in 分 below 10^13)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise ValueError(f"{value} has no exact JSON number")
    return as_float


def county_totals(con) -> list[dict]:
    rows = con.execute("""
SELECT county_code, MAX(county_name), COUNT(*) FILTER (WHERE amount > 0), SUM(amount), SUM(city), SUM(county),
  COUNT(*) FROM entitlements_named GROUP BY county_code ORDER BY county_code""").fetchall()
    return [{"code": code, "name": name, "persons": paid, "amount_yuan": json_number(amount),
             "city_yuan": json_number(city), "county_yuan": json_number(county), "considered": considered}
            for code, name, paid, amount, city, county, considered in rows]


def reason_counts(con) -> dict[str, int]:
    return dict(con.execute("SELECT reason, COUNT(*) FROM entitlements WHERE reason <> '' GROUP BY reason "
                            "ORDER BY reason").fetchall())


def capitals(amount: Decimal) -> str:
    """人民币大写: 叁佰元整."""
    import cn2an

    amount = Decimal(amount).quantize(Decimal("0.01"))
    return "零元整" if amount == 0 else cn2an.an2cn(str(amount), "rmb")


def _text_cell(text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>' if text else "<c/>"


def _number_cell(value) -> str:
    return f"<c><v>{value}</v></c>"


def payment_lists(con, folder: Path, *, title: str, period: str, rules_version: str, generated: str) -> list[dict]:
    """One .xlsx per county and kind of list (the bank's for money paid to the person, the insurer's for 代缴)
    into ``folder``; returns what was written (file, county, kind, persons, amount)."""
    folder.mkdir(parents=True, exist_ok=True)
    groups = con.execute(f"""
SELECT county_code, MAX(county_name), CASE WHEN mode = '{PROXY_MODE}' THEN 'proxy' ELSE 'bank' END AS list_kind,
  COUNT(*), SUM(amount), COUNT(*) FILTER (WHERE account = '')
FROM entitlements_named WHERE amount > 0 GROUP BY 1, 3 ORDER BY 1, 3""").fetchall()
    written = []
    for county_code, county_name, list_kind, persons, amount, no_account in groups:
        label = county_name or "未知县（市、区）"
        if list_kind == "bank":
            name = f"{county_code or '000000'}_{label}_银行发放清单.xlsx"
            headers = ["序号", "姓名", "身份证号", "账户类型", "账号", "开户行", "金额(元)", "户籍地区划代码", "备注"]
            widths = [7, 10, 21, 9, 23, 22, 11, 15, 16]
            cells = ["'<c><v>' || CAST(n AS VARCHAR) || '</v></c>'", xlsx_text_cell_sql("name"),
                     xlsx_text_cell_sql("id"), xlsx_text_cell_sql("account_kind"), xlsx_text_cell_sql("account"),
                     xlsx_text_cell_sql("bank_name"), "'<c><v>' || CAST(amount AS VARCHAR) || '</v></c>'",
                     xlsx_text_cell_sql("region_code"),
                     "CASE WHEN account = '' THEN " + "'" + _text_cell("缺少账号，请补录后再发放") + "'" + " ELSE '<c/>' END"]
            amount_column = 7
        else:
            name = f"{county_code or '000000'}_{label}_代缴清单.xlsx"
            headers = ["序号", "姓名", "身份证号", "缴费年度", "代缴金额(元)", "代缴类别", "户籍地区划代码", "说明"]
            widths = [7, 10, 21, 9, 13, 12, 15, 40]
            cells = ["'<c><v>' || CAST(n AS VARCHAR) || '</v></c>'", xlsx_text_cell_sql("name"),
                     xlsx_text_cell_sql("id"), "'" + _text_cell(period[:4]) + "'",
                     "'<c><v>' || CAST(amount AS VARCHAR) || '</v></c>'", "'" + _text_cell("残疾人") + "'",
                     xlsx_text_cell_sql("region_code"), xlsx_text_cell_sql("note")]
            amount_column = 5
        where = (f"WHERE amount > 0 AND county_code = ? AND "
                 f"{'mode = ' + repr(PROXY_MODE) if list_kind == 'proxy' else 'mode <> ' + repr(PROXY_MODE)}")
        rows = _list_rows(con, row_xml=xlsx_row_sql(cells), where=where, county_code=county_code, amount=amount,
                          persons=persons, amount_column=amount_column, width=len(headers))
        summary_rows = [("项目", title), ("期间", period), ("县（市、区）", f"{label}（{county_code}）"),
                        ("清单", "银行发放清单" if list_kind == "bank" else "代缴清单（交社保经办机构）"),
                        ("人数", f"{persons}"), ("金额(元)", f"{Decimal(amount):.2f}"), ("金额大写", capitals(amount)),
                        ("缺少账号的人数", f"{no_account}" if list_kind == "bank" else "—"),
                        ("规则版本", rules_version), ("生成日期", generated)]
        cover = "".join("<row>" + _text_cell(k) + _text_cell(v) + "</row>" for k, v in summary_rows)
        xlsx_write_rows(folder / name, [("清单", headers, widths, rows),
                                        ("汇总", ["项目", "内容"], [16, 50], iter([cover]))])
        written.append({"file": f"{folder.name}/{name}", "county_code": county_code, "county_name": county_name,
                        "list": "bank" if list_kind == "bank" else "proxy", "persons": persons,
                        "amount_yuan": json_number(amount), "without_account": no_account if list_kind == "bank" else 0})
    return written


def _list_rows(con, *, row_xml: str, where: str, county_code: str, amount, persons: int, amount_column: int,
               width: int):
    """A payment list's rows as sheet XML (made by the engine), then the totals in figures and in capitals."""
    reader = con.execute(
        f"SELECT {row_xml} FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY region_code, id, source_row) AS n "
        f"FROM entitlements_named {where}) x ORDER BY n LIMIT {EXCEL_MAX_DATA_ROWS}", [county_code]).to_arrow_reader(50_000)
    for batch in reader:
        yield utf8_values(batch.column(0))
    total = ["<c/>"] * width
    total[1] = _text_cell("合计")
    total[2] = _text_cell(f"{persons}人")
    total[amount_column - 1] = _number_cell(amount)
    yield "<row>" + "".join(total) + "</row>"
    words = ["<c/>"] * width
    words[1] = _text_cell("金额大写")
    words[2] = _text_cell(capitals(amount))
    yield "<row>" + "".join(words) + "</row>"


def write_parquet(con, target: Path) -> None:
    path = str(target).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM entitlements_named ORDER BY county_code, region_code, id, source_row) "
                f"TO '{path}' (FORMAT PARQUET)")


def write_summary(target: Path, summary: dict) -> None:
    target.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
