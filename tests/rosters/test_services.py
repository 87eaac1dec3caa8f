"""The comparison in the workbench: rosters kept, a run as a job, findings stored where they lie, the work list's
moves (audited), carry-over on a re-run, a certificate cancelled from a finding, the 走访清单."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.jobs.models import Job
from jixiao.registry.models import Certificate, Person, RegistryTally
from jixiao.rosters import selectors, services, storage
from jixiao.rosters.models import ComparisonRun, Finding, RosterFile
from jixiao.rosters.selectors import FindingFilters
from tests.rosters.world import (
    DEAD,
    DEATHS,
    FUMIN,
    NEIGHBOUR,
    PENSION,
    UNINSURED,
    VILLAGE,
    compare_now,
    registry_load,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(world, tmp_path):
    return registry_load(world, tmp_path)


@pytest.fixture
def run(reg, run_jobs_here):
    county = reg.world.users["county_yl"]
    rosters = [upload(county, "pension", PENSION), upload(county, "deaths", DEATHS)]
    return compare_now(county, rosters, run_jobs_here)


def kinds_of(findings):
    return sorted((f.kind, f.programme, f.id_number) for f in findings)


def test_upload_keeps_the_file_with_its_checksum_and_refuses_a_file_missing_a_column(reg):
    county = reg.world.users["county_yl"]
    roster = upload(county, "deaths", DEATHS)
    assert (roster.kind, roster.rows, len(roster.sha256), roster.region.code) == ("deaths", 2, 64, "530125")
    assert storage.roster_path(roster).read_bytes().startswith(b"\xef\xbb\xbf")
    assert ChangeRecord.objects.filter(subject_id=str(roster.pk), object_type="部门名册").count() == 1
    bad = SimpleUploadedFile("死亡.csv", "姓名,死亡日期\r\n甲,2024-01-01\r\n".encode())
    with pytest.raises(services.RosterInvalid, match="身份证号"):
        services.roster_upload(actor=county, kind="deaths", upload=bad)
    assert RosterFile.objects.count() == 1
    with pytest.raises(services.RostersDenied):
        upload(reg.world.users["village_yl"], "deaths", DEATHS)  # villages walk the lists; they do not upload


def test_upload_refuses_a_csv_no_reader_can_make_out_naming_the_file_not_the_servers_folder(reg):
    county = reg.world.users["county_yl"]
    unclosed = SimpleUploadedFile("死亡.csv", '姓名,身份证号,死亡日期\n"甲\n'.encode())
    with pytest.raises(services.RosterInvalid) as refused:
        services.roster_upload(actor=county, kind="deaths", upload=unclosed)
    message = str(refused.value)
    assert message.startswith("无法读取死亡人员名单（死亡.csv）：无法识别 CSV 的格式")
    assert str(storage.staging_folder()) not in message and "/" not in message
    assert RosterFile.objects.count() == 0


def test_a_list_of_beneficiaries_is_kept_for_cycles_but_not_compared(reg, run_jobs_here):
    county = reg.world.users["county_yl"]
    listed = upload(county, "beneficiaries", [{"姓名": "甲", "身份证号": UNINSURED, "金额(元)": "300"}])
    assert (listed.kind, listed.rows) == ("beneficiaries", 1)
    with pytest.raises(services.RosterInvalid, match="不是部门名册，不参加比对"):
        services.comparison_start(actor=county, year=2024, rosters=[listed])


def test_a_run_stores_its_findings_where_they_lie(run, reg):
    assert (run.status, run.is_current, run.year, run.region.code) == ("done", True, 2024, "530125")
    assert run.rules_version == "2024.1" and len(run.rules_digest) == 64
    assert sorted(i["kind"] for i in run.inputs) == ["deaths", "pension", "registry"]
    assert all(len(i["sha256"]) == 64 for i in run.inputs)  # the registry from the database: its table's digest
    findings = list(run.findings.select_related("region", "person"))
    assert kinds_of(findings) == sorted([
        ("deceased_active", "", DEAD), ("invalid_id", "", "53012519700301202"),
        ("uninsured", "pension", NEIGHBOUR), ("uninsured", "pension", UNINSURED)])
    assert run.total == 4 and run.counts["by_kind"]["uninsured"] == 2
    by_id = {f.id_number: f for f in findings}
    assert by_id[UNINSURED].region.code == VILLAGE and by_id[UNINSURED].person.name == "宜良甲"
    assert by_id[DEAD].event_date == date(2024, 3, 5)
    assert by_id["53012519700301202"].region.code == "530125" and by_id["53012519700301202"].person is None
    assert FUMIN not in by_id  # 富民县's person is outside 宜良县's registry
    assert all(f.status == "pending" for f in findings)
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "done" and job.result["figures"]["发现合计"] == 4
    assert job.result["link"]["url"] == f"/rosters/runs/{run.pk}/"
    out = storage.run_folder(run.pk)
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "findings.xlsx", "summary.json"]


def test_who_sees_which_findings(run, reg):
    users = reg.world.users
    ids = {p: {f.id_number for f in selectors.findings_visible(users[p])} for p in users}
    assert ids["county_yl"] == ids["city"] == ids["admin"] == {DEAD, UNINSURED, NEIGHBOUR, "53012519700301202"}
    assert ids["town_yl"] == {DEAD, UNINSURED, NEIGHBOUR}  # the roster's bad row lies at the county
    assert ids["village_yl"] == {DEAD, UNINSURED}
    assert ids["county_fm"] == ids["finance_fm"] == ids["evaluator"] == set()
    assert selectors.runs_visible(users["county_fm"]).count() == 0
    assert selectors.runs_visible(users["village_yl"]).count() == 0  # the run's page is the county's
    village_list = selectors.finding_list(user=users["village_yl"], filters=FindingFilters(kind="uninsured"))
    assert [f.id_number for f in village_list] == [UNINSURED]


def test_the_work_list_moves_are_checked_and_audited(run, reg):
    village = reg.world.users["village_yl"]
    finding = run.findings.get(id_number=UNINSURED)
    with pytest.raises(services.RosterInvalid, match="状态不能"):
        services.finding_status_set(actor=village, finding=finding, status="handled", note="x")
    with pytest.raises(services.RosterInvalid, match="为什么不属实"):
        services.finding_status_set(actor=village, finding=finding, status="rejected")
    services.finding_status_set(actor=village, finding=finding, status="confirmed", note="入户核实，未参保")
    services.finding_status_set(actor=village, finding=finding, status="handled", note="已动员参保")
    finding.refresh_from_db()
    assert (finding.status, finding.status_note) == ("handled", "已动员参保")
    history = list(changes_about(finding))
    assert [h.changes["核实状态"] for h in history] == [["属实", "已处理"], ["待核实", "属实"]]
    assert {h.actor_label for h in history} == {"village_yl"} and history[0].region.code == VILLAGE
    other = run.findings.get(id_number=NEIGHBOUR)  # another village: not village_yl's
    with pytest.raises(services.RostersDenied):
        services.finding_status_set(actor=village, finding=other, status="confirmed")
    with pytest.raises(services.RostersDenied):
        services.finding_status_set(actor=reg.world.users["finance_city"], finding=other, status="confirmed")


def test_assign_to_a_village_user_of_the_finding_only(run, reg):
    users = reg.world.users
    finding = run.findings.get(id_number=UNINSURED)
    offered = {u.username for u in selectors.assignable_users(actor=users["county_yl"], finding=finding)}
    assert offered == {"town_yl", "village_yl"}
    services.finding_assign(actor=users["county_yl"], finding=finding, assignee=users["village_yl"])
    assert Finding.objects.get(pk=finding.pk).assignee == users["village_yl"]
    neighbour = run.findings.get(id_number=NEIGHBOUR)
    with pytest.raises(services.RosterInvalid, match="只能指派"):
        services.finding_assign(actor=users["county_yl"], finding=neighbour, assignee=users["village_yl"])
    mine = selectors.finding_list(user=users["village_yl"], filters=FindingFilters(mine=True))
    assert [f.id_number for f in mine] == [UNINSURED]


def test_a_rerun_carries_over_what_staff_found(run, reg, run_jobs_here):
    users = reg.world.users
    services.finding_status_set(actor=users["village_yl"], finding=run.findings.get(id_number=UNINSURED),
                                status="rejected", note="已在外省参保")
    services.finding_assign(actor=users["county_yl"], finding=run.findings.get(id_number=DEAD),
                            assignee=users["village_yl"])
    again = compare_now(users["county_yl"], list(run.rosters.all()), run_jobs_here)
    run.refresh_from_db()
    assert (run.is_current, again.is_current, again.carried_over) == (False, True, 2)
    assert again.inputs == run.inputs  # the same registry and files: the same checksums
    kept = again.findings.get(id_number=UNINSURED)
    assert (kept.status, kept.status_note) == ("rejected", "已在外省参保")
    assert again.findings.get(id_number=DEAD).assignee == users["village_yl"]
    assert again.findings.get(id_number=NEIGHBOUR).status == "pending"
    # the work list is the newest run's; the older run's findings are history and cannot be changed
    assert {f.run_id for f in selectors.findings_visible(users["county_yl"])} == {again.pk}
    with pytest.raises(services.RostersDenied, match="已被新比对取代"):
        services.finding_status_set(actor=users["county_yl"], finding=run.findings.get(id_number=NEIGHBOUR),
                                    status="confirmed")


def test_cancel_a_dead_persons_certificate_from_the_finding(run, reg):
    users = reg.world.users
    finding = run.findings.get(kind="deceased_active")
    assert not selectors.may_cancel_certificate(users["village_yl"], finding)
    with pytest.raises(services.RostersDenied):
        services.finding_certificate_cancel(actor=users["town_yl"], finding=finding)
    person = Person.objects.get(id_number=DEAD)
    valid_before = RegistryTally.objects.get(region=person.region, level=3, status="valid", category=4).persons
    services.finding_certificate_cancel(actor=users["county_yl"], finding=finding)
    cert = Certificate.objects.get(person=person)
    assert (cert.status, cert.cancel_reason, cert.cancel_date) == ("cancelled", "death", date(2024, 3, 5))
    assert RegistryTally.objects.get(region=person.region, level=3, status="valid", category=4).persons == valid_before - 1
    assert RegistryTally.objects.get(region=person.region, level=3, status="cancelled", category=4).persons == 1
    finding.refresh_from_db()
    assert finding.status == "handled" and "已注销残疾人证（死亡，2024-03-05）" in finding.status_note
    assert person.history.filter(action="update").first().changes["证件状态"] == ["有效", "注销"]
    assert ChangeRecord.objects.filter(about_id=str(person.pk), note__startswith="注销残疾人证（死亡）").count() == 1
    with pytest.raises(services.RostersDenied):  # already 已处理
        services.finding_certificate_cancel(actor=users["county_yl"], finding=finding)


def test_the_persons_page_lists_open_findings_only(run, reg):
    users = reg.world.users
    person = Person.objects.get(id_number=UNINSURED)
    assert [f.kind for f in selectors.person_open_findings(user=users["village_yl"], person=person)] == ["uninsured"]
    services.finding_status_set(actor=users["village_yl"], finding=run.findings.get(id_number=UNINSURED),
                                status="rejected", note="不属实")
    assert list(selectors.person_open_findings(user=users["village_yl"], person=person)) == []


def test_visit_list_of_a_village(run, reg, tmp_path):
    users = reg.world.users
    village = reg.world.regions["yl_village"]
    out = tmp_path / "走访.xlsx"
    assert services.visit_list_write(actor=users["village_yl"], run=run, region=village, out_path=out) == 2
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("走访清单").to_python()
    assert rows[3][:6] == ["序号", "户籍地区划代码", "村（社区）", "姓名", "身份证号", "发现类型"]
    listed = sorted((r[3], r[5]) for r in rows[4:])
    assert listed == [("宜良乙", "死亡未注销"), ("宜良甲", "符合条件未参保")]
    assert all(r[4] in (UNINSURED, DEAD) for r in rows[4:])  # the village sees IDs whole
    city_out = tmp_path / "市.xlsx"
    services.visit_list_write(actor=users["city"], run=run, region=village, out_path=city_out)
    city_rows = CalamineWorkbook.from_path(str(city_out)).get_sheet_by_name("走访清单").to_python()
    assert all("*" in r[4] for r in city_rows[4:])  # the city sees them masked
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.EXPORT, note__startswith="导出走访清单").count() == 2


def test_start_refuses_two_rosters_of_a_kind_and_another_countys_roster(reg):
    users = reg.world.users
    a, b = upload(users["county_yl"], "deaths", DEATHS), upload(users["county_yl"], "deaths", DEATHS, "二.csv")
    with pytest.raises(services.RosterInvalid, match="选了两份"):
        services.comparison_start(actor=users["county_yl"], year=2024, rosters=[a, b])
    with pytest.raises(services.RostersDenied, match="不在您的辖区"):
        services.comparison_start(actor=users["county_fm"], year=2024, rosters=[a])
    with pytest.raises(services.RostersDenied):
        services.comparison_start(actor=users["town_yl"], year=2024, rosters=[a])
    assert ComparisonRun.objects.count() == 0


def test_a_run_whose_roster_is_gone_fails_with_the_reason_and_stores_nothing(reg, run_jobs_here):
    county = reg.world.users["county_yl"]
    roster = upload(county, "deaths", DEATHS)
    storage.roster_path(roster).unlink()
    run = compare_now(county, [roster], run_jobs_here)
    assert run.status == "failed" and not run.is_current
    assert run.message == "找不到死亡人员名单（deaths.csv）：deaths.csv"  # the file's name, not the server's folder
    assert run.findings.count() == 0
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "failed" and "无法比对" in job.message


def test_a_run_whose_job_died_reads_failed(reg, client):
    county = reg.world.users["county_yl"]
    run = services.comparison_start(actor=county, year=2024, rosters=[upload(county, "deaths", DEATHS)])
    assert run.state == "queued"
    Job.objects.filter(pk=run.job_id).update(status="failed")  # as the supervisor marks a job whose worker died
    run = selectors.run_get_visible(user=county, pk=run.pk)
    assert (run.status, run.state, run.state_label) == ("queued", "failed", "失败")
    client.force_login(county)
    page = client.get(f"/rosters/runs/{run.pk}/").content.decode()
    assert "比对未完成（后台任务已失败或取消）" in page and "查看进度" not in page
