"""The 补助发放 pages for every persona: what each may open (200), may not see (404) or may see but not do (403);
a cycle created, computed, submitted, approved, paid and closed through the pages; the bank return uploaded through
the page; the downloads are the files the cycle wrote; IDs and accounts masked."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.benefits import selectors, services, storage
from jixiao.benefits.models import Cycle, Payment, PaymentReturn
from jixiao.benefits.workflow import CycleState, PaymentStatus
from tests.benefits.world import YEAR, A, B, C, approved_cycle, pension_roster, return_csv
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db
S, P = CycleState, PaymentStatus

# persona → expected status of: list, rules, cycle, payments, entitlements.csv, a batch's list, progress
EXPECTED = {
    "admin": (200, 200, 200, 200, 200, 200, 200),
    "city": (200, 200, 200, 200, 200, 200, 200),
    "county_sl": (200, 200, 200, 200, 200, 200, 200),
    "county_sl2": (200, 200, 200, 200, 200, 200, 200),
    "county_yl": (200, 200, 404, 404, 404, 404, 404),
    "county_fm": (200, 200, 404, 404, 404, 404, 404),
    "town_yl": (403, 403, 404, 404, 404, 404, 404),
    "village_yl": (403, 403, 404, 404, 404, 404, 404),
    "finance_city": (200, 200, 200, 200, 200, 200, 200),
    "finance_fm": (200, 200, 404, 404, 404, 404, 404),
    "evaluator": (403, 403, 404, 404, 404, 404, 404),
}
# persona → may make the cycle's moves that need the right to create (submit, batch, return …) / to approve
CREATES = {"admin", "city", "county_sl", "county_sl2"}


def client_for(w, persona) -> Client:
    client = Client()
    client.force_login(w.users[persona])
    return client


@pytest.fixture
def paid_batch(w, run_jobs_here):
    cycle = approved_cycle(w, run_jobs_here)
    batch = services.payment_batch_create(actor=w.users["county_sl"], cycle=cycle)
    return cycle, batch


def test_every_persona_gets_what_its_role_and_region_allow(w, paid_batch):
    cycle, batch = paid_batch
    urls = ["/cycles/", "/cycles/rules/", f"/cycles/{cycle.pk}/", f"/cycles/{cycle.pk}/payments/",
            f"/cycles/{cycle.pk}/files/entitlements.csv", f"/cycles/batches/{batch.pk}/files/0",
            f"/cycles/{cycle.pk}/progress/"]
    assert set(EXPECTED) == set(PERSONAS) | {"county_sl", "county_sl2"}
    for persona, expected in EXPECTED.items():
        client = client_for(w, persona)
        got = tuple(client.get(url).status_code for url in urls)
        assert got == expected, persona
    assert Client().get("/cycles/").status_code == 302  # not logged in: the login page


def test_the_nav_link_only_for_those_who_may_view_cycles(w):
    for persona in EXPECTED:
        html = client_for(w, persona).get("/").content.decode()
        assert ('id="nav-cycles"' in html) == (EXPECTED[persona][0] == 200), persona


def test_the_list_shows_only_the_visible_cycles_and_filters(w, paid_batch):
    cycle, _ = paid_batch
    html = client_for(w, "county_sl").get("/cycles/").content.decode()
    assert f'data-cycle="{cycle.pk}"' in html and "新建批次" in html
    assert f'data-cycle="{cycle.pk}"' not in client_for(w, "county_fm").get("/cycles/").content.decode()
    assert "新建批次" not in client_for(w, "finance_city").get("/cycles/").content.decode()
    html = client_for(w, "city").get("/cycles/", {"state": "draft"}).content.decode()
    assert 'id="no-cycles"' in html
    html = client_for(w, "city").get("/cycles/", {"state": "approved", "year": YEAR,
                                                  "programme": "pension_subsidy"}).content.decode()
    assert f'data-cycle="{cycle.pk}"' in html


def test_the_rules_page_lists_programmes_values_and_versions(w, paid_batch):
    html = client_for(w, "county_sl").get("/cycles/rules/").content.decode()
    assert "三、四级残疾人城乡居民养老保险个人缴费补助" in html and "昆人社通〔2022〕18号" in html
    assert "示例值" in html and 'id="rule-versions"' in html and "随系统提供的默认规则" in html
    assert 'id="rules-add"' not in html
    admin = client_for(w, "admin").get("/cycles/rules/").content.decode()
    assert 'id="rules-add"' in admin and "/admin/benefits/rulebookversion/add/" in admin


def test_a_cycle_through_the_pages(w, run_jobs_here):
    county, other = client_for(w, "county_sl"), client_for(w, "county_sl2")
    roster = pension_roster(w)
    page = county.get("/cycles/").content.decode()
    assert f'value="{roster.pk}"' in page  # the uploaded roster is offered
    response = county.post("/cycles/new/", {"programme": "pension_subsidy", "year": YEAR, "region": w.shilin.pk})
    assert response.status_code == 400 and "需要城乡居民养老保险参保缴费名册" in response.content.decode()
    response = county.post("/cycles/new/", {"programme": "pension_subsidy", "year": YEAR, "region": w.shilin.pk,
                                            "rosters": [roster.pk]})
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assert response["Location"] == f"/cycles/{cycle.pk}/"
    assert client_for(w, "county_fm").post(f"/cycles/{cycle.pk}/moves/compute/").status_code == 404
    assert client_for(w, "finance_city").post(f"/cycles/{cycle.pk}/moves/compute/").status_code == 403
    with run_jobs_here():
        assert county.post(f"/cycles/{cycle.pk}/moves/compute/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == S.COMPUTED
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert re.search(r'id="total-persons">3<', html) and re.search(r'id="total-amount">500(\.0+)?<', html)
    assert 'data-code="530126"' in html and 'data-code="530126001"' in html and 'data-reason="unpaid"' in html
    assert 'id="move-submit"' in html and 'id="move-approve"' not in html
    # a move not allowed now: the page with the message, 400
    response = other.post(f"/cycles/{cycle.pk}/moves/approve/")
    assert response.status_code == 400 and "批次状态为“已计算”，不能批准" in response.content.decode()
    assert county.post(f"/cycles/{cycle.pk}/moves/submit/").status_code == 302
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'id="move-approve"' not in html  # the one who computed it
    assert county.post(f"/cycles/{cycle.pk}/moves/approve/").status_code == 403
    assert client_for(w, "city").post(f"/cycles/{cycle.pk}/moves/approve/").status_code == 403  # not the county's own level
    response = other.post(f"/cycles/{cycle.pk}/moves/return/", {"reason": ""})
    assert response.status_code == 400 and "请说明退回原因" in response.content.decode()
    assert other.post(f"/cycles/{cycle.pk}/moves/return/", {"reason": "丙的缴费金额待核实"}).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.state, cycle.returned_reason) == (S.COMPUTED, "丙的缴费金额待核实")
    assert county.post(f"/cycles/{cycle.pk}/moves/submit/").status_code == 302
    assert 'id="move-approve"' in other.get(f"/cycles/{cycle.pk}/").content.decode()
    assert other.post(f"/cycles/{cycle.pk}/moves/approve/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == S.APPROVED and cycle.approved_by_label == "county_sl2"
    assert county.post(f"/cycles/{cycle.pk}/moves/nothing/").status_code == 404

    # batch 1, its list downloaded is the one the cycle wrote
    assert client_for(w, "finance_city").post(f"/cycles/{cycle.pk}/batches/").status_code == 403
    with run_jobs_here():
        assert county.post(f"/cycles/{cycle.pk}/batches/").status_code == 302
    batch = cycle.batches.get()
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'id="return-form-1"' in html and 'data-list="bank"' in html and 'id="batch-create"' not in html
    response = county.get(f"/cycles/batches/{batch.pk}/files/0")
    written = selectors.batch_files(batch)[0]["path"]
    assert b"".join(response.streaming_content) == written.read_bytes()
    assert "attachment" in response["Content-Disposition"]
    response = county.get(f"/cycles/{cycle.pk}/files/summary.json")
    content = b"".join(response.streaming_content)
    assert content == (storage.run_folder(cycle.pk) / "summary.json").read_bytes()
    assert json.loads(content)["totals"]["persons"] == 3
    response = county.get(f"/cycles/{cycle.pk}/files/entitlements.csv")
    assert b"".join(response.streaming_content) == (storage.run_folder(cycle.pk) / "entitlements.csv").read_bytes()
    assert county.get(f"/cycles/{cycle.pk}/files/frozen").status_code == 404
    response = county.post(f"/cycles/{cycle.pk}/moves/void/", {"reason": "试一下"})
    assert response.status_code == 400 and "不能作废" in response.content.decode()

    # the bank's return, through the page: A paid, B failed, a row with the wrong amount, an unknown ID
    path = return_csv(w.folder / "回盘.csv", [["石林甲", A, "200", "成功", "", ""], ["石林乙", B, "200", "失败", "账户已销户", ""],
                                              ["石林丙", C, "99", "成功", "", ""]])
    with run_jobs_here():  # the job runs when the request's transaction commits
        response = county.post(f"/cycles/batches/{batch.pk}/return/",
                               {"file": SimpleUploadedFile("回盘.csv", path.read_bytes())})
    assert response.status_code == 302 and response["Location"] == f"/cycles/{cycle.pk}/"
    html = county.get(response["Location"]).content.decode()
    assert "到账 1 人，失败 1 人，问题 1 行" in html  # the job's result
    assert re.search(r"第 4 行：[^<]*金额", html)
    assert re.search(r'class="batch-failures".*石林乙.*账户已销户', html, re.S) and B not in html
    assert {p.id_number: p.status for p in Payment.objects.filter(batch=batch)} == {A: P.PAID, B: P.FAILED, C: P.PENDING}
    html = county.get(f"/cycles/{cycle.pk}/payments/", {"status": "failed"}).content.decode()
    assert "账户已销户" in html and B not in html and B[:4] + "*" * 10 + B[-4:] in html
    assert "石林甲" not in html  # filtered by status
    response = county.post(f"/cycles/batches/{batch.pk}/return/",
                           {"file": SimpleUploadedFile("回盘.txt", b"x")})
    assert response.status_code == 400 and "不是 .xlsx、.xls 或 .csv 文件" in response.content.decode()
    nothing = return_csv(w.folder / "无.csv", [["某人", "110101199001011237", "1", "成功", "", ""]])
    with run_jobs_here():
        county.post(f"/cycles/batches/{batch.pk}/return/", {"file": SimpleUploadedFile("无.csv", nothing.read_bytes())})
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'data-status="failed"' in html and "没有一行能与第1批发放清单对应，未作任何登记" in html
    assert PaymentReturn.objects.count() == 1
    assert client_for(w, "county_fm").post(f"/cycles/batches/{batch.pk}/return/").status_code == 404
    assert client_for(w, "finance_city").post(
        f"/cycles/batches/{batch.pk}/return/", {"file": SimpleUploadedFile("回盘.csv", path.read_bytes())}).status_code == 403
    response = county.post(f"/cycles/{cycle.pk}/moves/pay/")
    assert response.status_code == 400 and "未到账" in response.content.decode()
    path = return_csv(w.folder / "回盘2.csv", [["石林丙", C, "100", "成功", "", ""]])
    with run_jobs_here():
        assert county.post(f"/cycles/batches/{batch.pk}/return/",
                           {"file": SimpleUploadedFile("回盘2.csv", path.read_bytes())}).status_code == 302

    # batch 2 re-lists B; its return pays B; then 已发放, 已结束
    assert 'id="batch-create"' in county.get(f"/cycles/{cycle.pk}/").content.decode()
    with run_jobs_here():
        assert county.post(f"/cycles/{cycle.pk}/batches/").status_code == 302
    second = cycle.batches.get(number=2)
    response = county.get(f"/cycles/batches/{second.pk}/files/0")
    assert b"".join(response.streaming_content) == selectors.batch_files(second)[0]["path"].read_bytes()
    path = return_csv(w.folder / "回盘3.csv", [["石林乙", B, "200", "成功", "", ""]])
    with run_jobs_here():
        assert county.post(f"/cycles/batches/{second.pk}/return/",
                           {"file": SimpleUploadedFile("回盘3.csv", path.read_bytes())}).status_code == 302
    assert PaymentReturn.objects.count() == 3
    assert 'id="move-pay"' in county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert county.post(f"/cycles/{cycle.pk}/moves/pay/").status_code == 302
    assert county.post(f"/cycles/{cycle.pk}/moves/close/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == S.CLOSED


def test_void_needs_a_reason_through_the_page(w, run_jobs_here):
    from tests.benefits.world import pension_cycle

    cycle = pension_cycle(w, run_jobs_here)
    county = client_for(w, "county_sl")
    response = county.post(f"/cycles/{cycle.pk}/moves/void/", {"reason": " "})
    assert response.status_code == 400 and "请说明作废原因" in response.content.decode()
    assert county.post(f"/cycles/{cycle.pk}/moves/void/", {"reason": "名册有误"}).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.state, cycle.void_reason) == (S.VOID, "名册有误")


def test_a_running_computation_shows_its_progress_and_the_page_reloads_when_it_ends(w):
    cycle = services.cycle_create(actor=w.users["county_sl"], programme="pension_subsidy", year=YEAR,
                                  rosters=[pension_roster(w)])
    cycle = services.cycle_compute_start(actor=w.users["county_sl"], cycle=cycle)  # queued, not run
    county = client_for(w, "county_sl")
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'id="cycle-job-bar"' in html and f'hx-get="/cycles/{cycle.pk}/progress/"' in html
    assert 'id="move-submit"' not in html
    response = county.get(f"/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Refresh" not in response
    cycle.job.status = "done"
    cycle.job.save(update_fields=["status"])
    response = county.get(f"/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_the_proxy_confirm_form(w, run_jobs_here):
    """The medical programme's 代缴 list confirmed through the page by the county (not by the city)."""
    from tests.benefits.world import MEDICAL, compute_now
    from tests.rosters.world import upload

    county_user = w.users["county_sl"]
    roster = upload(county_user, "medical", MEDICAL, name="医保2024.csv")
    cycle = services.cycle_create(actor=county_user, programme="medical_subsidy", year=YEAR, rosters=[roster])
    cycle = compute_now(county_user, cycle, run_jobs_here)
    cycle = services.cycle_approve(actor=w.users["county_sl2"], cycle=services.cycle_submit(actor=county_user, cycle=cycle))
    batch = services.payment_batch_create(actor=county_user, cycle=cycle)
    county = client_for(w, "county_sl")
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'id="proxy-form-1"' in html and 'data-list="proxy"' in html
    assert 'id="proxy-form-1"' not in client_for(w, "city").get(f"/cycles/{cycle.pk}/").content.decode()
    assert client_for(w, "city").post(f"/cycles/batches/{batch.pk}/confirm/", {"note": "回执"}).status_code == 403
    response = county.post(f"/cycles/batches/{batch.pk}/confirm/", {"note": ""})
    assert response.status_code == 400 and "请写明社保经办机构的确认" in response.content.decode()
    response = county.post(f"/cycles/batches/{batch.pk}/confirm/", {"note": "社保局回执 第12号"}, follow=True)
    assert "已确认第1批代缴清单：2 人到账" in response.content.decode()
    assert set(Payment.objects.filter(batch=batch).values_list("status", flat=True)) == {P.PAID}
    assert county.post(f"/cycles/{cycle.pk}/moves/pay/").status_code == 302


def test_payment_steps_run_as_jobs_one_at_a_time_and_the_page_shows_their_progress(w, run_jobs_here):
    cycle = approved_cycle(w, run_jobs_here)
    county = client_for(w, "county_sl")
    assert county.post(f"/cycles/{cycle.pk}/batches/").status_code == 302  # queued, not run here
    job = selectors.payment_job_active(cycle)
    assert job is not None and job.kind == "benefits.batch" and not cycle.batches.exists()
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'id="pay-job-bar"' in html and 'id="batch-create"' not in html
    response = county.post(f"/cycles/{cycle.pk}/batches/")
    assert response.status_code == 400 and "正在进行，请等它完成后再操作" in response.content.decode()
    assert "HX-Refresh" not in county.get(f"/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")
    from jixiao.jobs.services import job_run

    job_run(job.pk)  # what the worker does
    assert cycle.batches.get().persons == 3
    assert county.get(f"/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    html = county.get(f"/cycles/{cycle.pk}/").content.decode()
    assert "已生成第1批发放清单：3 人，500.00 元" in html and 'id="return-form-1"' in html


def test_a_failed_payments_account_corrected_through_the_page_and_batch_2_pays_to_it(w, paid_batch, run_jobs_here):
    cycle, batch = paid_batch
    county = client_for(w, "county_sl")
    path = return_csv(w.folder / "回盘.csv", [["石林甲", A, "200", "成功", "", ""], ["石林乙", B, "200", "失败", "账户已销户", ""],
                                              ["石林丙", C, "100", "成功", "", ""]])
    services.bank_return_import(actor=w.users["county_sl"], batch=batch, file=path)
    failed = Payment.objects.get(batch=batch, id_number=B)
    html = county.get(f"/cycles/{cycle.pk}/payments/", {"status": "failed"}).content.decode()
    assert f'data-payment="{failed.pk}"' in html
    assert 'class="account-form"' not in client_for(w, "finance_city").get(
        f"/cycles/{cycle.pk}/payments/", {"status": "failed"}).content.decode()
    url = f"/cycles/payments/{failed.pk}/account/"
    assert client_for(w, "county_fm").post(url, {"account": "6217000011112222", "account_kind": "银行卡"}).status_code == 404
    assert client_for(w, "finance_city").post(url, {"account": "6217000011112222", "account_kind": "银行卡"}).status_code == 403
    response = county.post(url, {"account": "12ab", "account_kind": "银行卡"})
    assert response.status_code == 400 and "账号应为 8–32 位数字" in response.content.decode()
    response = county.post(url, {"account": "6217 0000 1111 2222", "bank_name": "农村信用社", "account_kind": "银行卡"})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.account, failed.bank_name) == ("6217000011112222", "农村信用社")
    html = county.get(f"/cycles/{cycle.pk}/payments/", {"status": "failed"}).content.decode()
    assert "6217000011112222" not in html and "6217********2222" in html
    with run_jobs_here():
        county.post(f"/cycles/{cycle.pk}/batches/")
    second = cycle.batches.get(number=2)
    assert Payment.objects.get(batch=second).account == "6217000011112222"
    paid = Payment.objects.get(batch=batch, id_number=A)
    response = county.post(f"/cycles/payments/{paid.pk}/account/", {"account": "6217000011113333", "account_kind": "银行卡"})
    assert response.status_code == 400 and "只有失败且尚未重新发放的记录可以更正账号" in response.content.decode()


def test_an_approved_cycle_is_written_into_a_project_from_its_page(w, run_jobs_here):
    from jixiao.projects.models import Project
    from tests.benefits.world import county_project

    cycle = approved_cycle(w, run_jobs_here)
    project = county_project()
    before = project.current_evaluation_id
    page = client_for(w, "county_sl").get(f"/cycles/{cycle.pk}/")
    assert page.status_code == 200 and f'value="{project.pk}"' in page.content.decode()
    answer = client_for(w, "county_sl").post(f"/cycles/{cycle.pk}/allocate/", {"project": project.pk})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/projects/{project.pk}/tab/funds/")
    assert Project.objects.get(pk=project.pk).current_evaluation_id != before
    assert client_for(w, "county_fm").post(f"/cycles/{cycle.pk}/allocate/", {"project": project.pk}).status_code == 404
    # a project the user may not change is not offered, and posting it anyway is refused
    assert client_for(w, "county_sl").post(f"/cycles/{cycle.pk}/allocate/", {"project": 999999}).status_code == 400
