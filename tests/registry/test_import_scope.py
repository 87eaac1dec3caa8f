"""Registry import scope: a row may create or change a person only if the person's region in the
registry and the row's new region both lie in the importer's region; a row about a person held
elsewhere is refused without quoting anything the registry holds. The same through the service,
the command line (--actor) and the web import; and who may import at all."""

import csv

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jixiao.cli import main
from jixiao.regions.models import Region
from jixiao.registry.importer import OUTSIDE_SCOPE, registry_import
from jixiao.registry.models import Person, PersonChange
from jixiao.registry.services import RegistryDenied
from tests.registry.rows import TODAY, make_id, row, write_csv

pytestmark = pytest.mark.django_db

# Held in 富民县 (not 宜良县): what the registry knows of them must never reach a 宜良县 importer.
FUMIN = {"姓名": "富民登记人", "身份证号": make_id(area="530124", seq="301"), "户籍地区划代码": "530124001001",
         "户籍地址": "富民虚构路3号", "联系电话": "13911110000", "残疾类别": "视力", "残疾等级": "一级"}
YILIANG = {"姓名": "宜良登记人", "身份证号": make_id(seq="302"), "户籍地区划代码": "530125003004",
           "户籍地址": "宜良虚构路4号", "联系电话": "13922220000"}
LEAVING = {"姓名": "宜良外迁人", "身份证号": make_id(seq="303"), "户籍地区划代码": "530125003004",
           "联系电话": "13933330000"}


@pytest.fixture
def world(world, tmp_path):
    seed = write_csv(tmp_path / "seed.csv", [row(**FUMIN), row(**YILIANG), row(**LEAVING)])
    assert registry_import(seed, actor=None, today=TODAY, parallel=False).created == 3
    return world


def _held(id_number):
    person = Person.objects.select_related("certificate").get(id_number=id_number)
    cert = person.certificate
    return (person.name, person.region_id, person.region_code, person.address, person.phone, person.updated_at,
            cert.category, cert.level, cert.number)


def _county_file(tmp_path, fumin_name):
    """A 宜良县 file: a 富民县 person (by ID) moved into 宜良县 with a new phone; a 宜良县 person moved within
    the county; another 宜良县 person moved out to 富民县."""
    return write_csv(tmp_path / "宜良名册.csv", [
        row(姓名=fumin_name, 身份证号=FUMIN["身份证号"], 户籍地区划代码="530125003004", 联系电话="13800000001",
            户籍地址="宜良虚构路9号"),
        row(**{**YILIANG, "户籍地区划代码": "530125001002", "联系电话": "13800000002"}),
        row(**{**LEAVING, "户籍地区划代码": "530124001002"}),
    ])


def _report_text(paths) -> str:
    """Every cell of the CSV and the .xlsx error report, as one text."""
    csv_path, xlsx_path = paths
    text = csv_path.read_text(encoding="utf-8-sig")
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
    return text + "\n".join("|".join(str(c) for c in r) for r in sheet)


def _report_rows(csv_path) -> list[dict]:
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_outcome(world, report_paths, before_fumin, *, committed: bool):
    # the 富民县 person: exactly as held, no history row
    assert _held(FUMIN["身份证号"]) == before_fumin
    fumin = Person.objects.get(id_number=FUMIN["身份证号"])
    assert (fumin.region.code, fumin.region.parent.parent) == ("530124001001", world.regions["fumin"])
    assert not PersonChange.objects.filter(person=fumin).exists()
    # the one moved out of 宜良县: refused by the new region
    leaving = Person.objects.get(id_number=LEAVING["身份证号"])
    assert (leaving.region.code, leaving.region_code) == ("530125003004", "530125003004")
    # the move within the county: done (or, in a dry run, only counted)
    moved = Person.objects.get(id_number=YILIANG["身份证号"])
    if committed:
        assert (moved.region, moved.region_code, moved.phone) == (world.regions["yl_village"], "530125001002", "13800000002")
        assert PersonChange.objects.get(person=moved).changes["户籍地区划代码"] == ["530125003004", "530125001002"]
    else:
        assert (moved.region_code, moved.phone) == ("530125003004", "13922220000")
        assert not PersonChange.objects.filter(person=moved).exists()
    # the report: the neutral reason for the outsider, the region reason for the one leaving, nothing held
    found = _report_rows(report_paths[0])
    assert sorted((r["行号"], r["列"], r["原值"], r["原因"]) for r in found) == [
        ("2", "身份证号", FUMIN["身份证号"], OUTSIDE_SCOPE),
        ("4", "户籍地区划代码", "530124001002", "该人员的户籍地不在您的辖区内"),
    ]
    text = _report_text(report_paths)
    held = Person.objects.select_related("region", "certificate").get(id_number=FUMIN["身份证号"])
    for value in (held.name, held.phone, held.address, held.region_code, held.region.name, "富民",
                  held.certificate.number, held.certificate.get_category_display(), held.certificate.get_level_display()):
        assert value not in text, value


@pytest.mark.parametrize("fumin_name", ["冒名者", FUMIN["姓名"]])
@pytest.mark.parametrize("dry_run", [False, True])
def test_service_refuses_person_held_outside_the_importers_region(world, tmp_path, fumin_name, dry_run):
    before = _held(FUMIN["身份证号"])
    result = registry_import(_county_file(tmp_path, fumin_name), actor=world.users["county_yl"], today=TODAY,
                             parallel=False, dry_run=dry_run, errors_path=tmp_path / "报告")
    assert (result.updated, result.created, result.rejected, result.committed) == (1, 0, 2, not dry_run)
    _assert_outcome(world, result.error_files, before, committed=not dry_run)


def test_outsider_refused_in_a_chunk_read_by_the_worker_process(world, tmp_path):
    before = _held(FUMIN["身份证号"])
    result = registry_import(_county_file(tmp_path, "冒名者"), actor=world.users["county_yl"], today=TODAY,
                             parallel=True, errors_path=tmp_path / "报告")
    assert (result.updated, result.rejected) == (1, 2)
    _assert_outcome(world, result.error_files, before, committed=True)


def test_administrator_and_command_line_move_across_counties(world, tmp_path):
    for actor in (world.users["admin"], None):
        path = write_csv(tmp_path / "全市.csv", [row(**{**FUMIN, "户籍地区划代码": "530125003004"})])
        result = registry_import(path, actor=actor, today=TODAY, parallel=False)
        assert (result.updated, result.rejected) == (1, 0)
        moved = Person.objects.select_related("region").get(id_number=FUMIN["身份证号"])
        assert moved.region.code == "530125003004" and moved.region.path.startswith(world.regions["yiliang"].path)
        Person.objects.filter(id_number=FUMIN["身份证号"]).update(region=Region.objects.get(code="530124001001"),
                                                                 region_code="530124001001")


def test_township_user_limited_to_the_township(world, tmp_path):
    # 匡远街道 (530125001) of 宜良县: a 宜良县 person held outside the township is not theirs to change
    path = write_csv(tmp_path / "街道.csv", [row(**{**YILIANG, "户籍地区划代码": "530125001002"})])
    result = registry_import(path, actor=world.users["town_yl"], today=TODAY, parallel=False,
                             errors_path=tmp_path / "报告")
    assert (result.updated, result.rejected) == (0, 1)
    assert _report_rows(result.error_files[0])[0]["原因"] == OUTSIDE_SCOPE
    assert Person.objects.get(id_number=YILIANG["身份证号"]).region.code == "530125003004"  # unchanged


@pytest.mark.parametrize("persona", ["city", "finance_city", "finance_fm", "evaluator"])
def test_roles_that_may_not_import(world, tmp_path, persona):
    path = write_csv(tmp_path / "新.csv", [row(姓名="新人", 身份证号=make_id(seq="401"))])
    with pytest.raises(RegistryDenied, match="不能导入名册"):
        registry_import(path, actor=world.users[persona], today=TODAY, parallel=False)
    assert main(["import", "registry", str(path), "--actor", persona]) == 2
    client = Client()
    client.force_login(world.users[persona])
    assert client.get("/registry/import/").status_code == 403
    with open(path, "rb") as handle:
        assert client.post("/registry/import/", {"file": handle}).status_code == 403
    assert not Person.objects.filter(name="新人").exists()


def test_anonymous_actor_is_not_the_command_line(world, tmp_path):
    from django.contrib.auth.models import AnonymousUser

    path = write_csv(tmp_path / "新.csv", [row(姓名="新人", 身份证号=make_id(seq="402"))])
    with pytest.raises(RegistryDenied):
        registry_import(path, actor=AnonymousUser(), today=TODAY, parallel=False)


@pytest.mark.parametrize("fumin_name", ["冒名者", FUMIN["姓名"]])
def test_cli_with_actor_refuses_outsider(world, tmp_path, capsys, fumin_name):
    before = _held(FUMIN["身份证号"])
    path = _county_file(tmp_path, fumin_name)
    assert main(["import", "registry", str(path), "--actor", "county_yl", "--errors", str(tmp_path / "报告")]) == 1
    _assert_outcome(world, [tmp_path / "报告.csv", tmp_path / "报告.xlsx"], before, committed=True)
    out = capsys.readouterr().out
    assert FUMIN["姓名"] not in out and FUMIN["联系电话"] not in out


@pytest.mark.parametrize("fumin_name", ["冒名者", FUMIN["姓名"]])
def test_web_import_refuses_outsider(world, tmp_path, run_jobs_here, fumin_name):
    before = _held(FUMIN["身份证号"])
    client = Client()
    client.force_login(world.users["county_yl"])
    with run_jobs_here(), open(_county_file(tmp_path, fumin_name), "rb") as handle:
        response = client.post("/registry/import/", {"file": handle})
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "更新 1" in html and "拒绝 2" in html and FUMIN["姓名"] not in html
    paths = []
    for kind in ("csv", "xlsx"):
        download = client.get(response.url + f"files/错误报告.{kind}")
        target = tmp_path / f"下载.{kind}"
        target.write_bytes(b"".join(download.streaming_content))
        paths.append(target)
    _assert_outcome(world, paths, before, committed=True)
