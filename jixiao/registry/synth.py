"""Invented Kunming-like registries for tests, demos and benchmarks (never real people).

Deterministic for a seed: valid resident IDs across all ages (born 1925–2023), real Kunming village
codes (the NBS 2023 tree jixiao ships: an invented code would be refused once a county's villages are
loaded), the usual category and level mix, some cancelled certificates with their reasons."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from jixiao.common.ids import check_digit
from jixiao.common.safe_files import csv_writer, xlsx_workbook
from jixiao.regions.nbs import shipped_villages
from jixiao.registry.columns import CATEGORY_NAMES, LEVEL_NAMES, PAYMENT_KEYS, REGISTRY_COLUMNS

# The rows below in this order (the optional bank and social security card columns are not invented here).
HEADER = [c.name for c in REGISTRY_COLUMNS if c.key not in ("cancel_date", *PAYMENT_KEYS)] + ["注销日期"]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "建国华明丽红军平秀英玉兰春梅海燕志强伟芳敏静霞杰涛超勇艳娟磊洋鹏飞斌波宇浩然欣怡晨雨佳琪子涵思源文博俊杰凤琼仙菊桂珍德福寿荣"
# Kunming counties with a GB/T 2260 code (the functional zones have none).
_COUNTIES = ["530102", "530103", "530111", "530112", "530113", "530114", "530115", "530124", "530125", "530126",
             "530127", "530128", "530129", "530181"]
_COUNTY_WEIGHTS = [9, 8, 10, 9, 4, 5, 4, 3, 6, 4, 5, 7, 8, 5]
_CATEGORY_WEIGHTS = [12, 11, 1.5, 48, 8, 8.5, 11]  # 视力 … 多重: 肢体 about half, as in national statistics
_LEVEL_WEIGHTS = [14, 24, 31, 31]
TOWNSHIPS_PER_COUNTY = 12
VILLAGES_PER_TOWNSHIP = 12


def village_code(county: str, township: int, village: int) -> str:
    """A real village/community code of the county (NBS 2023, the shipped subset): the places are real,
    the people invented. Picked by (township, village) so the random stream is the same as before."""
    villages = shipped_villages(county)
    return villages[((township - 1) * VILLAGES_PER_TOWNSHIP + village - 1) % len(villages)]


def synth_registry_rows(n: int, seed: int, *, today: date | None = None) -> Iterator[list[str]]:
    """``n`` rows in the order of ``HEADER`` (all cells as text, as a careful office exports them)."""
    rng = random.Random(seed)
    today = today or date(2026, 1, 1)
    first_day = date(1925, 1, 1)
    span = (date(2023, 12, 31) - first_day).days
    seen: set[str] = set()
    categories = list(CATEGORY_NAMES)
    produced = 0
    while produced < n:
        county = rng.choices(_COUNTIES, _COUNTY_WEIGHTS)[0]
        # most people were first registered (ID issued) in the county they live in
        id_county = county if rng.random() < 0.9 else rng.choice(_COUNTIES)
        born = first_day + timedelta(days=rng.randrange(span))
        first17 = f"{id_county}{born:%Y%m%d}{rng.randrange(1000):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        id_number = first17 + check_digit(first17)
        category = rng.choices(categories, _CATEGORY_WEIGHTS)[0]
        level = rng.choices((1, 2, 3, 4), _LEVEL_WEIGHTS)[0]
        township, village = rng.randint(1, TOWNSHIPS_PER_COUNTY), rng.randint(1, VILLAGES_PER_TOWNSHIP)
        start = max(born, date(1995, 1, 1))  # certificates date from the 1990s on
        issued = start + timedelta(days=rng.randrange(max(1, (today - start).days)))
        generation = "第三代" if issued.year >= 2018 else "第二代"
        cancelled = rng.random() < 0.04
        reason = rng.choices(("死亡", "迁出", "其他"), (70, 22, 8))[0] if cancelled else ""
        cancel_date = (issued + timedelta(days=rng.randrange(max(1, (today - issued).days)))).isoformat() if cancelled else ""
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else ""
        yield [
            name, id_number, f"{id_number}{category}{level}", CATEGORY_NAMES[category], LEVEL_NAMES[level], generation,
            "注销" if cancelled else "有效", reason, village_code(county, township, village),
            f"云南省昆明市虚构路{rng.randint(1, 999)}号", phone, issued.isoformat(), cancel_date,
        ]
        produced += 1


def write_registry(path, n: int, seed: int, *, encoding: str = "utf-8-sig") -> Path:
    """Write an invented registry as .xlsx, .csv (``encoding``: utf-8-sig or gb18030) or .parquet."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        workbook = xlsx_workbook(path, constant_memory=True)
        sheet = workbook.add_worksheet("残疾人证登记名册")
        text = workbook.add_format({"num_format": "@"})
        sheet.set_column(0, len(HEADER) - 1, 16, text)
        sheet.write_row(0, 0, HEADER)
        for i, row in enumerate(synth_registry_rows(n, seed), start=1):
            sheet.write_row(i, 0, row)
        workbook.close()
    elif suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as out:
            writer = csv_writer(out)
            writer.writerow(HEADER)
            writer.writerows(synth_registry_rows(n, seed))
    elif suffix == ".parquet":
        import tempfile

        import duckdb

        with tempfile.TemporaryDirectory() as tmp:
            staging = Path(tmp) / "registry.csv"
            write_registry(staging, n, seed, encoding="utf-8")
            duckdb.execute(
                f"COPY (SELECT * FROM read_csv('{staging}', header=true, all_varchar=true)) "
                f"TO '{path}' (FORMAT parquet)"
            )
    else:
        raise ValueError(f"不支持的输出格式“{path.suffix}”：请用 .xlsx、.csv 或 .parquet")
    return path
