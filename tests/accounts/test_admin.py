"""Users and assignments edited in Django admin go through the account services: the same rules as
anywhere else, and the same audit rows."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jixiao.accounts.models import Profile, ProjectAssignment
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Xk2#pq9!Lm-27"


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def _add(client, **fields):
    data = {"username": "newcounty", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "role": "county",
            "region": "", "unit": "", "full_name": "新用户"}
    return client.post("/admin/auth/user/add/", {**data, **fields})


def test_user_created_in_admin_needs_a_region_matching_its_role(world):
    client = _admin(world)
    bad = _add(client, region=world.regions["kunming"].pk)
    assert bad.status_code == 200 and "县（市、区）" in bad.content.decode()
    assert not get_user_model().objects.filter(username="newcounty").exists()
    weak = _add(client, region=world.regions["fumin"].pk, password1="12345678", password2="12345678")
    assert weak.status_code == 200 and not get_user_model().objects.filter(username="newcounty").exists()
    good = _add(client, region=world.regions["fumin"].pk)
    assert good.status_code == 302, good.content.decode()[:3000]
    user = get_user_model().objects.get(username="newcounty")
    profile = Profile.objects.get(user=user)
    assert (profile.role, profile.region, profile.full_name) == ("county", world.regions["fumin"], "新用户")
    assert (user.is_staff, user.is_superuser, user.check_password(NEW_PASSWORD)) == (False, False, True)
    record = ChangeRecord.objects.filter(object_type="用户", action="create", actor_label="admin").get()
    assert (record.subject_id, record.region) == (str(user.pk), world.regions["fumin"])


def test_user_changed_in_admin_follows_the_role_rules_and_is_recorded(world):
    client = _admin(world)
    target = world.users["county_fm"]
    url = f"/admin/auth/user/{target.pk}/change/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"role": "township", "region": world.regions["fumin"].pk, "unit": "", "full_name": "",
                            "is_active": "on"})
    assert bad.status_code == 200 and "乡镇/街道" in bad.content.decode()
    assert Profile.objects.get(user=target).role == "county"
    response = client.post(url, {"role": "county", "region": world.regions["yiliang"].pk, "unit": "",
                                 "full_name": "改名", "is_active": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert Profile.objects.get(user=target).region == world.regions["yiliang"] and not target.is_active
    record = ChangeRecord.objects.filter(object_type="用户", action="update", subject_id=str(target.pk)).get()
    assert record.changes == {"所属区划": ["富民县", "宜良县"], "姓名": ["", "改名"], "可以登录": ["是", "否"]}
    assert record.actor_label == "admin"


def test_the_last_administrator_cannot_be_switched_off(world):
    client = _admin(world)
    admin_user = world.users["admin"]
    response = client.post(f"/admin/auth/user/{admin_user.pk}/change/", {
        "role": "admin", "region": "", "unit": "", "full_name": "", "is_active": ""}, follow=True)
    assert "最后一个有效的系统管理员" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.is_superuser


def test_password_set_in_admin_is_validated_and_recorded_without_the_password(world):
    client = _admin(world)
    target = world.users["county_fm"]
    url = f"/admin/auth/user/{target.pk}/password/"
    weak = client.post(url, {"password1": "123", "password2": "123"})
    assert weak.status_code == 200
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    record = ChangeRecord.objects.filter(object_type="用户", action="update", subject_id=str(target.pk)).get()
    assert record.changes == {"密码": ["", "（已重新设置）"]} and NEW_PASSWORD not in str(record.changes)


def test_assignment_made_and_withdrawn_in_admin_is_in_the_project_history(world):
    client = _admin(world)
    project = world.projects["yiliang"]
    evaluator = world.users["evaluator"]
    refused = client.post("/admin/accounts/projectassignment/add/", {"user": world.users["county_fm"].pk,
                                                                      "project": project.pk})
    assert refused.status_code == 200 and "不是第三方评价用户" in refused.content.decode()
    response = client.post("/admin/accounts/projectassignment/add/", {"user": evaluator.pk, "project": project.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = ProjectAssignment.objects.get(user=evaluator, project=project)
    created = changes_about(project).filter(object_type="评价委托", action="create").get()
    assert created.changes == {"评价人员": [None, "evaluator"]} and created.region == project.region
    response = client.post(f"/admin/accounts/projectassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ProjectAssignment.objects.filter(pk=assignment.pk).exists()
    assert changes_about(project).filter(object_type="评价委托", action="delete").count() == 1
