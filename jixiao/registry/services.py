"""Writes around the registry beside the import itself: unmasked views and exports (each one
recorded; ID, phone and card numbers are whole in neither unless recorded so), and imports started from the
web page or the API (queued as background jobs)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import transaction

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.pii import mask_phone, mask_resident_id
from jixiao.common.safe_files import xlsx_workbook
from jixiao.common.uploads import uploads_purge_expired
from jixiao.jobs.services import job_start
from jixiao.registry.columns import CATEGORY_NAMES, GENERATION_NAMES, LEVEL_NAMES, REASON_NAMES, STATUS_NAMES
from jixiao.registry.jobs import IMPORT
from jixiao.registry.models import Certificate, Person, PersonChange
from jixiao.registry.selectors import may_unmask, shown_card


class RegistryDenied(PermissionError):
    pass


@transaction.atomic
def person_reveal(*, actor, person: Person) -> Person:
    """Show one person's ID, phone and card numbers whole: only roles allowed to, and always written down."""
    if not may_unmask(actor):
        raise RegistryDenied("您的角色不能查看完整的身份证号、联系电话和银行卡号、社保卡号")
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action=PersonChange.Action.VIEW,
                                changes={"查看": [None, "身份证号、联系电话、银行卡号、社保卡号（完整）"]})
    change_record(actor=actor, action=ChangeRecord.Action.VIEW, obj=person,
                  object_label=f"{person.name}（{mask_resident_id(person.id_number)}）",
                  note="查看完整身份证号、联系电话、银行卡号和社保卡号")
    return person


def person_search_record(*, actor, term, page: str, found: int) -> None:
    """Every search by ID number — whole or a prefix, any role — goes to the audit trail: who, when, the
    ID masked (like a whole ID is shown), on which page and how many persons it found. Searches by name
    are not recorded."""
    if not term.by_id:
        return
    kind = "全号" if term.kind == "id" else f"前 {len(term.text)} 位"
    change_record(actor=actor, action=ChangeRecord.Action.SEARCH, object_type="残疾人", object_label=term.masked,
                  changes={"找到": [None, found]}, note=f"按身份证号查询（{kind}）：{page}")


EXPORT_HEADER = ["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级", "证件代别", "证件状态", "注销原因", "注销日期",
                 "户籍地区划代码", "户籍区划", "户籍地址", "联系电话", "发证日期", "银行卡号", "社保卡号", "开户行"]


def registry_export(*, actor, persons, out_path: Path, unmasked: bool, description: str) -> int:
    """The persons (an already scoped queryset) as .xlsx in the registry format; ID, phone and card numbers
    masked unless ``unmasked`` (allowed roles only, recorded with how many and which filter). Returns the count."""
    if unmasked and not may_unmask(actor):
        raise RegistryDenied("您的角色只能导出打码后的名册")
    workbook = xlsx_workbook(out_path, constant_memory=True)  # names, addresses, phones: text, never formulas
    sheet = workbook.add_worksheet("残疾人证登记名册")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, len(EXPORT_HEADER) - 1, 16, text)
    sheet.write_row(0, 0, EXPORT_HEADER, bold)
    count = 0
    rows = persons.select_related("certificate", "region").order_by("pk").iterator(chunk_size=5000)
    for count, person in enumerate(rows, start=1):
        cert = getattr(person, "certificate", None)
        id_number = person.id_number if unmasked else mask_resident_id(person.id_number)
        number = (cert.number if unmasked else mask_resident_id(cert.number)) if cert else ""
        sheet.write_row(count, 0, [
            person.name, id_number, number,
            CATEGORY_NAMES.get(cert.category, "") if cert else "", LEVEL_NAMES.get(cert.level, "") if cert else "",
            GENERATION_NAMES.get(cert.generation, "") if cert else "", STATUS_NAMES.get(cert.status, "") if cert else "",
            REASON_NAMES.get(cert.cancel_reason, "") if cert else "",
            cert.cancel_date.isoformat() if cert and cert.cancel_date else "",
            person.region_code, person.region.name, person.address,
            person.phone if unmasked else (mask_phone(person.phone) if person.phone else ""),
            cert.issued_on.isoformat() if cert and cert.issued_on else "",
            shown_card(person.bank_card, unmasked=unmasked), shown_card(person.social_card, unmasked=unmasked),
            person.bank_name,
        ])
    workbook.close()
    change_record(actor=actor, action=ChangeRecord.Action.EXPORT, object_type="残疾人名册",
                  object_label=f"{count} 人（{'完整号码' if unmasked else '号码打码'}）", changes={"人数": [None, count]},
                  note=f"导出残疾人名册{'（含完整身份证号、电话、银行卡号、社保卡号）' if unmasked else ''}：{description}")
    return count


def certificate_cancel(*, actor, person: Person, reason: str, on: date, source: str) -> Certificate:
    """Cancel the person's valid certificate (reason and date; ``source``: what it rests on, e.g. a comparison
    finding). Only the county level (and the administrator) cancels; one PersonChange, one audit row, the
    tally kept (−1 valid, +1 cancelled) in the same transaction."""
    from collections import Counter

    from jixiao.registry.importer import tally_apply

    if not permissions.may_on(actor, Action.CANCEL, Kind.PERSON, region=person.region):
        raise RegistryDenied("只有县级（及系统管理员）可以注销本辖区人员的残疾人证")
    if reason not in Certificate.CancelReason.values:
        raise ValueError(f"cancel reason {reason!r}")
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().filter(person=person).first()
        if cert is None or cert.status != Certificate.Status.VALID:
            raise RegistryDenied(f"{person.name}的残疾人证不是有效状态，无需注销")
        cert.status, cert.cancel_reason, cert.cancel_date = Certificate.Status.CANCELLED, reason, on
        cert.save(update_fields=["status", "cancel_reason", "cancel_date"])
        reason_label = Certificate.CancelReason(reason).label
        changes = {"证件状态": ["有效", "注销"], "注销原因": [None, reason_label], "注销日期": [None, on.isoformat()]}
        PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                    action=PersonChange.Action.UPDATE, changes=changes)
        tally_apply(Counter({(person.region_id, cert.category, cert.level, Certificate.Status.VALID): -1,
                             (person.region_id, cert.category, cert.level, Certificate.Status.CANCELLED): 1}))
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=cert, about=person,
                      object_label=f"{person.name}（{mask_resident_id(person.id_number)}）的残疾人证",
                      changes=changes, note=f"注销残疾人证（{reason_label}）：{source}"[:255])
    return cert


# ---- imports started from the web page or the API ------------------------------------------------

def registry_import_job_start(*, actor, upload, dry_run: bool = False, strict: bool = False):
    """Queue a background job importing the uploaded file as ``actor`` (their region only); returns the
    Job. The upload is kept privately in the job's folder until the job ends."""
    if not permissions.may(actor, Action.CREATE, Kind.REGISTRY_IMPORT):
        raise RegistryDenied(f"您的角色（{permissions.role_label(actor)}）不能导入名册")
    uploads_purge_expired()  # upload folders older than the retention period go first
    name = Path(upload.name or "").name or "名册.xlsx"
    return job_start(actor=actor, kind=IMPORT, params={"file": name, "dry_run": dry_run, "strict": strict},
                     files={name: upload})
