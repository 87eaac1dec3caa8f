"""One entitlement cycle from files to its output folder: the rule book resolved for the period, every input checked
first (as the comparison checks it), the entitlements computed by SQL on DuckDB, then entitlements.csv,
summary.json and the payment lists written into a fresh folder beside ``out`` and moved in at the end — an input
that cannot be used leaves ``out`` untouched (exit status 2).

The same inputs, rule book and run date give the same entitlements.csv byte for byte: that is how a frozen cycle is
replayed (``jixiao cycle replay``)."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from jixiao.comparison import engine_duckdb
from jixiao.comparison.inputs import InputFile, InputUnusable, input_open
from jixiao.comparison.kinds import KINDS
from jixiao.entitlements import output
from jixiao.entitlements.parameters import RuleBook, rulebook_load
from jixiao.entitlements.sql import REASONS, statements

OUTPUT_FILES = ("entitlements.csv", "summary.json")
FROZEN = "frozen"
PERIOD_NAMES = {"year": "年度", "month": "月度"}


@dataclass
class CycleResult:
    summary: dict
    out: Path
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        return [*OUTPUT_FILES, *(p["file"] for p in self.summary["payment_lists"])]


def county_names() -> dict[str, str]:
    """County code → name from the shipped NBS tree (the names a summary and a payment list print)."""
    from jixiao.regions.nbs import shipped_rows

    return {r.code: r.name for r in shipped_rows() if r.level == "county"}


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _period_label(year: int, month: int | None) -> str:
    return f"{year}年{month}月" if month else f"{year}年度"


def cycle_run(*, programme: str, year: int, month: int | None = None, registry: Path | InputFile | None,
              rosters: dict[str, Path | InputFile], out: Path, book: RuleBook | None = None, today: date | None = None,
              region: str | None = None, progress=None, keep_parquet: bool = False,
              names: dict[str, str] | None = None, freeze: bool = False) -> CycleResult:
    """Compute the cycle of ``programme`` for ``year`` (and ``month``). Raises InputUnusable (nothing written)
    when an input cannot be used, RuleBookInvalid when the rules do not fit the period. ``freeze``: also keep
    ``frozen/`` — a copy of every input, the rule book and what the run was — from which ``cycle_replay``
    recomputes it."""
    book = book or rulebook_load()
    resolved = book.resolve(programme, year=year, month=month)
    spec = resolved.programme
    today = today or date.today()
    out = Path(out)
    if region is not None and not region.isdigit():
        raise InputUnusable(f"地区代码“{region}”应为数字")
    for kind in rosters:
        if kind not in spec.rosters:
            raise InputUnusable(f"{spec.name}不使用{KINDS[kind].title if kind in KINDS else kind}（{kind}）："
                                f"可用 {'、'.join(spec.rosters) or '（无）'}")
    missing = [k for k in spec.required_rosters if k not in rosters]
    if missing:
        raise InputUnusable(f"{spec.name}需要{'、'.join(KINDS[k].title for k in missing)}"
                            f"（--roster {missing[0]}=文件）")
    if registry is None and (spec.basis == "registry" or spec.requires_registry):
        raise InputUnusable(f"{spec.name}需要残疾人证登记名册（--registry 文件 或 db）")
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".jixiao-cycle-", dir=out.parent))
    try:
        inputs: dict[str, InputFile] = {}
        if registry is not None:
            inputs["registry"] = registry if isinstance(registry, InputFile) else input_open("registry", registry,
                                                                                              workdir=work)
        for kind, path in rosters.items():
            inputs[kind] = path if isinstance(path, InputFile) else input_open(kind, path, workdir=work)
        seconds["check"] = time.perf_counter() - started
        con = engine_duckdb.connect(work)
        try:
            t = time.perf_counter()
            engine_duckdb.load_inputs(con, inputs, today, region=region)
            _execute(con, statements(resolved, kinds=set(inputs), today=today), inputs, progress)
            known = names if names is not None else county_names()
            con.register("county_names_arrow", _names_table(known))
            where = f"WHERE STARTS_WITH(e.region_code, '{region}')" if region else ""
            con.execute("CREATE TEMP TABLE entitlements_named AS SELECT e.*, COALESCE(n.name, '') AS county_name "
                        f"FROM entitlements e LEFT JOIN county_names_arrow n ON n.code = e.county_code {where}")
            outside = con.execute("SELECT (SELECT COUNT(*) FROM entitlements) - "
                                  "(SELECT COUNT(*) FROM entitlements_named)").fetchone()[0]
            seconds["compute"] = time.perf_counter() - t
            t = time.perf_counter()
            staged = work / "out"
            staged.mkdir()
            output.write_csv(con, staged / "entitlements.csv")
            period = _period_label(year, month)
            lists = output.payment_lists(con, staged / "payments", title=spec.name, period=period,
                                         rules_version=book.version, generated=today.isoformat())
            if keep_parquet:
                output.write_parquet(con, staged / "entitlements.parquet")
            counties = output.county_totals(con)
            reasons = dict(con.execute("SELECT reason, COUNT(*) FROM entitlements_named WHERE reason <> '' "
                                       "GROUP BY reason ORDER BY reason").fetchall())
            modes = sorted(m for (m,) in con.execute("SELECT DISTINCT mode FROM entitlements_named "
                                                     "WHERE mode IS NOT NULL").fetchall())
            seconds["write"] = time.perf_counter() - t
        finally:
            con.close()
        totals = {key: output.json_number(sum((Decimal(str(c[key])) for c in counties), Decimal(0)))
                  for key in ("amount_yuan", "city_yuan", "county_yuan")}
        totals["persons"] = sum(c["persons"] for c in counties)
        totals["considered"] = sum(c["considered"] for c in counties)
        # persons whose 户籍地 is unknown (a 低保 roster row without a region, not in the registry): in the totals,
        # not a county
        unknown = next((c for c in counties if not c["code"]), None)
        counties = [c for c in counties if c["code"]]
        summary = {
            "programme": programme, "programme_name": spec.name, "year": year,
            **({"month": month} if month else {}), "period": period, "run_date": today.isoformat(),
            "region": region, "modes": modes,
            "rules": {**book.record(), "policy": list(spec.policy), **resolved.record()},
            "inputs": [s.record() for s in inputs.values()],
            "counties": counties, "totals": totals,
            **({"region_unknown": {k: v for k, v in unknown.items() if k not in ("code", "name")}} if unknown else {}),
            "reasons": {k: {"label": REASONS[k], "persons": n} for k, n in reasons.items()},
            "outside_region": outside,
            "payment_lists": lists,
            "entitlements_sha256": file_digest(staged / "entitlements.csv"),
            "seconds": {k: round(v, 2) for k, v in seconds.items()},
        }
        output.write_summary(staged / "summary.json", summary)
        if freeze:
            _freeze(staged / FROZEN, inputs=inputs, book=book, summary=summary, county_names_used=known)
        out.mkdir(parents=True, exist_ok=True)
        for folder in ("payments", FROZEN):
            if (out / folder).exists():
                shutil.rmtree(out / folder)
        for name in (*OUTPUT_FILES, *(("entitlements.parquet",) if keep_parquet else ()), "payments", FROZEN):
            if (staged / name).exists():
                (staged / name).replace(out / name)
        return CycleResult(summary=summary, out=out, seconds=seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _names_table(names: dict[str, str]):
    import pyarrow as pa

    codes = sorted(names)
    return pa.table({"code": pa.array(codes, type=pa.string()),
                     "name": pa.array([names[c] for c in codes], type=pa.string())})


def _execute(con, steps, inputs: dict[str, InputFile], progress) -> None:
    """Every statement as a table, each dropped after its last reader. A file's ID checks read by one statement
    only stay a view (computed once all the same, without writing every column of the file a second time); the
    file itself is then checked and counted from its own view."""
    import duckdb

    done_with = engine_duckdb.tables_done_with(steps, keep=("entitlements",))
    readers = {step.name: sum(1 for later in steps if re.search(rf"\b{step.name}\b", later.sql)) for step in steps}
    views = set()
    for i, step in enumerate(steps, start=1):
        kind = step.name.removesuffix("_ids") if step.name.endswith("_ids") else None
        spec = inputs.get(kind) if kind else None
        # (a CSV is read whole again by its checks: it is materialised)
        as_view = spec is not None and spec.format != "csv" and readers[step.name] <= 1
        try:
            create = f"CREATE OR REPLACE TEMP {'VIEW' if as_view else 'TABLE'} {step.name} AS {step.sql}"
            if spec is not None:
                engine_duckdb.input_read(con, spec, create)
            else:
                con.execute(create)
            if spec is not None:
                engine_duckdb.input_checked(con, spec, view=kind if as_view else None)
        except duckdb.Error as exc:
            if spec is None:
                raise
            raise engine_duckdb.input_unreadable(spec, exc) from None
        if as_view:
            views.add(step.name)
        for name in done_with.get(i - 1, ()):
            con.execute(f"DROP {'VIEW' if name in views else 'TABLE'} {name}")
        if progress:
            progress(i, len(steps), step.name)

def _freeze(folder: Path, *, inputs: dict[str, InputFile], book: RuleBook, summary: dict,
            county_names_used: dict[str, str]) -> None:
    """What a replay needs: every input as it was read (a file copied; the database's registry as Parquet), the
    rule book as data, the county names, and the run's programme, period, region and date."""
    import json

    import pyarrow.parquet as pq

    folder.mkdir()
    files = {}
    for kind, spec in inputs.items():
        if spec.table is not None and not spec.path.is_file():
            # the database's rows under their published headers, in their order (``_row`` follows from it)
            name = f"{kind}.parquet"
            headers = {c.key: c.header for c in KINDS[kind].columns}
            table = spec.table.select([k for k in spec.table.column_names if k in headers])
            pq.write_table(table.rename_columns([headers[k] for k in table.column_names]), folder / name)
        else:
            name = f"{kind}{spec.path.suffix.lower()}"
            shutil.copyfile(spec.path, folder / name)
        files[kind] = {"file": name, "sha256": file_digest(folder / name), "original": spec.path.name,
                       "original_sha256": spec.sha256}
    manifest = {"programme": summary["programme"], "year": summary["year"], "month": summary.get("month"),
                "region": summary["region"], "run_date": summary["run_date"], "inputs": files,
                "rules_version": book.version, "rules_digest": book.digest,
                "entitlements_sha256": summary["entitlements_sha256"]}
    (folder / "rulebook.json").write_text(json.dumps(book.source, ensure_ascii=False, indent=1, default=str),
                                          encoding="utf-8")
    (folder / "county_names.json").write_text(json.dumps(county_names_used, ensure_ascii=False), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass
class ReplayResult:
    identical: bool
    expected_sha256: str
    replayed_sha256: str
    out: Path
    problems: list[str] = field(default_factory=list)


class FrozenCycleInvalid(Exception):
    """A frozen cycle that cannot be replayed: a file missing or changed since it was frozen (Chinese message)."""


def cycle_replay(frozen: Path, *, out: Path) -> ReplayResult:
    """Recompute a frozen cycle into ``out`` from its own copies (never today's rules or files) and compare its
    entitlements.csv with the one recorded, byte for byte (by SHA-256)."""
    import json

    from jixiao.entitlements.parameters import rulebook_from_dict

    frozen = Path(frozen)
    try:
        manifest = json.loads((frozen / "manifest.json").read_text(encoding="utf-8"))
        book = rulebook_from_dict(json.loads((frozen / "rulebook.json").read_text(encoding="utf-8")))
        names = json.loads((frozen / "county_names.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FrozenCycleInvalid(f"冻结的批次不完整：{exc}") from None
    if book.digest != manifest["rules_digest"]:
        raise FrozenCycleInvalid("冻结的规则与记录的摘要不符：规则文件已被改动")
    paths: dict[str, Path] = {}
    for kind, entry in manifest["inputs"].items():
        path = frozen / entry["file"]
        if not path.is_file():
            raise FrozenCycleInvalid(f"冻结的输入文件 {entry['file']} 不见了")
        if file_digest(path) != entry["sha256"]:
            raise FrozenCycleInvalid(f"冻结的输入文件 {entry['file']} 与记录的摘要不符：已被改动")
        paths[kind] = path
    registry = paths.pop("registry", None)
    result = cycle_run(programme=manifest["programme"], year=manifest["year"], month=manifest.get("month"),
                       registry=registry, rosters=paths, out=Path(out), book=book,
                       today=date.fromisoformat(manifest["run_date"]), region=manifest.get("region"), names=names)
    replayed = result.summary["entitlements_sha256"]
    return ReplayResult(identical=replayed == manifest["entitlements_sha256"],
                        expected_sha256=manifest["entitlements_sha256"], replayed_sha256=replayed, out=Path(out))
