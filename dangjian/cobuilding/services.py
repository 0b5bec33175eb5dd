"""Writes of co-building: units, dual registration, resources and bookings, projects, agreements, brands.

Each service validates, writes in one transaction and leaves one audit entry.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.audit import audit_log

from .choices import BOOKING_TRANSITIONS, HOLDING, ProjectArea, ProjectStatus, ResourceKind, UnitKind
from .models import (
    Agreement,
    BookingLog,
    Brand,
    BrandActivity,
    JointProject,
    MemberRegistration,
    PartnerUnit,
    Resource,
    ResourceBooking,
)


def _required(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and not (value.isdigit() and 7 <= len(value) <= 12):
        raise ValidationError({"contact_phone": _("Enter a phone number of 7 to 12 digits.")})
    return value


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# Units -------------------------------------------------------------------------------------------

def unit_register(*, actor, organization, name: str, kind: str, registered_on: datetime.date, address: str = "",
                  contact_name: str = "", contact_phone: str = "", party_organization=None) -> PartnerUnit:
    """Register a unit in the area with a community (单位双报到)."""
    name = _required("name", name, _("Enter the unit's name."))
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Choose the kind of unit.")})
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    phone = _phone(contact_phone)
    if PartnerUnit.objects.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("This unit is already registered with this community.")})
    with transaction.atomic():
        unit = PartnerUnit.objects.create(
            organization=organization, name=name, kind=kind, registered_on=registered_on, address=address.strip(),
            contact_name=contact_name.strip(), contact_phone=phone, phone_masked=pii.mask_phone(phone),
            party_organization=party_organization)
        audit_log(actor=actor, action="partner_unit.registered", obj=unit, organization=organization,
                  changes={"name": name, "kind": kind, "registered_on": registered_on})
    return unit


def unit_reveal(*, actor, unit: PartnerUnit, purpose: str) -> str:
    """The unit's contact phone in full, after a stated purpose; logged (``partner_unit.revealed``)."""
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise ValidationError({"purpose": _("State why you need to see this information.")})
    value = PartnerUnit.objects.values_list("contact_phone", flat=True).get(pk=unit.pk)
    with transaction.atomic():
        audit_log(actor=actor, action="partner_unit.revealed", obj=unit, organization=unit.organization,
                  changes={"field": "contact_phone"}, note=purpose)
    return value


def member_register(*, actor, member, organization, registered_on: datetime.date,
                    intentions: str = "") -> MemberRegistration:
    """Register a member in their home community (党员双报到)."""
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    if MemberRegistration.objects.filter(member=member, organization=organization).exists():
        raise ValidationError({"member": _("This member is already registered with this community.")})
    with transaction.atomic():
        registration = MemberRegistration.objects.create(member=member, organization=organization,
                                                         registered_on=registered_on, intentions=intentions.strip())
        audit_log(actor=actor, action="member_registration.created", obj=registration, organization=organization,
                  changes={"member": member.name, "registered_on": registered_on})
    return registration


# Resources and bookings --------------------------------------------------------------------------

def resource_add(*, actor, unit: PartnerUnit, kind: str, name: str, description: str = "",
                 capacity: int | None = None, availability: str = "") -> Resource:
    """A resource the unit offers the community."""
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": _("Choose the kind of resource.")})
    name = _required("name", name, _("Name the resource."))
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Enter a capacity of at least one.")})
    with transaction.atomic():
        resource = Resource.objects.create(unit=unit, kind=kind, name=name, description=description.strip(),
                                           capacity=capacity, availability=availability.strip())
        audit_log(actor=actor, action="resource.added", obj=resource, organization=unit.organization,
                  changes={"unit": unit.name, "name": name, "kind": kind})
    return resource


def _log(booking, *, actor, from_status: str, note: str = "") -> None:
    BookingLog.objects.create(booking=booking, from_status=from_status, to_status=booking.status,
                              actor=_user(actor), note=note[:200])


def booking_request(*, actor, resource: Resource, day: datetime.date, starts_at: datetime.time,
                    ends_at: datetime.time, purpose: str) -> ResourceBooking:
    """Ask to use a resource on a day for a time; a slot overlapping a held booking is refused."""
    purpose = _required("purpose", purpose, _("Say what the resource is needed for."))
    if not resource.active:
        raise ValidationError(_("This resource is no longer offered."))
    if day < timezone.localdate():
        raise ValidationError({"day": _("A booking cannot be in the past.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    with transaction.atomic():
        # Lock the resource so two requests for the same slot cannot both pass the check.
        Resource.objects.select_for_update().filter(pk=resource.pk).first()
        clash = ResourceBooking.objects.filter(resource=resource, day=day, status__in=HOLDING,
                                               starts_at__lt=ends_at, ends_at__gt=starts_at).first()
        if clash:
            raise ValidationError({"starts_at": _("The resource is already booked from %(start)s to %(end)s that day.")
                                   % {"start": f"{clash.starts_at:%H:%M}", "end": f"{clash.ends_at:%H:%M}"}})
        booking = ResourceBooking.objects.create(resource=resource, day=day, starts_at=starts_at, ends_at=ends_at,
                                                 purpose=purpose, requested_by=_user(actor))
        _log(booking, actor=actor, from_status="")
        audit_log(actor=actor, action="resource_booking.requested", obj=booking,
                  organization=resource.unit.organization,
                  changes={"resource": resource.name, "day": day, "from": f"{starts_at:%H:%M}",
                           "until": f"{ends_at:%H:%M}"})
    return booking


def booking_transition(*, actor, booking: ResourceBooking, action: str, note: str = "") -> ResourceBooking:
    """Move a booking along its table: approve, decline or mark as used (logged)."""
    if action not in BOOKING_TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    sources, target = BOOKING_TRANSITIONS[action]
    with transaction.atomic():
        booking = ResourceBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in sources:
            raise ValidationError(_("A booking that is %(status)s cannot take this step.")
                                  % {"status": booking.get_status_display()})
        if action == "decline" and not (note or "").strip():
            raise ValidationError({"note": _("Say why the booking is declined.")})
        if action == "use" and booking.day > timezone.localdate():
            raise ValidationError(_("A booking can be marked as used only on or after its day."))
        before = booking.status
        booking.status = target
        booking.save(update_fields=["status"])
        _log(booking, actor=actor, from_status=before, note=(note or "").strip())
        audit_log(actor=actor, action=f"resource_booking.{action}", obj=booking,
                  organization=booking.resource.unit.organization, changes={"status": [before, target]},
                  note=(note or "").strip())
    return booking


# Projects and agreements -------------------------------------------------------------------------

def project_create(*, actor, organization, title: str, area: str, units, starts_on: datetime.date,
                   ends_on: datetime.date | None = None, status: str = ProjectStatus.PLANNED,
                   outcomes: str = "") -> JointProject:
    """A joint project with units of the community (共建项目)."""
    title = _required("title", title, _("Enter the project's title."))
    if area not in ProjectArea.values:
        raise ValidationError({"area": _("Choose the area of co-building.")})
    if status not in ProjectStatus.values:
        raise ValidationError({"status": _("Choose the status.")})
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    if any(u.organization_id != organization.pk for u in units):
        raise ValidationError({"units": _("Choose units registered with this community.")})
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot come before the start.")})
    with transaction.atomic():
        project = JointProject.objects.create(organization=organization, title=title, area=area, starts_on=starts_on,
                                              ends_on=ends_on, status=status, outcomes=outcomes.strip())
        project.units.set(units)
        audit_log(actor=actor, action="joint_project.created", obj=project, organization=organization,
                  changes={"title": title, "area": area, "units": [u.name for u in units]})
    return project


def agreement_sign(*, actor, unit: PartnerUnit, signed_on: datetime.date, term_start: datetime.date,
                   term_end: datetime.date, terms: str) -> Agreement:
    """Record a co-building agreement between a unit and its community (共建协议)."""
    terms = _required("terms", terms, _("Enter what the parties agreed."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The date cannot be in the future.")})
    if term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    with transaction.atomic():
        agreement = Agreement.objects.create(unit=unit, organization=unit.organization, signed_on=signed_on,
                                             term_start=term_start, term_end=term_end, terms=terms)
        audit_log(actor=actor, action="agreement.signed", obj=agreement, organization=unit.organization,
                  changes={"unit": unit.name, "term_start": term_start, "term_end": term_end})
    return agreement


# Brands ------------------------------------------------------------------------------------------

def brand_save(*, actor, organization, name: str, slogan: str = "", description: str = "",
               outcomes: str = "") -> Brand:
    """Create or update a community's brand (一居一品)."""
    name = _required("name", name, _("Enter the brand's name."))
    with transaction.atomic():
        brand, created = Brand.objects.get_or_create(organization=organization, defaults={"name": name})
        before = {"name": brand.name, "slogan": brand.slogan}
        brand.name, brand.slogan = name, slogan.strip()
        brand.description, brand.outcomes = description.strip(), outcomes.strip()
        brand.save()
        audit_log(actor=actor, action="brand.created" if created else "brand.updated", obj=brand,
                  organization=organization, changes={"name": [before["name"], name] if not created else name})
    return brand


def brand_activity_add(*, actor, brand: Brand, held_on: datetime.date, title: str, outcome: str = "",
                       project: JointProject | None = None) -> BrandActivity:
    """A dated activity under the brand, with what came of it."""
    title = _required("title", title, _("Enter the activity's title."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if project and project.organization_id != brand.organization_id:
        raise ValidationError({"project": _("Choose a project of this community.")})
    with transaction.atomic():
        activity = BrandActivity.objects.create(brand=brand, held_on=held_on, title=title, outcome=outcome.strip(),
                                                project=project)
        audit_log(actor=actor, action="brand.activity_added", obj=brand, organization=brand.organization,
                  changes={"title": title, "held_on": held_on})
    return activity
