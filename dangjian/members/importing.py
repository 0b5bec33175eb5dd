"""Members from an Excel file (党员信息批量导入): the file format, the checks, the bulk write.

Every row is checked with :func:`member_check`, the same checks as the form, plus what only a
whole file can reveal (an ID number twice in the file, or already on the register). Either all
rows are written in one transaction or none, and the user sees every bad row.
"""
import datetime
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import pii
from dangjian.core.access import has_any_scope
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import (
    Column,
    ImportRejected,
    ImportResult,
    RowError,
    choice_lookups,
    duplicates_in,
    parse_row,
    read_rows,
    rows_rejected,
    template_example,
    write_workbook,
)
from dangjian.core.validators import (
    id_number_birth_date,
    id_number_check_char,
    id_number_gender,
    normalize_id_number,
    validate_id_number,
)
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization

from .choices import Category, Education, Ethnicity, Gender, MemberStatus
from .models import Member, Membership
from .services import member_build, member_check

SHEET_TITLE = "党员信息"
ORG_CODE_HEADER = "所在党组织编码"

MEMBER_COLUMNS = (
    Column("姓名", "name", required=True, max_length=50, width=10,
           help=gettext_lazy("The name as on the ID card.")),
    Column("性别", "gender", kind="choice", choices=Gender, width=8,
           help=gettext_lazy("May be left empty: it is read from the ID number.")),
    Column("民族", "ethnicity", kind="choice", choices=Ethnicity, width=10,
           help=gettext_lazy("Empty means Han.")),
    Column("出生日期", "birth_date", kind="date", width=12,
           help=gettext_lazy("May be left empty: it is read from the ID number.")),
    Column("身份证号", "id_number", required=True, text_format=True, width=21,
           help=gettext_lazy("18 characters. Format the column as text, or Excel changes the last digits.")),
    Column("手机号", "phone", text_format=True, width=14,
           help=gettext_lazy("An 11-digit mobile number or a landline number with its area code.")),
    Column("家庭住址", "address", max_length=200, width=30),
    Column("学历", "education", kind="choice", choices=Education, width=10),
    Column("入党日期", "joined_on", kind="date", required=True, width=12),
    Column("转正日期", "full_member_on", kind="date", width=12,
           help=gettext_lazy("Required for full members; empty for probationary members.")),
    Column("党员状态", "status", kind="choice", choices=MemberStatus, required=True, width=12),
    Column("党员类别", "category", kind="choice", choices=Category, required=True, width=12),
    Column("困难党员", "in_hardship", kind="bool", width=10, help=gettext_lazy("Empty means no.")),
    Column(ORG_CODE_HEADER, "organization", required=True, text_format=True, width=16,
           help=gettext_lazy("The code of the branch (or committee) holding the member's relation, as shown on "
                             "the organization's page. You must be allowed to add members there.")),
    Column("党小组编码", "party_group", text_format=True, width=14,
           help=gettext_lazy("Optional: the code of a Party group under that organization.")),
    Column("工作单位", "work_unit", max_length=100, width=24),
    Column("职务", "job", max_length=50, width=12),
)
_HEADERS = {c.field: c.header for c in MEMBER_COLUMNS}
_LOOKUP_CHUNK = 900


def _chunks(values: list, size: int = _LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _example_code(user) -> str:
    org = (Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
           .exclude(org_type=OrgType.PARTY_GROUP).order_by("-depth", "path").first())
    return org.code if org else "LJ0101"


def template_row(user) -> list:
    """The example row of the template (a made-up person in one of the user's organizations)."""
    first17 = "00000019800101001"
    return template_example(MEMBER_COLUMNS, {
        "name": "张三", "gender": Gender.MALE, "ethnicity": Ethnicity.HAN, "birth_date": datetime.date(1980, 1, 1),
        "id_number": first17 + id_number_check_char(first17), "phone": "13800138000",
        "address": "临江市江滨街道滨河路1号", "education": Education.UNDERGRADUATE,
        "joined_on": datetime.date(2005, 7, 1), "full_member_on": datetime.date(2006, 7, 1),
        "status": MemberStatus.FULL, "category": Category.EMPLOYED, "in_hardship": False,
        "organization": _example_code(user), "party_group": "", "work_unit": "临江市某单位", "job": "职员",
    })


def members_template(*, user, target) -> None:
    """Write the import template (headers, an example, drop-down lists, notes) to ``target``."""
    write_workbook(target, MEMBER_COLUMNS, [template_row(user)], title=SHEET_TITLE)


def _organizations(actor, rows) -> tuple[dict[str, Organization], set[int], dict[str, Organization]]:
    """Visible organizations and Party groups named in the file, and which of them take members."""
    codes = sorted({row[1].get("organization") for row in rows} - {None, ""})
    group_codes = sorted({row[1].get("party_group") for row in rows} - {None, ""})
    visible = Organization.objects.restrict(actor, "view")
    orgs, groups = {}, {}
    for chunk in _chunks(codes):
        orgs.update({o.code: o for o in visible.filter(code__in=chunk)})
    addable: set[int] = set()
    for chunk in _chunks([o.pk for o in orgs.values()]):
        addable.update(Organization.objects.restrict(actor, "add").filter(pk__in=chunk).values_list("pk", flat=True))
    for chunk in _chunks(group_codes):
        groups.update({o.code: o for o in visible.filter(code__in=chunk, org_type=OrgType.PARTY_GROUP)})
    return orgs, addable, groups


def _resolve(data: dict, errors: list[RowError], number: int, orgs, addable, groups):
    code = data.get("organization")
    if code:
        org = orgs.get(code)
        if org is None:
            errors.append(RowError(number, _HEADERS["organization"],
                                   _("No organization with the code %(code)s is visible to you.") % {"code": code}))
        elif org.pk not in addable:
            errors.append(RowError(number, _HEADERS["organization"],
                                   _("You may not add members to %(name)s.") % {"name": org.name}))
        data["organization"] = org if org is not None and org.pk in addable else None
    else:
        data["organization"] = None
    group_code = data.get("party_group")
    data["party_group"] = groups.get(group_code) if group_code else None
    if group_code and data["party_group"] is None:
        errors.append(RowError(number, _HEADERS["party_group"],
                               _("No Party group with the code %(code)s is visible to you.") % {"code": group_code}))


def _complete(data: dict) -> None:
    """Defaults and what the ID number tells: birth date and gender when left empty."""
    if not data.get("ethnicity"):
        data["ethnicity"] = Ethnicity.HAN
    for key in ("education", "phone", "address", "work_unit", "job"):
        data[key] = data.get(key) or ""
    if "id_number" in data:
        data["id_number"] = normalize_id_number(data["id_number"])
        try:
            validate_id_number(data["id_number"])
        except ValidationError:
            return
        if not data.get("birth_date") and "birth_date" in data:
            data["birth_date"] = id_number_birth_date(data["id_number"])
        if not data.get("gender") and "gender" in data:
            data["gender"] = id_number_gender(data["id_number"])


def _check_rows(actor, rows) -> tuple[list[tuple[int, dict]], list[RowError]]:
    orgs, addable, groups = _organizations(actor, rows)
    errors: list[RowError] = []
    valid_ids: list[tuple[int, str]] = []
    checked = []
    for number, data, row_errors, raw_id in rows:
        errors.extend(row_errors)
        failed = {e.column for e in row_errors}
        if isinstance(raw_id, (int, float)) and _HEADERS["id_number"] not in failed:
            errors.append(RowError(number, _HEADERS["id_number"], _(
                "Excel stored the ID number as a number and changed its last digits; format the column as text "
                "and enter it again.")))
            failed.add(_HEADERS["id_number"])
            data.pop("id_number", None)
        _complete(data)
        before = len(errors)
        _resolve(data, errors, number, orgs, addable, groups)
        failed |= {e.column for e in errors[before:]}
        for field, message in member_check(data, check_duplicate=False).items():
            if _HEADERS.get(field) not in failed:
                errors.append(RowError(number, _HEADERS.get(field, ""), message))
                failed.add(_HEADERS.get(field))
        if data.get("id_number") and _HEADERS["id_number"] not in failed:
            valid_ids.append((number, data["id_number"]))
        checked.append((number, data))
    for number, other in duplicates_in(valid_ids).items():
        errors.append(RowError(number, _HEADERS["id_number"],
                               _("The same value is also in row %(row)d.") % {"row": other}))
    by_hash = {pii.blind_index("id", value): number for number, value in valid_ids}
    for chunk in _chunks(list(by_hash)):
        for found in Member.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", flat=True):
            errors.append(RowError(by_hash[found], _HEADERS["id_number"],
                                   _("A member with this ID number is already on the register.")))
    return checked, errors


def members_import(*, actor, upload, on: datetime.date | None = None) -> ImportResult:
    """Add every member of an Excel file to the register, or none (党员信息批量导入).

    Opens each member's membership period (from ``on``, else from joining) and writes one
    audit entry per organization with the number of members it received.
    """
    if not has_any_scope(actor, "add"):
        raise PermissionDenied
    raw_rows = read_rows(upload, MEMBER_COLUMNS, skip=template_row(actor))
    lookups = choice_lookups(MEMBER_COLUMNS)
    rows = [(number, *parse_row(number, cells, MEMBER_COLUMNS, lookups), cells.get("id_number"))
            for number, cells in raw_rows]
    checked, errors = _check_rows(actor, rows)
    if errors:
        raise rows_rejected(errors)
    members = [member_build(data) for _, data in checked]
    counts = Counter(m.organization for m in members)
    try:
        with transaction.atomic():
            created = Member.objects.bulk_create(members, batch_size=500)
            Membership.objects.bulk_create(
                [Membership(member=m, organization=m.organization, started_on=on or m.joined_on) for m in created],
                batch_size=1000,
            )
            for org, count in counts.items():
                audit_log(actor=actor, action="member.imported", obj=org, organization=org,
                          changes={"count": count, "file": getattr(upload, "name", "")})
    except IntegrityError as exc:
        raise ImportRejected(_("Someone changed the register while the file was being checked; nothing was "
                               "imported. Please upload the file again.")) from exc
    return ImportResult(created=len(created), by_organization={o.name: n for o, n in counts.items()})
