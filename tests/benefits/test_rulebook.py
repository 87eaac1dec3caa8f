"""Rule book versions: the shipped default is version 1 on first use; a change is a new version (checked by the
engine, Chinese message, audited), never an edit — also in Django admin."""

import json

import pytest

from jixiao.benefits import selectors, services
from jixiao.benefits.models import RuleBookVersion
from jixiao.changelog.models import ChangeRecord
from jixiao.entitlements.parameters import DEFAULT_BOOK, rulebook_load

pytestmark = pytest.mark.django_db


def raised_book(amount: str = "300", version: str = "2026.2") -> dict:
    """The shipped book with the pension subsidy raised from 2024 on."""
    book = json.loads(json.dumps(rulebook_load().source))
    book["version"] = version
    book["programmes"]["pension_subsidy"]["parameters"]["amount"].append(
        {"from": "2024-01-01", "value": amount, "policy": "测试文号〔2024〕1号"})
    return book


def test_the_shipped_default_is_version_1_on_first_use():
    assert selectors.rulebook_version_current() is None
    first = services.rulebook_default_ensure()
    shipped = rulebook_load()
    assert (first.number, first.version, first.digest) == (1, shipped.version, shipped.digest)
    assert services.rulebook_of(first).digest == shipped.digest  # the stored JSON reads back as the same book
    assert services.rulebook_default_ensure().pk == first.pk and RuleBookVersion.objects.count() == 1
    assert ChangeRecord.objects.filter(object_type="补助项目规则版本", action="create").count() == 1


def test_a_change_is_a_new_version_checked_and_audited(world):
    admin = world.users["admin"]
    version = services.rulebook_version_create(actor=admin, data=raised_book(), note="提高养老保险补助标准")
    assert (version.number, version.version, version.created_by_label) == (2, "2026.2", "admin")
    assert selectors.rulebook_version_current().pk == version.pk
    assert RuleBookVersion.objects.get(number=1).book == rulebook_load().source  # version 1 untouched
    record = ChangeRecord.objects.filter(object_type="补助项目规则版本").order_by("-id").first()
    assert record.changes == {"规则版本": ["2026.1", "2026.2"]} and record.note == "提高养老保险补助标准"
    # the same version number again, a book the engine refuses, TOML that does not parse: nothing stored
    with pytest.raises(services.BenefitsInvalid, match="版本号“2026.2”已经用过"):
        services.rulebook_version_create(actor=admin, data=raised_book(amount="400"))
    bad = raised_book(version="2026.3")
    bad["programmes"]["pension_subsidy"]["parameters"]["amount"][-1]["policy"] = ""
    with pytest.raises(services.BenefitsInvalid, match="没有写政策文号"):
        services.rulebook_version_create(actor=admin, data=bad)
    with pytest.raises(services.BenefitsInvalid, match="规则格式有误（TOML）"):
        services.rulebook_version_create(actor=admin, toml_text="version = ")
    assert RuleBookVersion.objects.count() == 2


def test_toml_text_is_accepted_and_only_the_administrator_may_add(world):
    text = DEFAULT_BOOK.read_text(encoding="utf-8").replace('version = "2026.1"', 'version = "2026.5"')
    with pytest.raises(services.BenefitsDenied, match="系统管理员"):
        services.rulebook_version_create(actor=world.users["county_yl"], toml_text=text)
    version = services.rulebook_version_create(actor=world.users["admin"], toml_text=text)
    assert version.version == "2026.5" and services.rulebook_of(version).programmes.keys() == rulebook_load().programmes.keys()


def test_admin_adds_a_version_through_the_service_and_never_edits_one(world, client):
    client.force_login(world.users["admin"])
    page = client.get("/admin/benefits/rulebookversion/add/")
    assert page.status_code == 200 and "version = &quot;2026.1&quot;" in page.content.decode()
    text = DEFAULT_BOOK.read_text(encoding="utf-8")
    refused = client.post("/admin/benefits/rulebookversion/add/", {"text": text, "note": "未改版本号"})
    assert refused.status_code == 200 and "已经用过" in refused.content.decode()
    text = text.replace('version = "2026.1"', 'version = "2026.7"')
    done = client.post("/admin/benefits/rulebookversion/add/", {"text": text, "note": "经管理员修改"})
    assert done.status_code == 302
    version = RuleBookVersion.objects.get(version="2026.7")
    assert (version.number, version.note, version.created_by_label) == (2, "经管理员修改", "admin")
    assert ChangeRecord.objects.filter(object_type="补助项目规则版本", subject_id=str(version.pk)).count() == 1
    view = client.get(f"/admin/benefits/rulebookversion/{version.pk}/change/")
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()  # read-only
    assert client.post(f"/admin/benefits/rulebookversion/{version.pk}/change/", {"note": "改"}).status_code == 403
    assert client.post(f"/admin/benefits/rulebookversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert RuleBookVersion.objects.get(pk=version.pk).note == "经管理员修改"
