"""Hand-made comparison inputs: invented persons (IDs with right check digits), the published column names,
and a run whose findings come back as dicts read from the findings.csv it wrote. Never real people's data."""

import csv
from datetime import date
from pathlib import Path

from jixiao.common.ids import check_digit
from jixiao.comparison.kinds import KINDS
from jixiao.comparison.run import compare

TODAY = date(2026, 11, 23)
YEAR = 2024


def make_id(born: str = "19800101", seq: str = "123", area: str = "530125") -> str:
    first = f"{area}{born}{seq}"
    return first + check_digit(first)


def age_born(age: int, seq: str = "123") -> str:
    """An ID of someone who reaches ``age`` in YEAR."""
    return make_id(f"{YEAR - age}0601", seq)


def person(name: str, id_number: str, *, level: str = "三级", status: str = "有效", region: str = "530125001002",
           category: str = "肢体") -> dict:
    return {"姓名": name, "身份证号": id_number, "残疾类别": category, "残疾等级": level, "证件状态": status,
            "户籍地区划代码": region}


def headers(kind: str) -> list[str]:
    return [c.header for c in KINDS[kind].columns]


def write(folder: Path, kind: str, rows: list[dict], *, encoding: str = "utf-8-sig", name: str | None = None) -> Path:
    path = folder / (name or f"{kind}.csv")
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        head = headers(kind)
        writer.writerow(head)
        for r in rows:
            writer.writerow([r.get(h, "") for h in head])
    return path


def run(folder: Path, registry: list[dict], *, year: int = YEAR, **rosters: list[dict]):
    """(result, findings as dicts with the CSV's Chinese column names)."""
    reg = write(folder, "registry", registry)
    paths = {kind: write(folder, kind, rows) for kind, rows in rosters.items()}
    result = compare(year=year, registry=reg, rosters=paths, out=folder / "out", today=TODAY)
    return result, read_findings(folder / "out" / "findings.csv")


def read_findings(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def of(findings: list[dict], kind: str, programme: str | None = None) -> list[dict]:
    return [f for f in findings if f["类型代码"] == kind and (programme is None or f["项目代码"] == programme)]


def ids(findings: list[dict], kind: str, programme: str | None = None) -> set[str]:
    return {f["身份证号"] for f in of(findings, kind, programme)}
