"""Writes to the roster: adding, editing and moving members, revealing protected data.

The same checks serve the form, the import and the API: :func:`member_check` returns the
errors of one member's data as ``{field: message}``.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.audit import audit_log, diff
from dangjian.core.pinyin import name_pinyin
from dangjian.core.validators import (
    id_number_birth_date,
    id_number_gender,
    normalize_id_number,
    validate_id_number,
    validate_phone,
)
from dangjian.organizations.choices import OrgType
from dangjian.organizations.models import Organization

from .choices import MemberStatus
from .models import PROTECTED_FIELDS, DutyPost, Member, Membership, Pledge

MEMBER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education",
    "joined_on", "full_member_on", "status", "category", "in_hardship", "organization",
    "party_group", "work_unit", "job",
)


def member_check(data: dict, *, instance: Member | None = None, check_duplicate: bool = True) -> dict[str, str]:
    """Every error in one member's data, as {field: Chinese message}; empty when all is well.

    ``check_duplicate=False`` skips the look-up of the ID number on the register, for bulk
    imports that look up all their ID numbers in one query.
    """
    errors: dict[str, str] = {}
    id_number = normalize_id_number(data.get("id_number") or "")
    if id_number:
        try:
            validate_id_number(id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
    if "id_number" not in errors and id_number:
        birth = data.get("birth_date")
        if birth and birth != id_number_birth_date(id_number):
            errors["birth_date"] = _("The birth date does not match the ID number.")
        gender = data.get("gender")
        if gender and gender != id_number_gender(id_number):
            errors["gender"] = _("The gender does not match the ID number.")
        duplicate = Member.objects.filter(id_number_hash=pii.blind_index("id", id_number))
        if instance is not None:
            duplicate = duplicate.exclude(pk=instance.pk)
        if check_duplicate and duplicate.exists():
            errors["id_number"] = _("A member with this ID number is already on the register.")
    if data.get("phone"):
        try:
            validate_phone(data["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    today = timezone.localdate()
    joined, full, birth = data.get("joined_on"), data.get("full_member_on"), data.get("birth_date")
    if joined and joined > today:
        errors["joined_on"] = _("The joining date cannot be in the future.")
    if joined and birth and (joined.year - birth.year - ((joined.month, joined.day) < (birth.month, birth.day))) < 18:
        errors["joined_on"] = _("A member must be at least 18 years old when joining.")
    if full and joined and full < joined:
        errors["full_member_on"] = _("Full membership cannot come before joining.")
    status = data.get("status")
    if status == MemberStatus.PROBATIONARY and full:
        errors["full_member_on"] = _("A probationary member has no full-membership date yet.")
    if status == MemberStatus.FULL and not full:
        errors["full_member_on"] = _("Enter the date of full membership.")
    org, group = data.get("organization"), data.get("party_group")
    if org is not None and not org.holds_members:
        errors["organization"] = _("Members belong to a branch or committee, not to a Party group.")
    elif org is not None and not org.is_active:
        errors["organization"] = _("This organization is no longer active.")
    if group is not None and (group.org_type != OrgType.PARTY_GROUP or org is None
                              or group.path[:-Organization.steplen] != org.path):
        errors["party_group"] = _("The Party group must be one under the member's organization.")
    return errors


def apply_protected(member: Member, data: dict):
    """Encrypt-side bookkeeping: blind indexes, last digits and masked copies."""
    if "id_number" in data:
        value = normalize_id_number(data["id_number"])
        member.id_number = value
        member.id_number_hash = pii.blind_index("id", value)
        member.id_number_last4 = value[-4:]
        member.id_number_masked = pii.mask_id_number(value)
    if "phone" in data:
        value = (data["phone"] or "").replace(" ", "")
        member.phone = value
        member.phone_hash = pii.blind_index("phone", value) if value else ""
        member.phone_last4 = value[-4:]
        member.phone_masked = pii.mask_phone(value)
    if "address" in data:
        member.address = data["address"] or ""
        member.address_masked = pii.mask_address(member.address)


def _raise_if(errors: dict):
    if errors:
        raise ValidationError(errors)


def member_build(data: dict) -> Member:
    """An unsaved member from checked data (used by create and by bulk imports)."""
    plain = {k: v for k, v in data.items() if k in MEMBER_FIELDS and k not in PROTECTED_FIELDS}
    member = Member(**plain)
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    apply_protected(member, {k: data.get(k, "") for k in PROTECTED_FIELDS})
    return member


def member_create(*, actor, data: dict, on: datetime.date | None = None) -> Member:
    """Add a member to the register (党员信息录入) and open their membership period."""
    _raise_if(member_check(data))
    with transaction.atomic():
        member = member_build(data)
        member.save()
        Membership.objects.create(member=member, organization=member.organization,
                                  started_on=on or member.joined_on or timezone.localdate())
        audit_log(actor=actor, action="member.created", obj=member, organization=member.organization,
                  changes={"organization": member.organization.name, "status": member.status})
    return member


def member_update(*, actor, member: Member, data: dict) -> Member:
    """Correct or update a member's register entry. Moving to another organization is
    :func:`member_move`; protected values are logged as changed, never with their values."""
    # ``in_hardship`` is derived from hardship cases (dangjian.care.services), never edited here.
    data = {k: v for k, v in data.items() if k in MEMBER_FIELDS and k not in ("organization", "in_hardship")}
    merged = {f: getattr(member, f) for f in MEMBER_FIELDS} | data
    _raise_if(member_check(merged, instance=member))
    before = {k: getattr(member, k) for k in data}
    changed = diff(before, data)
    if not changed:
        return member
    for field in PROTECTED_FIELDS:
        if field in changed:
            changed[field] = ["***", "***"]
    with transaction.atomic():
        for key, value in data.items():
            if key not in PROTECTED_FIELDS:
                setattr(member, key, value)
        if "name" in data:
            member.name_pinyin, member.name_initials = name_pinyin(member.name)
        apply_protected(member, {k: v for k, v in data.items() if k in PROTECTED_FIELDS})
        member.save()
        audit_log(actor=actor, action="member.updated", obj=member, organization=member.organization,
                  changes=changed)
    return member


def member_move(*, actor, member: Member, organization, on: datetime.date | None = None) -> Member:
    """Move a member's relation to another organization, closing one period and opening the next.

    A member is never in two organizations or in none.
    """
    on = on or timezone.localdate()
    if organization.pk == member.organization_id:
        return member
    _raise_if(member_check({"organization": organization}))
    current = Membership.objects.filter(member=member, ended_on__isnull=True).first()
    if current and on < current.started_on:
        raise ValidationError(_("%(name)s has belonged to %(org)s only since %(date)s; the move cannot be dated earlier.")
                              % {"name": member.name, "org": member.organization.name, "date": current.started_on})
    with transaction.atomic():
        old = member.organization
        Membership.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        Membership.objects.create(member=member, organization=organization, started_on=on)
        member.organization = organization
        member.party_group = None
        member.save(update_fields=["organization", "party_group", "updated_at"])
        audit_log(actor=actor, action="member.moved", obj=member, organization=organization,
                  changes={"organization": [old.name, organization.name]})
    return member


def member_reveal(*, actor, member: Member, field: str, purpose: str) -> str:
    """Show one protected value in full (查看完整信息), logged with the stated purpose."""
    if field not in PROTECTED_FIELDS:
        raise ValueError(field)
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise ValidationError({"purpose": _("State why you need to see this information.")})
    value = Member.objects.values_list(field, flat=True).get(pk=member.pk)
    with transaction.atomic():
        audit_log(actor=actor, action="member.revealed", obj=member, organization=member.organization,
                  changes={"field": field}, note=purpose)
    return value


def duty_post_create(*, actor, member: Member, title: str, started_on: datetime.date, description: str = "",
                     is_model_post: bool = False) -> DutyPost:
    """Assign a duty to a member (设岗定责), or name a model post (党员示范岗)."""
    with transaction.atomic():
        post = DutyPost.objects.create(member=member, title=title, description=description,
                                       is_model_post=is_model_post, started_on=started_on)
        audit_log(actor=actor, action="duty_post.created", obj=member, organization=member.organization,
                  changes={"duty": title})
    return post


def pledge_create(*, actor, member: Member, year: int, content: str) -> Pledge:
    """Record a member's public commitment (公开承诺) for a year."""
    with transaction.atomic():
        pledge = Pledge.objects.create(member=member, year=year, content=content)
        audit_log(actor=actor, action="pledge.created", obj=member, organization=member.organization,
                  changes={"year": year})
    return pledge
