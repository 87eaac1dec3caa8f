"""Paying an approved cycle: batch 1 from the computation, the bank's return (partly failed; an amount that differs,
an unknown ID, a totals row), the failures re-listed in batch 2 with lists of their own, 已发放 only when everybody
is paid, then 已结束. Files that match nothing are refused whole. 代缴 lists settled by the insurer's confirmation."""

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from python_calamine import CalamineWorkbook

from jixiao.benefits import selectors, services, storage
from jixiao.benefits.models import Payment, PaymentReturn
from jixiao.benefits.selectors import PaymentFilters
from jixiao.benefits.workflow import CycleState, PaymentStatus
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from tests.benefits.world import (
    MEDICAL,
    RETURN_HEADER,
    UNKNOWN,
    YEAR,
    A,
    B,
    C,
    E,
    approved_cycle,
    compute_now,
    return_csv,
)
from tests.rosters.world import upload

pytestmark = pytest.mark.django_db
P, S = PaymentStatus, CycleState


def list_rows(path) -> list[list]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("清单").to_python()
    return [r for r in rows[1:] if isinstance(r[0], float)]


def by_id(batch) -> dict[str, Payment]:
    return {p.id_number: p for p in Payment.objects.filter(batch=batch)}


@pytest.fixture
def cycle(w, run_jobs_here):
    return approved_cycle(w, run_jobs_here)


def test_batch_1_lists_everybody_with_an_amount_and_points_at_the_cycles_lists(w, cycle):
    county = w.users["county_sl"]
    batch = services.payment_batch_create(actor=county, cycle=cycle)
    assert (batch.number, batch.persons, batch.amount_fen) == (1, 3, 50000)
    payments = by_id(batch)
    assert {k: (p.name, p.amount_fen, p.status, p.list_kind, p.mode) for k, p in payments.items()} == {
        A: ("石林甲", 20000, P.PENDING, "bank", "先缴后补"), B: ("石林乙", 20000, P.PENDING, "bank", "先缴后补"),
        C: ("石林丙", 10000, P.PENDING, "bank", "先缴后补")}
    assert payments[C].region_code == "530126002001" and payments[C].county_code == "530126"
    files = selectors.batch_files(batch)
    assert [(f["file"], f["label"], f["persons"]) for f in files] == [
        ("run/payments/530126_石林彝族自治县_银行发放清单.xlsx", "石林彝族自治县银行发放清单", 3)]
    assert [r[2] for r in list_rows(files[0]["path"])] == [A, B, C]
    record = changes_about(cycle).first()
    assert record.changes == {"人数": [None, 3], "金额(元)": [None, "500.00"]} and record.object_type == "发放批"
    assert selectors.payment_status_counts(cycle=cycle)[P.PENDING] == {"persons": 3, "amount_fen": 50000}
    with pytest.raises(services.BenefitsInvalid, match="没有需要重新发放的失败记录"):
        services.payment_batch_create(actor=county, cycle=cycle)
    with pytest.raises(services.BenefitsInvalid, match="还有 3 人未到账（待回盘 3 人"):
        services.cycle_mark_paid(actor=county, cycle=cycle)


def test_payments_only_for_an_approved_cycle_and_only_in_the_county(w, run_jobs_here):
    cycle = approved_cycle(w, run_jobs_here)
    with pytest.raises(Http404):
        services.payment_batch_create(actor=w.users["county_fm"], cycle=cycle)
    with pytest.raises(services.BenefitsDenied):
        services.payment_batch_create(actor=w.users["finance_city"], cycle=cycle)
    batch = services.payment_batch_create(actor=w.users["county_sl"], cycle=cycle)
    with pytest.raises(Http404):
        selectors.batch_get_visible(user=w.users["county_fm"], pk=batch.pk)
    with pytest.raises(Http404):
        services.bank_return_import(actor=w.users["county_fm"], batch=batch, file=w.folder / "x.csv")
    assert selectors.batch_get_visible(user=w.users["finance_city"], pk=batch.pk) == batch
    computed = services.cycle_create(actor=w.users["county_sl"], programme="care_subsidy", year=YEAR, month=1)
    with pytest.raises(services.BenefitsInvalid, match="只有已批准的批次办理发放"):
        services.payment_batch_create(actor=w.users["county_sl"], cycle=computed)


def test_a_partly_failed_return_then_batch_2_for_the_failures_then_paid_and_closed(w, cycle, tmp_path):
    county = w.users["county_sl"]
    batch1 = services.payment_batch_create(actor=county, cycle=cycle)
    first = return_csv(tmp_path / "回盘1.csv", [
        ["石林甲", A, "200.00", "成功", "", ""],
        ["石林乙", B, "200", "失败", "账户已销户", ""],
        ["石林丙", C, "150", "成功", "", ""],  # the list says 100: a problem, not a success
        ["不认识", UNKNOWN, "100", "成功", "", ""],
        ["合计", "", "650", "", "", ""],
    ])
    record = services.bank_return_import(actor=county, batch=batch1, file=first)
    assert (record.rows, record.paid, record.failed, record.problem_count, record.unmatched) == (4, 1, 1, 1, 1)
    assert [p["row"] for p in record.problems] == [4, 5]
    assert "金额 150 元与清单中的 100 元不符" in record.problems[0]["message"]
    assert record.problems[1]["message"].startswith("第5行：第1批清单中没有身份证号 5301") and "不认识" in \
        record.problems[1]["message"] and UNKNOWN not in record.problems[1]["message"]  # masked
    payments = by_id(batch1)
    assert (payments[A].status, payments[A].return_row, payments[A].settled_by_id) == (P.PAID, 2, record.pk)
    assert (payments[B].status, payments[B].result_note, payments[B].return_row) == (P.FAILED, "账户已销户", 3)
    assert payments[C].status == P.PENDING
    assert (storage.return_folder(cycle.pk, record.pk) / "回盘1.csv").read_bytes() == first.read_bytes()
    assert ChangeRecord.objects.filter(action="import", object_type="回盘记录", subject_id=str(record.pk)).get().changes == {
        "到账": [None, 1], "失败": [None, 1], "问题行": [None, 1], "未匹配行": [None, 1]}

    # the bank corrects 石林丙 in a second file; 石林乙 gets a new account before batch 2
    services.bank_return_import(actor=county, batch=batch1, file=return_csv(tmp_path / "回盘2.csv", [
        ["石林丙", C, "100", "成功", "", ""]]))
    assert by_id(batch1)[C].status == P.PAID
    with pytest.raises(services.BenefitsInvalid, match="还有 1 人未到账（待回盘 0 人，失败待重新发放 1 人）"):
        services.cycle_mark_paid(actor=county, cycle=cycle)
    failed = selectors.payments_of(cycle=cycle, filters=PaymentFilters(status=P.FAILED)).get()
    services.payment_account_set(actor=county, payment=failed, account="6222 0202 0011 2233 445", bank_name="农行石林支行")
    with pytest.raises(services.BenefitsInvalid, match="只有失败且尚未重新发放"):
        services.payment_account_set(actor=county, payment=by_id(batch1)[A], account="6222020200112233446")

    batch2 = services.payment_batch_create(actor=county, cycle=cycle)
    assert (batch2.number, batch2.persons, batch2.amount_fen) == (2, 1, 20000)
    again = by_id(batch2)[B]
    assert (again.status, again.account, again.amount_fen, again.relisted) == (P.PENDING, "6222020200112233445", 20000, False)
    old = Payment.objects.get(pk=failed.pk)
    assert (old.status, old.relisted, old.result_note) == (P.FAILED, True, "账户已销户")  # history kept
    files = selectors.batch_files(batch2)
    assert [f["file"] for f in files] == ["batches/2/payments/530126_石林彝族自治县_银行发放清单.xlsx"]
    rows = list_rows(files[0]["path"])
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in rows] == [("石林乙", B, "银行卡", "6222020200112233445", 200.0)]
    summary = dict(CalamineWorkbook.from_path(str(files[0]["path"])).get_sheet_by_name("汇总").to_python())
    assert summary["项目"] == "三、四级残疾人城乡居民养老保险个人缴费补助（第2批：重新发放）" and summary["人数"] == "1"
    assert [(b.number, b.pending, b.paid, b.failed) for b in selectors.batches_of(cycle)] == [(1, 0, 2, 1), (2, 1, 0, 0)]
    assert [p.id_number for p in selectors.payments_of(cycle=cycle, filters=PaymentFilters(open_only=True))] == [B]

    with pytest.raises(services.BenefitsInvalid, match="没有一行能与第2批发放清单对应"):
        services.bank_return_import(actor=county, batch=batch2, file=return_csv(tmp_path / "回盘2b.csv", [
            ["石林甲", A, "200", "成功", "", ""]]))  # 石林甲 is paid in batch 1, not listed in batch 2
    services.bank_return_import(actor=county, batch=batch2, file=return_csv(tmp_path / "回盘3.csv", [
        ["石林乙", B, "200", "已到账", "", "6222020200112233445"]]))
    assert selectors.payment_status_counts(cycle=cycle, batch=batch2)[P.PAID]["persons"] == 1
    assert selectors.open_payments(cycle).count() == 0
    cycle = services.cycle_mark_paid(actor=county, cycle=cycle)
    assert cycle.state == S.PAID and cycle.paid_at is not None
    with pytest.raises(services.BenefitsInvalid, match="只有已批准的批次"):
        services.payment_batch_create(actor=county, cycle=cycle)
    cycle = services.cycle_close(actor=county, cycle=cycle)
    assert cycle.state == S.CLOSED
    counts = selectors.payment_status_counts(cycle=cycle)
    assert (counts[P.PAID]["persons"], counts[P.PAID]["amount_fen"], counts[P.FAILED]["persons"]) == (3, 50000, 1)


def test_return_files_that_match_nothing_are_refused_whole(w, cycle, tmp_path):
    county = w.users["county_sl"]
    batch = services.payment_batch_create(actor=county, cycle=cycle)

    def refused(rows, match, name="回盘.csv"):
        with pytest.raises(services.BenefitsInvalid, match=match):
            services.bank_return_import(actor=county, batch=batch, file=return_csv(tmp_path / name, rows))

    refused([["不认识", UNKNOWN, "100", "成功", "", ""]], r"没有一行能与第1批发放清单对应.*第2行：第1批清单中没有身份证号")
    refused([["石林甲", A, "210", "成功", "", ""], ["石林乙", B, "200", "失败了吗", "", ""]],
            r"第2行：金额 210 元与清单中的 200 元不符.*第3行：处理结果“失败了吗”无法识别")
    wrong = C[:-1] + ("1" if C[-1] != "1" else "2")
    refused([["石林丙", wrong, "100", "成功", "", ""]], "第2行：校验位错误")
    refused([["石林乙", C, "100", "成功", "", ""]], "姓名“石林乙”与清单中的“石林丙”不符")
    refused([], "文件没有数据行")
    with pytest.raises(services.BenefitsInvalid, match="处理结果"):  # a required column missing
        services.bank_return_import(actor=county, batch=batch, file=SimpleUploadedFile(
            "回盘.csv", f"姓名,身份证号,金额(元)\r\n石林甲,{A},200\r\n".encode()))
    with pytest.raises(services.BenefitsInvalid, match="不是 .xlsx、.xls 或 .csv"):
        services.bank_return_import(actor=county, batch=batch, file=SimpleUploadedFile("回盘.txt", b"x"))
    assert PaymentReturn.objects.count() == 0 and all(p.status == P.PENDING for p in by_id(batch).values())
    # a file given twice: the second time everything is already settled
    ok = return_csv(tmp_path / "ok.csv", [["石林甲", A, "200", "成功", "", ""], ["石林甲", A, "200", "成功", "", ""]])
    record = services.bank_return_import(actor=county, batch=batch, file=ok)
    assert (record.paid, record.problem_count) == (1, 1) and "与第2行重复" in record.problems[0]["message"]
    refused([["石林甲", A, "200", "成功", "", ""]], "该笔已登记为“已到账”，本次未更改")


def test_an_xlsx_return_with_full_width_and_spaced_ids_upload(w, cycle, tmp_path):
    county = w.users["county_sl"]
    batch = services.payment_batch_create(actor=county, cycle=cycle)
    path = tmp_path / "银行回盘.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("回盘")
    sheet.write_row(0, 0, ["代发明细"])  # a title above the header: the header is found below it
    sheet.write_row(1, 0, RETURN_HEADER)
    sheet.write_row(2, 0, ["石林甲", " " + A[:6] + " " + A[6:], "200", "处理成功", "", ""])
    sheet.write_row(3, 0, ["石林丙", C.replace("3", "３"), 100, "入账失败", "户名与账号不符", ""])
    book.close()
    record = services.bank_return_import(actor=county, batch=batch, file=SimpleUploadedFile(path.name, path.read_bytes()))
    payments = by_id(batch)
    assert (record.paid, record.failed, record.file_name, len(record.sha256)) == (1, 1, "银行回盘.xlsx", 64)
    assert (payments[A].status, payments[C].status, payments[C].result_note) == (P.PAID, P.FAILED, "户名与账号不符")


def test_proxy_lists_are_settled_by_the_insurers_confirmation(w, run_jobs_here, tmp_path):
    county, other = w.users["county_sl"], w.users["county_sl2"]
    roster = upload(county, "medical", MEDICAL, name="医保2024.csv")
    cycle = services.cycle_create(actor=county, programme="medical_subsidy", year=YEAR, rosters=[roster])
    cycle = compute_now(county, cycle, run_jobs_here)
    cycle = services.cycle_approve(actor=other, cycle=services.cycle_submit(actor=county, cycle=cycle))
    batch = services.payment_batch_create(actor=county, cycle=cycle)
    payments = by_id(batch)
    assert {k: (p.amount_fen, p.list_kind, p.mode) for k, p in payments.items()} == {
        A: (38000, "proxy", "代缴"), E: (26000, "proxy", "代缴")}
    assert [f["label"] for f in selectors.batch_files(batch)] == ["石林彝族自治县代缴清单"]
    with pytest.raises(services.BenefitsDenied, match="不能确认石林彝族自治县的代缴清单"):
        services.proxy_list_confirm(actor=w.users["city"], batch=batch, note="回执")
    with pytest.raises(services.BenefitsInvalid, match="请写明社保经办机构的确认"):
        services.proxy_list_confirm(actor=county, batch=batch, note=" ")
    # the insurer may also answer with a return file in the bank's shape: 石林甲 by file, 石林戊 by confirmation
    services.bank_return_import(actor=county, batch=batch, file=return_csv(tmp_path / "社保回盘.csv", [
        ["石林甲", A, "380", "代缴成功", "", ""]]))
    record = services.proxy_list_confirm(actor=county, batch=batch, note="石林县社保局回执 2024-05-06 第12号")
    assert (record.source, record.paid) == ("confirmation", 1)
    settled = by_id(batch)[E]
    assert (settled.status, settled.result_note) == (P.PAID, "经办机构确认：石林县社保局回执 2024-05-06 第12号")
    with pytest.raises(services.BenefitsInvalid, match="没有待确认的代缴记录"):
        services.proxy_list_confirm(actor=county, batch=batch, note="again")
    assert services.cycle_mark_paid(actor=county, cycle=cycle).state == S.PAID
