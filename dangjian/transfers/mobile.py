"""Writes of the mobile-member register (流动党员): register a member as away, record their
return and what they do where they are, and set up a temporary branch (临时党支部) for three or
more of them. Their organizational relation stays with their home organization throughout.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.dates import add_months
from dangjian.core.rules import rule, rule_value
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, OrgType
from dangjian.organizations.models import Organization
from dangjian.organizations.services import organization_create
from dangjian.orglife.choices import StudySource
from dangjian.orglife.models import StudyRecord

from .choices import ActivityKind
from .models import MobileActivity, MobileMember

# A temporary branch reports to a committee, working committee or general branch, not to a branch.
TEMPORARY_BRANCH_NOT_UNDER = (*BRANCH_TYPES, OrgType.PARTY_GROUP)


def _check_contact(organization: Organization | None):
    if organization is None:
        return
    if not organization.is_active:
        raise ValidationError({"contact_organization": _("This organization is no longer active.")})
    if organization.org_type == OrgType.PARTY_GROUP:
        raise ValidationError({"contact_organization": _("Choose a branch or temporary branch, not a Party group.")})


def mobile_register(*, actor, member: Member, destination: str, left_on: datetime.date, work: str = "",
                    expected_return_on: datetime.date | None = None, transfer_impossible: bool = False,
                    contact_organization: Organization | None = None, contact_person: str = "",
                    certificate_number: str = "", note: str = "") -> MobileMember:
    """Register a member as away (流动党员登记) and where they take part in organizational life.

    Going to a fixed place for the rule pack's months or more calls for a transfer of the
    relation instead, unless the relation cannot be transferred.
    """
    destination = (destination or "").strip()
    if member.status not in ON_ROLL:
        raise ValidationError(_("%(name)s is not on the roll.") % {"name": member.name})
    if not destination:
        raise ValidationError({"destination": _("Say where the member has gone.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date cannot be in the future.")})
    if MobileMember.objects.filter(member=member, returned_on__isnull=True).exists():
        raise ValidationError(_("%(name)s is already registered as away.") % {"name": member.name})
    if expected_return_on and expected_return_on <= left_on:
        raise ValidationError({"expected_return_on": _("The expected return must come after leaving.")})
    months = rule("mobile.transfer_after_months", organization=member.organization, on=left_on)
    if (expected_return_on and not transfer_impossible
            and expected_return_on >= add_months(left_on, int(months.value))):
        raise ValidationError({"expected_return_on": _(
            "Going to a fixed place for %(months)d months or more calls for a transfer of the relation, not a mobile "
            "registration (unless the relation cannot be transferred).") % {"months": int(months.value)}})
    _check_contact(contact_organization)
    with transaction.atomic():
        registration = MobileMember.objects.create(
            member=member, destination=destination, work=work.strip(), left_on=left_on,
            expected_return_on=expected_return_on, transfer_impossible=transfer_impossible,
            contact_organization=contact_organization, contact_person=contact_person.strip(),
            certificate_number=certificate_number.strip(), note=note.strip(), rule_version=months.version,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(actor=actor, action="mobile.registered", obj=member, organization=member.organization,
                  changes={"destination": destination, "left_on": left_on,
                           "contact_organization": contact_organization})
    return registration


def mobile_return(*, actor, registration: MobileMember, returned_on: datetime.date, note: str = "") -> MobileMember:
    """The member is back (返回): the registration closes on ``returned_on``."""
    if registration.returned_on is not None:
        raise ValidationError(_("The member's return is already recorded."))
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("The date cannot be in the future.")})
    if returned_on < registration.left_on:
        raise ValidationError({"returned_on": _("The return cannot come before leaving (%(date)s).")
                               % {"date": registration.left_on}})
    with transaction.atomic():
        registration.returned_on = returned_on
        if note.strip():
            registration.note = note.strip()[:300]
        registration.save(update_fields=["returned_on", "note"])
        audit_log(actor=actor, action="mobile.returned", obj=registration.member,
                  organization=registration.member.organization, changes={"returned_on": returned_on})
    return registration


def mobile_activity_record(*, actor, registration: MobileMember, on: datetime.date, kind: str, description: str,
                           hours: Decimal = Decimal(0), place: str = "") -> MobileActivity:
    """Record what a mobile member did where they are; study credits study hours (学时)."""
    description = (description or "").strip()
    member = registration.member
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Choose what kind of activity it was.")})
    if not description:
        raise ValidationError({"description": _("Describe what was done.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < registration.left_on or (registration.returned_on and on > registration.returned_on):
        raise ValidationError({"on": _("The activity must fall within the time away.")})
    hours = Decimal(hours or 0)
    full_day = Decimal(str(rule_value("study.full_day_hours", organization=member.organization, on=on)))
    if hours < 0 or hours > full_day:
        raise ValidationError({"hours": _("Hours must be between 0 and %(max)s for one day.") % {"max": full_day}})
    if kind == ActivityKind.STUDY and hours <= 0:
        raise ValidationError({"hours": _("Give the hours of study.")})
    with transaction.atomic():
        record = None
        if kind == ActivityKind.STUDY:
            record = StudyRecord.objects.create(
                member=member, on=on, hours=hours, source=StudySource.MOBILE, title=description[:200],
                recorded_by=actor if getattr(actor, "pk", None) else None)
        activity = MobileActivity.objects.create(
            registration=registration, on=on, kind=kind, hours=hours, place=place.strip(), description=description,
            study_record=record, recorded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="mobile.activity_recorded", obj=member, organization=member.organization,
                  changes={"kind": kind, "hours": hours, "on": on})
    return activity


def _temporary_code(parent: Organization) -> str:
    taken = set(Organization.objects.filter(code__startswith=f"{parent.code}T").values_list("code", flat=True))
    number = 1
    while f"{parent.code}T{number:02d}" in taken:
        number += 1
    return f"{parent.code}T{number:02d}"


def temporary_branch_create(*, actor, parent: Organization, name: str, mobile_members,
                            on: datetime.date | None = None) -> Organization:
    """Set up a temporary branch (临时党支部) for mobile members in one place; they take part there
    while their relations stay with their home organizations. Needs the rule pack's minimum."""
    on = on or timezone.localdate()
    name = (name or "").strip()
    registrations = list(mobile_members)
    minimum = rule("mobile.temporary_branch_min_members", organization=parent, on=on)
    if not name:
        raise ValidationError({"name": _("Name the temporary branch.")})
    if len({r.pk for r in registrations}) < int(minimum.value):
        raise ValidationError({"mobile_members": _(
            "A temporary branch needs at least %(n)d mobile members (rule %(rule)s).")
            % {"n": int(minimum.value), "rule": minimum.version}})
    returned = [r.member.name for r in registrations if r.returned_on is not None]
    if returned:
        raise ValidationError({"mobile_members": _("%(names)s have already returned.") % {"names": "、".join(returned)}})
    if parent.org_type in TEMPORARY_BRANCH_NOT_UNDER:
        raise ValidationError({"parent": _(
            "A temporary branch is set up under a Party committee, working committee or general branch.")})
    with transaction.atomic():
        branch = organization_create(actor=actor, parent=parent, name=name, code=_temporary_code(parent),
                                     org_type=OrgType.TEMPORARY_BRANCH, unit_kind=parent.unit_kind, on=on)
        MobileMember.objects.filter(pk__in=[r.pk for r in registrations]).update(contact_organization=branch)
        audit_log(actor=actor, action="mobile.temporary_branch_created", obj=branch, organization=parent,
                  changes={"count": len(registrations), "member": [r.member.name for r in registrations],
                           "rule_version": minimum.version})
    return branch
