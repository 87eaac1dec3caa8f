"""The comparison checks and normalises IDs in SQL; the registry import does it in Python (``common.ids``). They
must agree on every input: 120,000 random IDs, valid and mutated in every way a roster mangles them."""

import random
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from jixiao.common.ids import IdError, area_codes, check_digit, normalize_id
from jixiao.comparison.engine_duckdb import lookup_tables
from jixiao.comparison.sql import WHITESPACE, ids_view

TODAY = date(2026, 11, 23)
FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"}


def _valid(rng, areas) -> str:
    born = date(1900, 1, 1) + timedelta(rng.randrange((TODAY - date(1900, 1, 1)).days + 1))
    first = f"{rng.choice(areas)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first + check_digit(first)


def _mutations(rng, areas):
    """(label, raw value) pairs: the valid ID and what rosters do to IDs."""
    good = _valid(rng, areas)
    yield "valid", good
    yield "lower x", good.lower()
    yield "full-width", "".join(FULL.get(c, c) for c in good)
    yield "partly full-width", "".join(FULL.get(c, c) if rng.random() < 0.3 else c for c in good)
    spaced = list(good)
    for _ in range(rng.randint(1, 3)):
        spaced.insert(rng.randrange(len(spaced) + 1), rng.choice(WHITESPACE))
    yield "whitespace", "".join(spaced)
    yield "fifteen", good[:6] + good[8:17] if good[6:8] == "19" else good[:6] + good[8:17]
    yield "check digit", good[:17] + rng.choice([c for c in "0123456789X" if c != good[17]])
    yield "one digit", (lambda i: good[:i] + rng.choice("0123456789") + good[i + 1:])(rng.randrange(18))
    yield "swap", (lambda i: good[:i] + good[i + 1] + good[i] + good[i + 2:])(rng.randrange(17))
    yield "shorter", good[:rng.randrange(0, 18)]
    yield "longer", good + rng.choice("0123456789X")
    yield "letter", (lambda i: good[:i] + rng.choice("ABCOIlo中") + good[i + 1:])(rng.randrange(18))
    yield "bad date", good[:10] + rng.choice(["0230", "1301", "0000", "0431"]) + good[14:17] + "0"
    yield "future", good[:6] + f"{TODAY.year + 1}0101" + good[14:]
    yield "before 1900", good[:6] + "18991231" + good[14:]
    yield "bad area", "99" + good[2:]
    yield "roman ten", good[:17] + "Ⅹ"
    yield "symbols", rng.choice(["", " ", "　", "-", "null", "５３０１２５", "5.30125E+17"])


def _python(raw):
    try:
        return normalize_id(raw, today=TODAY)
    except IdError:
        return None


def test_sql_normalisation_equals_common_ids_on_120k_ids():
    rng = random.Random(20261201)
    areas = sorted(area_codes())
    values, labels = [], []
    while len(values) < 120_000:
        for label, raw in _mutations(rng, areas):
            values.append(raw)
            labels.append(label)
    values.append(None)
    labels.append("null")
    con = duckdb.connect()
    for name, table in lookup_tables().items():
        con.register(name, table)
    con.register("t", pa.table({"id_raw": pa.array(values, type=pa.string()),
                                "_row": pa.array(range(len(values)), type=pa.int64())}))
    got = dict(con.execute(f"SELECT _row, nid FROM ({ids_view('t', TODAY)})").fetchall())
    expected = [_python(v) for v in values]
    wrong = [(labels[i], values[i], expected[i], got[i]) for i in range(len(values)) if expected[i] != got[i]]
    assert not wrong, wrong[:20]
    # the test means something only if both outcomes occur for most mutations
    valid = {label for label, e in zip(labels, expected, strict=True) if e}
    invalid = {label for label, e in zip(labels, expected, strict=True) if e is None}
    assert {"valid", "lower x", "full-width", "whitespace", "fifteen"} <= valid - invalid
    assert {"check digit", "bad date", "future", "before 1900", "bad area", "longer", "roman ten"} <= invalid - valid
    assert len(values) > 100_000


def test_every_invalid_id_has_a_reason():
    con = duckdb.connect()
    for name, table in lookup_tables().items():
        con.register(name, table)
    good = "530125198001011231"
    samples = ["", "123", good[:17] + "0", "53012519800230123" + "0", "9901251980010112" + "31", "53012A198001011231",
               "53012519800101123"]
    con.register("t", pa.table({"id_raw": pa.array(samples, type=pa.string()),
                                "_row": pa.array(range(len(samples)), type=pa.int64())}))
    reasons = dict(con.execute(f"SELECT _row, id_problem FROM ({ids_view('t', TODAY)})").fetchall())
    assert reasons[0] == "身份证号为空"
    assert reasons[1] == "身份证号应为18位（或15位旧号），实际为3位"
    assert reasons[2] == "校验位错误：按前17位计算应为“1”，实际为“0”"
    assert reasons[3] == "出生日期“19800230”不是1900年至今的真实日期"
    assert reasons[4].startswith("前6位地区码“990125”")
    assert reasons[5] == "身份证号只能由数字组成，最后一位可以是 X"
    assert reasons[6] == "身份证号应为18位（或15位旧号），实际为17位"
