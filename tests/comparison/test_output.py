"""Pieces of the output writers that the whole-run tests do not reach on their own."""

import pyarrow as pa
import pytest

from jixiao.comparison.output import utf8_values


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.string_view()])
def test_row_xml_bytes_are_the_values_joined_also_for_a_slice(kind):
    array = pa.array(["<row>甲</row>", "<row>b</row>", "<row>丙</row>"], type=kind)
    assert bytes(utf8_values(array)) == "<row>甲</row><row>b</row><row>丙</row>".encode()
    assert bytes(utf8_values(array.slice(1))) == "<row>b</row><row>丙</row>".encode()
    assert bytes(utf8_values(array.slice(1, 1))) == b"<row>b</row>"
    assert bytes(utf8_values(array.slice(3))) == b""
    with pytest.raises(ValueError):
        utf8_values(pa.array(["<row/>", None], type=kind))
