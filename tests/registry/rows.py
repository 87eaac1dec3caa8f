"""Registry rows made for tests: invented ID numbers with a right check digit, a valid row to vary, a
registry file (.csv) written from rows, an import of rows and the problems it reported. Never real people's data."""

import csv
from datetime import date

from jixiao.common.ids import check_digit
from jixiao.registry.importer import registry_import

TODAY = date(2026, 11, 23)
HEADER = ["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级", "证件代别", "证件状态", "注销原因", "户籍地区划代码",
          "户籍地址", "联系电话", "发证日期"]


def make_id(area="530125", born="19800101", seq="123") -> str:
    first = f"{area}{born}{seq}"
    return first + check_digit(first)


def row(**overrides) -> dict:
    base = {"姓名": "测试甲", "身份证号": make_id(), "残疾人证号": "", "残疾类别": "肢体", "残疾等级": "三级",
            "证件代别": "第三代", "证件状态": "有效", "注销原因": "", "户籍地区划代码": "530125001002",
            "户籍地址": "虚构路1号", "联系电话": "13800001111", "发证日期": "2020-05-06"}
    base.update(overrides)
    return base


def write_csv(path, rows, encoding="utf-8-sig", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for r in rows:
            writer.writerow([r.get(h, "") for h in header])
    return path


def run(tmp_path, rows, **kwargs):
    path = write_csv(tmp_path / "名册.csv", rows)
    kwargs.setdefault("actor", None)
    return registry_import(path, today=TODAY, parallel=False, errors_path=tmp_path / "err", **kwargs)


def problems(result) -> list[dict]:
    if not result.error_files:
        return []
    with open(result.error_files[0], encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
