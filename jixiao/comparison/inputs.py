"""The comparison's input files: checked (bounds, header, ID column as text) before any finding is computed, and
turned into one text table per file with the kind's column keys and ``_row`` (the row in the file, header = 1).

- .csv (UTF-8, with or without BOM, or GB18030): read by DuckDB itself; a GB18030 file is first recoded to
  UTF-8 in blocks (DuckDB's reader knows UTF-8 only offline).
- .parquet: read by DuckDB; an ID column stored as a number is refused, other columns are read as text.
- .xlsx / .xls: read by python-calamine (the bounds of ``common.limits`` checked before it opens the file);
  an ID cell stored as an Excel number is refused with its row, dates become YYYY-MM-DD.

Nothing here computes a finding; a file that cannot be used raises ``InputUnusable`` naming the file (and the
column and row where there is one), and the command exits 2 having written nothing."""

from __future__ import annotations

import codecs
import csv
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.common.cells import to_text
from jixiao.common.limits import FileRefused, SheetLimit, check_file_size, check_xlsx, current_limits
from jixiao.comparison.kinds import KINDS, Kind, header_key, header_map

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv", ".parquet")
HEADER_SEARCH_ROWS = 10
# an 18-digit number as Excel writes it into a CSV once it has lost its last digits: 5.30125E+17
SCIENTIFIC = "^[0-9]([.][0-9]+)?[Ee][+][0-9]+$"


class InputUnusable(Exception):
    """A file the comparison cannot use (exit status 2); the message says which and why, in Chinese."""


@dataclass
class InputFile:
    kind: str
    path: Path
    format: str  # csv | parquet | sheet
    columns: dict[str, str] = field(default_factory=dict)  # column key → the header as found in the file
    encoding: str = "utf-8"
    read_path: Path | None = None  # what DuckDB reads (a recoded copy of a GB18030 CSV)
    table: object = None  # pyarrow.Table for a spreadsheet
    rows: int | None = None  # data rows, once counted
    sha256: str = ""
    header_row: int = 1
    # a CSV's view read by DuckDB's tolerant reader, put in place by ``engine_duckdb.input_read`` when the parallel
    # reader refuses the file; '' once used, and for every other file
    fallback_view: str = ""

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind].title}（{self.path.name}）"

    def record(self) -> dict:
        """What a run records of its input (summary.json, the comparison run)."""
        return {"kind": self.kind, "file": self.path.name, "format": self.format, "rows": self.rows,
                "sha256": self.sha256, "columns": dict(self.columns)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _match(kind: Kind, headers: list, label: str, *, row: int = 1) -> dict[str, int]:
    """column key → position in ``headers``; raises InputUnusable for a missing or repeated column."""
    known = header_map(kind)
    positions: dict[str, int] = {}
    for i, cell in enumerate(headers):
        key = known.get(header_key(cell)) if cell is not None else None
        if key is None:
            continue
        if key in positions:
            first = headers[positions[key]]
            raise InputUnusable(f"{label}第{row}行的表头中“{first}”和“{cell}”都是“{kind.column(key).header}”列，"
                                "请只保留一列")
        positions[key] = i
    missing = [c.header for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise InputUnusable(f"{label}缺少必需的列：{'、'.join(missing)}（第{row}行应为表头；可用的列名见 docs/compare.md）")
    return positions


def _csv_encoding(path: Path, label: str) -> str:
    """utf-8-sig, utf-8 or gb18030, decided from the whole file (a sample could end in the middle of a
    character, or hold only ASCII while a Chinese name comes later)."""
    with path.open("rb") as handle:
        head = handle.read(3)
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 22), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise InputUnusable(f"{label}的编码无法识别：CSV 文件应为 UTF-8 或 GB18030（GBK）编码")


def _csv_header(path: Path, encoding: str, label: str) -> list[str]:
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            return next(csv.reader(handle), [])
    except csv.Error as exc:
        raise InputUnusable(f"{label}不是有效的 CSV 文件：{exc}") from None


def _recode(path: Path, workdir: Path) -> Path:
    target = workdir / f"{path.stem}.utf8.csv"
    with path.open("rb") as source, target.open("wb") as out:
        decoder = codecs.getincrementaldecoder("gb18030")()
        for block in iter(lambda: source.read(1 << 22), b""):
            out.write(decoder.decode(block).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def _cell_text(value) -> str | None:
    """A spreadsheet cell as the engine's text: empty cells NULL, the rest as the workbook reader reads them."""
    return None if value is None or value == "" else to_text(value)


def _open_sheet(spec: InputFile) -> None:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    limits = current_limits()
    label = spec.label
    try:
        if spec.path.suffix.lower() == ".xls":
            check_file_size(spec.path, min(limits.registry_max_bytes, limits.registry_xls_max_bytes), what="名册文件")
        else:
            sheet_limit = SheetLimit(limits.registry_max_rows, limits.registry_max_columns, limits.registry_max_cells)
            check_xlsx(spec.path, max_bytes=limits.registry_max_bytes,
                       max_uncompressed=limits.registry_max_uncompressed_bytes, sheet_limit=lambda _name: sheet_limit,
                       first_sheet_only=True, limits=limits)
    except FileRefused as exc:
        raise InputUnusable(f"{label}：{exc.reason}") from None
    try:
        sheet = CalamineWorkbook.from_path(str(spec.path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several kinds for damaged or mislabelled files
        raise InputUnusable(f"无法读取{label}：不是有效的 Excel 工作簿，或文件已损坏（{type(exc).__name__}）") from None
    kind = KINDS[spec.kind]
    positions = None
    first_problem = None
    for number, cells in enumerate(rows, start=1):
        try:
            positions = _match(kind, list(cells), label, row=number)
            spec.header_row = number
            break
        except InputUnusable as exc:
            first_problem = first_problem or exc
            if number >= HEADER_SEARCH_ROWS:
                break
    if positions is None:
        raise first_problem or InputUnusable(f"{label}是空的：没有表头行")
    spec.columns = {key: str(cells[i]) for key, i in positions.items()}  # ``cells``: the header row
    columns: dict[str, list] = {key: [] for key in positions}
    numbers: list[int] = []
    id_at = positions["id_raw"]
    for number, cells in enumerate(rows, start=spec.header_row + 1):
        if not any(c not in (None, "") for c in cells):
            continue
        id_cell = cells[id_at] if id_at < len(cells) else None
        if isinstance(id_cell, (int, float)) and not isinstance(id_cell, bool):
            raise InputUnusable(
                f"{label}第{number}行“{spec.columns['id_raw']}”列是以数字格式保存的单元格：Excel 数字只保留 15 位有效"
                "数字，身份证号的末几位已经丢失，无法还原。请把该列设为“文本”格式后重新导出")
        for key, i in positions.items():
            columns[key].append(_cell_text(cells[i]) if i < len(cells) else None)
        numbers.append(number)
    arrays = {key: pa.array(values, type=pa.string()) for key, values in columns.items()}
    for column in kind.columns:  # optional columns the file lacks: empty
        arrays.setdefault(column.key, pa.nulls(len(numbers), type=pa.string()))
    arrays["_row"] = pa.array(numbers, type=pa.int64())
    spec.table = pa.table(arrays)
    spec.rows = len(numbers)


def input_open(kind: str, path, *, workdir: Path) -> InputFile:
    """Check one file and make it ready for the engine (header matched, encoding known, checksum taken)."""
    if kind not in KINDS:
        raise InputUnusable(f"未知的名册类型“{kind}”：可用 {'、'.join(KINDS)}")
    path = Path(path)
    label = f"{KINDS[kind].title}（{path.name}）"
    if not path.is_file():
        raise InputUnusable(f"找不到{label}：{path}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputUnusable(f"{label}的格式“{suffix or '（无扩展名）'}”不支持：请提供 .xlsx、.xls、.csv 或 .parquet 文件")
    limits = current_limits()
    spec = InputFile(kind=kind, path=path, format="sheet" if suffix in SPREADSHEET_SUFFIXES else suffix[1:])
    if spec.format == "csv" or spec.format == "parquet":
        try:
            check_file_size(path, limits.roster_max_bytes, what="名册文件")
        except FileRefused as exc:
            raise InputUnusable(f"{label}：{exc.reason}") from None
    # the checksum taken in a second thread while the file is checked (hashlib lets go of the GIL: on a 633 MB CSV
    # the hash and the decoding that decides the encoding then overlap)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as pool:
        digest = pool.submit(_sha256, path)
        if spec.format == "sheet":
            _open_sheet(spec)
        elif spec.format == "csv":
            spec.encoding = _csv_encoding(path, label)
            header = _csv_header(path, spec.encoding, label)
            positions = _match(KINDS[kind], header, label)
            spec.columns = {key: header[i] for key, i in positions.items()}
            spec.read_path = _recode(path, workdir) if spec.encoding == "gb18030" else path
        else:
            spec.columns = _parquet_columns(spec, label)
        spec.sha256 = digest.result()
    return spec


def _parquet_columns(spec: InputFile, label: str) -> dict[str, str]:
    import pyarrow.parquet as pq

    limits = current_limits()
    try:
        meta = pq.ParquetFile(spec.path).metadata
        schema = pq.read_schema(spec.path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError … for a damaged file
        raise InputUnusable(f"无法读取{label}：不是有效的 Parquet 文件（{type(exc).__name__}）") from None
    inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if inflated > limits.roster_max_uncompressed_bytes:
        raise InputUnusable(f"{label}解压后约 {inflated // 2**20} MB，超过上限 {limits.roster_max_uncompressed_bytes // 2**20} MB"
                            "（JIXIAO_ROSTER_MAX_UNCOMPRESSED_MB）")
    names = list(schema.names)
    positions = _match(KINDS[spec.kind], names, label)
    id_type = schema.field(names[positions["id_raw"]]).type
    import pyarrow as pa

    if not (pa.types.is_string(id_type) or pa.types.is_large_string(id_type)):
        raise InputUnusable(f"{label}的“{names[positions['id_raw']]}”列是 {id_type} 类型：身份证号必须以文本保存"
                            "（数字类型会丢掉末位的 X 和开头的 0，超过 15 位还会丢失精度）")
    spec.rows = meta.num_rows
    return {key: names[i] for key, i in positions.items()}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def source_sql(spec: InputFile, *, registered: str | None = None, tolerant: bool = False) -> str:
    """A DuckDB SELECT of the file's canonical table: every column of the kind as text, plus ``_row``.
    A CSV is read by DuckDB's parallel reader, which refuses a row with fewer or more cells than the header;
    ``tolerant``: read by the single-threaded reader, which pads such a row with empty cells (slower: the ID checks
    that follow the reading then run in that one thread too)."""
    kind = KINDS[spec.kind]
    if spec.format == "sheet":
        return f"SELECT * FROM {registered}"
    columns = []
    for column in kind.columns:
        found = spec.columns.get(column.key)
        columns.append(f"CAST({_quoted(found)} AS VARCHAR) AS {column.key}" if found else
                       f"CAST(NULL AS VARCHAR) AS {column.key}")
    path = str(spec.read_path or spec.path).replace("'", "''")
    if spec.format == "parquet":
        return (f"SELECT {', '.join(columns)}, CAST(file_row_number AS BIGINT) + 2 AS _row "
                f"FROM read_parquet('{path}', file_row_number = true)")
    padded = ", null_padding = true, parallel = false" if tolerant else ""
    # ordinality counts records, so a cell holding a line break does not shift the rows after it (as in Excel)
    return (f"SELECT {', '.join(columns)}, CAST(ordinality AS BIGINT) + 1 AS _row "
            f"FROM read_csv('{path}', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
            f"strict_mode = false{padded}) WITH ORDINALITY")


def scientific_id_row(con, table: str, *, column: str = "id_raw") -> tuple[int, str] | None:
    """The first row whose ID (``column``) is written as 5.30125E+17 (a CSV saved from an Excel number), or None."""
    found = con.execute(f"SELECT _row, {column} FROM {table} WHERE REGEXP_MATCHES(TRIM({column}), '{SCIENTIFIC}') "
                        "ORDER BY _row LIMIT 1").fetchall()
    return (found[0][0], found[0][1]) if found else None


