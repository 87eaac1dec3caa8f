"""The dashboard rolls projects up to their county-level unit reading only the regions it needs — not the
whole tree (1,908 regions for Kunming, 16,495 with the rest of Yunnan loaded)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.evaluations.selectors import _dashboard_compute
from jixiao.regions.models import Region

pytestmark = pytest.mark.django_db


def test_dashboard_reads_project_regions_and_their_ancestors_only(world):
    table = Region._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        board = _dashboard_compute(user=world.users["admin"], year=None)
    region_queries = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(region_queries) == 2 and all("WHERE" in sql for sql in region_queries)
    # township and village projects count for 宜良县
    assert [(row.region, row.projects) for row in board.by_county] == [("昆明市", 1), ("富民县", 1), ("宜良县", 3)]
    assert board.projects == board.evaluated == 5
