"""Hand-made cycle inputs (invented persons, right check digits, the published column names) and a run whose
entitlements come back as dicts keyed by ID, read from the entitlements.csv it wrote. Never real people's data."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from jixiao.entitlements.run import cycle_run
from tests.comparison.files import make_id, write

TODAY = date(2026, 11, 23)
SHILIN, DONGCHUAN, WUHUA, CHENGGONG = "530126", "530113", "530102", "530114"


def pid(county: str = SHILIN, born: str = "19800101", seq: str = "123") -> str:
    return make_id(born, seq, area=county)


def born_for(age: int, year: int) -> str:
    return f"{year - age}0601"


def person(name: str, id_number: str, *, level: str = "三级", status: str = "有效", region: str | None = None,
           card: str = "6222020200112233445", bank: str = "农行") -> dict:
    return {"姓名": name, "身份证号": id_number, "残疾类别": "肢体", "残疾等级": level, "证件状态": status,
            "户籍地区划代码": region or id_number[:6] + "100001", "银行卡号": card, "开户行": bank}


def pension(id_number: str, *, year: int, status: str = "参保缴费", personal: str = "200", proxy: str = "",
            dept: str = "") -> dict:
    return {"姓名": "某", "身份证号": id_number, "缴费年度": str(year), "参保状态": status, "个人缴费金额(元)": personal,
            "代缴金额(元)": proxy, "代缴部门": dept}


def cycle(folder: Path, programme: str, *, year: int, month: int | None = None, registry: list[dict] | None = None,
          book=None, **rosters: list[dict]):
    """(result, {ID: row of entitlements.csv})."""
    folder.mkdir(parents=True, exist_ok=True)
    reg = write(folder, "registry", registry) if registry is not None else None
    paths = {kind: write(folder, kind, rows) for kind, rows in rosters.items()}
    result = cycle_run(programme=programme, year=year, month=month, registry=reg, rosters=paths,
                       out=folder / "out", today=TODAY, book=book)
    return result, read(folder / "out" / "entitlements.csv")


def read(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["身份证号"]: row for row in csv.DictReader(handle)}


def amount(row: dict) -> Decimal:
    return Decimal(row["金额(元)"])
