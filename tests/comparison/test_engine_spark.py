"""Which statements the Spark engine materialises (decided without Spark: the engine's own test is test_spark.py)."""

from jixiao.comparison.engine_spark import read_more_than_once
from jixiao.comparison.sql import Statement


def test_a_statement_read_by_two_later_ones_or_two_parts_is_materialised():
    steps = [
        Statement("a_ids", "SELECT 1"),
        Statement("b", "SELECT * FROM a_ids"),
        Statement("c", "SELECT * FROM a_ids JOIN b ON TRUE"),  # a_ids read twice; b once so far
        Statement("d", "SELECT * FROM c JOIN a_ids_x ON TRUE"),  # a_ids_x is another name, not a read of a_ids
        Statement("findings_unsorted", "SELECT * FROM d UNION ALL SELECT * FROM d JOIN b ON TRUE",
                  parts=("SELECT * FROM d", "SELECT * FROM d JOIN b ON TRUE")),  # d read by two parts
    ]
    assert read_more_than_once(steps) == {"a_ids", "b", "d"}


def test_a_statement_read_once_is_left_to_the_query_that_reads_it():
    steps = [Statement("a", "SELECT 1"), Statement("b", "SELECT * FROM a"),
             Statement("findings_unsorted", "SELECT * FROM b", parts=("SELECT * FROM b",))]
    assert read_more_than_once(steps) == set()
