"""银行卡号 and 社保卡号 wherever the registry shows a person: masked like IDs on the person page, in its history
and in the export, for every role; whole only through the recorded reveal or the recorded full export, for the
roles that may see IDs whole. ``registry_table_for_comparison`` gives them whole (the county's own payment lists)."""

import io
import re

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jixiao.changelog.models import ChangeRecord
from jixiao.common.pii import mask_card_number
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person, PersonChange
from jixiao.registry.selectors import registry_table_for_comparison
from jixiao.registry.services import EXPORT_HEADER
from tests.registry.rows import HEADER, row, write_csv
from tests.registry.test_views import SEES, UNMASKS

pytestmark = pytest.mark.django_db

CARDS = {  # invented numbers: (银行卡号, 社保卡号, 开户行) per person of the registry world
    "yiliang": ("6222021234567890123", "A12345678", "中国农业银行宜良县支行"),
    "fumin": ("6217000012345678", "530124198001011234", "富滇银行富民支行"),
    "yl_town": ("622202123456", "B98765432", "中国邮政储蓄银行宜良县支行"),
    "yl_village": ("", "", ""),  # none given
}
CODES = {"yiliang": "530125003004", "fumin": "530124001001", "yl_town": "530125001", "yl_village": "530125001002"}


@pytest.fixture
def world(registry_world, tmp_path):
    """The registry world (tests/registry/conftest.py) with card numbers imported for three of its persons."""
    rows = [{**row(姓名=p.name, 身份证号=p.id_number, 户籍地区划代码=CODES[key], 联系电话=p.phone),
             "银行卡号": CARDS[key][0], "社保卡号": CARDS[key][1], "开户行": CARDS[key][2]}
            for key, p in registry_world.persons.items()]
    result = registry_import(write_csv(tmp_path / "卡号.csv", rows, header=[*HEADER, "银行卡号", "社保卡号", "开户行"]),
                             actor=None, parallel=False)
    assert (result.updated, result.rejected) == (3, 0)
    for person in registry_world.persons.values():
        person.refresh_from_db()
    return registry_world


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def numbers(key):
    return [n for n in CARDS[key][:2] if n]


def test_masked_like_ids():
    assert mask_card_number("6222021234567890123") == "6222***********0123"  # as an ID: first four, last four
    assert mask_card_number("A12345678") == "A1*****78"  # a short number: at least half hidden


@pytest.mark.parametrize("persona", ["city", "finance_city", "county_yl", "village_yl"])
def test_the_person_page_shows_them_masked_for_every_role(world, persona):
    client = client_for(world, persona)
    for key in SEES[persona]:
        html = client.get(f"/registry/persons/{world.persons[key].pk}/").content.decode()
        for number in numbers(key):
            assert number not in html and mask_card_number(number) in html, (persona, key)
        assert (CARDS[key][2] or "开户行</th><td id=\"person-bank-name\">—") in html  # the bank's name is not masked


@pytest.mark.parametrize("persona", ["city", "finance_city", "county_yl", "town_yl"])
def test_the_reveal_shows_them_whole_only_to_roles_that_see_ids_whole_and_records_it(world, persona):
    person = world.persons["yl_town"]
    response = client_for(world, persona).post(f"/registry/persons/{person.pk}/reveal/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    if persona in UNMASKS:
        assert response.status_code == 200 and all(n in html for n in numbers("yl_town"))
        view = PersonChange.objects.get(person=person, action="view")
        assert "银行卡号" in view.changes["查看"][1] and "社保卡号" in view.changes["查看"][1]
        assert ChangeRecord.objects.filter(action="view", note__contains="银行卡号").count() == 1
    else:
        assert response.status_code == 403 and not any(n in html for n in numbers("yl_town"))
        assert not PersonChange.objects.filter(action="view").exists()


def _export(client, query=""):
    response = client.get(f"/registry/export.xlsx{query}")
    if response.status_code != 200:
        return response.status_code, None
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.get_sheet_by_index(0).to_python()
    return 200, [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]


@pytest.mark.parametrize("persona", ["city", "finance_city", "county_yl"])
def test_the_export_masks_them_unless_a_full_export_is_allowed(world, persona):
    client = client_for(world, persona)
    status, rows = _export(client)
    assert status == 200 and EXPORT_HEADER[-3:] == ["银行卡号", "社保卡号", "开户行"]
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {world.persons[k].name for k in SEES[persona]}
    for key in SEES[persona]:
        exported = by_name[world.persons[key].name]
        bank, social, bank_name = CARDS[key]
        assert (exported["银行卡号"], exported["社保卡号"], exported["开户行"]) == (
            mask_card_number(bank), mask_card_number(social), bank_name)
    status, rows = _export(client, "?full=1")
    if persona in UNMASKS:
        assert {(r["银行卡号"], r["社保卡号"]) for r in rows} == {CARDS[k][:2] for k in SEES[persona]}
        assert ChangeRecord.objects.filter(action="export", note__contains="银行卡号").count() == 1
    else:
        assert status == 403


@pytest.mark.parametrize("persona", ["city", "county_yl"])
def test_the_history_shows_changed_card_numbers_masked(world, tmp_path, persona):
    person = world.persons["yiliang"]
    changed = {**row(姓名=person.name, 身份证号=person.id_number, 户籍地区划代码=CODES["yiliang"], 联系电话=person.phone),
               "银行卡号": "6217000099998888", "社保卡号": ""}
    result = registry_import(write_csv(tmp_path / "换卡.csv", [changed], header=[*HEADER, "银行卡号", "社保卡号"]),
                             actor=None, parallel=False)
    assert result.updated == 1
    html = client_for(world, persona).get(f"/registry/persons/{person.pk}/").content.decode()
    history = re.search(r'<table id="person-history">.*?</table>', html, re.S).group(0)
    assert f"银行卡号：{mask_card_number(CARDS['yiliang'][0])} → {mask_card_number('6217000099998888')}" in history
    assert f"社保卡号：{mask_card_number(CARDS['yiliang'][1])} → （空）" in history
    assert "6217000099998888" not in html and CARDS["yiliang"][0] not in html and CARDS["yiliang"][1] not in html


def test_the_comparison_table_holds_them_whole(world):
    table = registry_table_for_comparison(user=world.users["county_yl"]).to_pylist()
    got = {r["id_raw"]: (r["bank_card"], r["social_card"], r["bank_name"]) for r in table}
    expected = {world.persons[k].id_number: tuple(v or None for v in CARDS[k]) for k in SEES["county_yl"]}
    assert got == expected  # whole, unmasked; NULL where none (as an empty cell of a file)
    assert len(registry_table_for_comparison(user=world.users["county_fm"])) == 1  # region scoping unchanged
    assert Person.objects.get(pk=world.persons["fumin"].pk).bank_card == CARDS["fumin"][0]
