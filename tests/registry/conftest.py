"""The registry's shared test world: build_world() plus one person in each region of it."""

import pytest

from jixiao.registry.models import Person
from tests.personas import build_world
from tests.registry.test_import import make_id, row, write_csv


@pytest.fixture
def world(tmp_path):
    world = build_world()
    # give the invented township and village GB-like codes under 宜良县 so rows can point at them
    town, village = world.regions["yl_town"], world.regions["yl_village"]
    town.gb_code, village.gb_code = "530125001", "530125001002"
    town.save()
    village.save()
    from jixiao.registry.importer import registry_import

    codes = {"yiliang": "530125003004", "fumin": "530124001001", "yl_town": "530125001", "yl_village": "530125001002"}
    rows = [row(姓名=f"人员{key}", 身份证号=make_id(seq=f"{100 + i}"), 户籍地区划代码=code, 联系电话=f"1390000{i:04d}")
            for i, (key, code) in enumerate(codes.items())]
    registry_import(write_csv(tmp_path / "seed.csv", rows), actor=None, parallel=False)
    world.persons = {key: Person.objects.get(name=f"人员{key}") for key in codes}
    return world
