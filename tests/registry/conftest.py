"""The registry pages' test world: the shared world plus one person in each of four of its regions."""

import pytest

from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person
from tests.registry.rows import make_id, row, write_csv


@pytest.fixture
def registry_world(world, tmp_path):
    codes = {"yiliang": "530125003004", "fumin": "530124001001", "yl_town": "530125001", "yl_village": "530125001002"}
    rows = [row(姓名=f"人员{key}", 身份证号=make_id(seq=f"{100 + i}"), 户籍地区划代码=code, 联系电话=f"1390000{i:04d}")
            for i, (key, code) in enumerate(codes.items())]
    registry_import(write_csv(tmp_path / "seed.csv", rows), actor=None, parallel=False)
    world.persons = {key: Person.objects.get(name=f"人员{key}") for key in codes}
    return world
