"""Writes of building Party work (楼宇党建): office buildings, their service desks (党建服务咨询站)
with the services they give, and the events of the building's firms' association (楼宇企业联谊会).

Tenants are not written here: a firm becomes a tenant through its register entry (building and
floor, ``services_firms.firm_update``); joint branches by floor and trade are formed with
``services_firms.joint_branch_form``. Each service checks the actor's scope over the building's
organization in charge, validates, writes in one transaction and leaves one audit entry.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.audit import audit_log, diff
from dangjian.core.validators import clean_plain_text
from dangjian.organizations.choices import OrgStatus

from .choices import NOT_AREA_TYPES, DeskServiceKind
from .models import AssociationEvent, Building, DeskService, Firm, ServiceDesk
from .services_firms import require_scope

# Building fields a service may set, with their length limits (plain text).
TEXT_FIELDS = {"name": 100, "address": 200, "property_company": 100, "property_contact": 50,
               "association_name": 100}
BUILDING_FIELDS = (*TEXT_FIELDS, "area_organization", "floors_above", "floors_below", "property_phone")


def _phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and not (value.isdigit() and 7 <= len(value) <= 12):
        raise ValidationError({"property_phone": _("Enter a phone number of 7 to 12 digits.")})
    return value


def _not_future(field: str, day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _check_floors(above, below) -> None:
    if above is None or above < 1:
        raise ValidationError({"floors_above": _("A building has at least one floor above ground.")})
    if below is None or below < 0:
        raise ValidationError({"floors_below": _("Enter zero or more floors below ground.")})


def _clean(fields: dict) -> dict:
    for key, limit in TEXT_FIELDS.items():
        if key in fields:
            fields[key] = clean_plain_text(fields[key], key, limit, required=key in ("name", "address"))
    if "property_phone" in fields:
        phone = _phone(fields["property_phone"])
        fields["property_phone"], fields["property_phone_masked"] = phone, pii.mask_phone(phone)
    return fields


def _check_area(area) -> None:
    """A building is in the care of an active community or sub-district, never a branch or Party group."""
    if area.org_type in NOT_AREA_TYPES or area.status != OrgStatus.ACTIVE:
        raise ValidationError({"area_organization": _(
            "A building is in the care of an active community or sub-district, not of a branch or Party group.")})


def _name_taken(name: str, area, exclude: int | None = None) -> None:
    if Building.objects.filter(name=name, area_organization=area).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("A building of this name is already registered in this area.")})


def building_create(*, actor, name: str, address: str, area_organization, floors_above: int = 1,
                    floors_below: int = 0, **attrs) -> Building:
    """Register an office building (楼宇) in the care of ``area_organization`` (a community or sub-district)."""
    unknown = set(attrs) - set(BUILDING_FIELDS)
    if unknown:
        raise ValueError(f"Not a building field: {sorted(unknown)}")
    require_scope(actor, "add", area_organization)
    _check_area(area_organization)
    _check_floors(floors_above, floors_below)
    fields = _clean({"name": name, "address": address, **attrs})
    _name_taken(fields["name"], area_organization)
    with transaction.atomic():
        building = Building.objects.create(area_organization=area_organization, floors_above=floors_above,
                                           floors_below=floors_below, **fields)
        audit_log(actor=actor, action="office_building.created", obj=building, organization=area_organization,
                  changes={"name": building.name, "floors_above": floors_above, "floors_below": floors_below})
    return building


def building_update(*, actor, building: Building, **changes) -> Building:
    """Change a building's record. Fewer floors are refused while tenants sit on the floors that
    would go; a blank ``property_phone`` keeps the number (the edit form never shows it)."""
    unknown = set(changes) - set(BUILDING_FIELDS)
    if unknown:
        raise ValueError(f"Not a building field: {sorted(unknown)}")
    require_scope(actor, "change", building.area_organization)
    if "area_organization" in changes:
        require_scope(actor, "change", changes["area_organization"])
        if changes["area_organization"] != building.area_organization:
            _check_area(changes["area_organization"])
    if not (changes.get("property_phone") or "").strip():
        changes.pop("property_phone", None)
    above = changes.get("floors_above", building.floors_above)
    below = changes.get("floors_below", building.floors_below)
    _check_floors(above, below)
    kept = set(Building(floors_above=above, floors_below=below).floors())
    stranded = [f for f in building.tenants.filter(floor__isnull=False).select_related("unit") if f.floor not in kept]
    if stranded:
        raise ValidationError({"floors_above" if any(f.floor > 0 for f in stranded) else "floors_below": _(
            "Tenants still sit on the floors you remove: %(firms)s. Move them first.") % {
            "firms": "、".join(f"{f.name}（{f.floor}）" for f in stranded)}})
    changes = _clean(changes)
    if "name" in changes or "area_organization" in changes:
        _name_taken(changes.get("name", building.name), changes.get("area_organization", building.area_organization),
                    exclude=building.pk)
    before = {k: getattr(building, k) for k in changes}
    with transaction.atomic():
        for key, value in changes.items():
            setattr(building, key, value)
        building.save()
        changed = diff(before, {k: v for k, v in changes.items() if k != "property_phone"})
        if "property_phone" in changes and before["property_phone"] != changes["property_phone"]:
            changed["property_phone"] = [before.get("property_phone_masked", ""), changes["property_phone_masked"]]
        changed.pop("property_phone_masked", None)
        if changed:
            audit_log(actor=actor, action="office_building.updated", obj=building, organization=building.area_organization,
                      changes=changed)
    return building


def building_phone_reveal(*, actor, building: Building, purpose: str) -> str:
    """The property company's phone in full, after a stated purpose; logged (``building.phone_revealed``)."""
    require_scope(actor, "reveal", building.area_organization)
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise ValidationError({"purpose": _("State why you need to see this information.")})
    value = Building.objects.values_list("property_phone", flat=True).get(pk=building.pk)
    with transaction.atomic():
        audit_log(actor=actor, action="office_building.phone_revealed", obj=building, organization=building.area_organization,
                  changes={"field": "property_phone"}, note=purpose)
    return value


# Service desks -----------------------------------------------------------------------------------

def desk_open(*, actor, building: Building, name: str, opened_on: datetime.date, location: str = "",
              hosts: str = "", opening_hours: str = "") -> ServiceDesk:
    """Open a Party-building service desk (党建服务咨询站) in a building."""
    require_scope(actor, "add", building.area_organization)
    name = clean_plain_text(name, "name", 100, required=True)
    fields = {"location": clean_plain_text(location, "location", 100),
              "hosts": clean_plain_text(hosts, "hosts", 200),
              "opening_hours": clean_plain_text(opening_hours, "opening_hours", 100)}
    _not_future("opened_on", opened_on)
    if building.desks.filter(name=name, closed_on__isnull=True).exists():
        raise ValidationError({"name": _("An open desk of this name is already in the building.")})
    with transaction.atomic():
        desk = ServiceDesk.objects.create(building=building, name=name, opened_on=opened_on, **fields)
        audit_log(actor=actor, action="service_desk.opened", obj=desk, organization=building.area_organization,
                  changes={"building": building.name, "name": name, "opened_on": opened_on})
    return desk


def desk_close(*, actor, desk: ServiceDesk, closed_on: datetime.date, note: str = "") -> ServiceDesk:
    """Close a service desk; its records stay."""
    organization = desk.building.area_organization
    require_scope(actor, "change", organization)
    if desk.closed_on:
        raise ValidationError(_("This desk is already closed."))
    _not_future("closed_on", closed_on)
    if closed_on < desk.opened_on:
        raise ValidationError({"closed_on": _("A desk cannot close before it opened.")})
    with transaction.atomic():
        desk.closed_on = closed_on
        desk.save(update_fields=["closed_on"])
        audit_log(actor=actor, action="service_desk.closed", obj=desk, organization=organization,
                  changes={"closed_on": closed_on}, note=(note or "").strip()[:200])
    return desk


def _tenant_check(field: str, building: Building, firms) -> None:
    outside = [f.name for f in firms if f.building_id != building.pk]
    if outside:
        raise ValidationError({field: _("Not a tenant of %(building)s: %(firms)s.") % {
            "building": building.name, "firms": "、".join(outside)}})


def desk_service_record(*, actor, desk: ServiceDesk, served_on: datetime.date, kind: str, subject: str,
                        firm: Firm | None = None, resolved: bool = False, note: str = "") -> DeskService:
    """Record one service the desk gave (服务记录): its kind, the tenant firm served if any, the
    subject and whether it was settled on the spot."""
    organization = desk.building.area_organization
    require_scope(actor, "add", organization)
    if kind not in DeskServiceKind.values:
        raise ValidationError({"kind": _("Choose the kind of service.")})
    subject = clean_plain_text(subject, "subject", 200, required=True)
    _not_future("served_on", served_on)
    if served_on < desk.opened_on or (desk.closed_on and served_on > desk.closed_on):
        raise ValidationError({"served_on": _("The desk was not open on that day.")})
    if firm is not None:
        _tenant_check("firm", desk.building, [firm])
    with transaction.atomic():
        service = DeskService.objects.create(desk=desk, served_on=served_on, kind=kind, subject=subject, firm=firm,
                                             resolved=resolved, note=(note or "").strip(),
                                             recorded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="desk_service.recorded", obj=desk, organization=organization,
                  changes={"served_on": served_on, "kind": kind, "subject": subject,
                           "firm": firm.name if firm else "", "settled": resolved})
    return service


def desk_service_settle(*, actor, service: DeskService, note: str = "") -> DeskService:
    """Mark a service record as settled (办结), with how it was settled."""
    organization = service.desk.building.area_organization
    require_scope(actor, "change", organization)
    if service.resolved:
        raise ValidationError(_("This service is already settled."))
    note = (note or "").strip()
    with transaction.atomic():
        service.resolved = True
        if note:
            service.note = f"{service.note}\n{note}".strip()
        service.save(update_fields=["resolved", "note"])
        audit_log(actor=actor, action="desk_service.settled", obj=service.desk, organization=organization,
                  changes={"subject": service.subject, "settled": [False, True]}, note=note[:200])
    return service


# Association events ------------------------------------------------------------------------------

def association_event_record(*, actor, building: Building, held_on: datetime.date, title: str, place: str = "",
                             firms=(), attendance: int = 0, outcomes: str = "") -> AssociationEvent:
    """Record an event of the building's firms' association (联谊会活动) with the tenant firms taking part."""
    organization = building.area_organization
    require_scope(actor, "add", organization)
    title = clean_plain_text(title, "title", 200, required=True)
    place = clean_plain_text(place, "place", 100)
    _not_future("held_on", held_on)
    if attendance is None or attendance < 0:
        raise ValidationError({"attendance": _("Enter zero or more people.")})
    firms = list({f.pk: f for f in firms}.values())
    _tenant_check("firms", building, firms)
    with transaction.atomic():
        event = AssociationEvent.objects.create(building=building, held_on=held_on, title=title, place=place,
                                                attendance=attendance, outcomes=(outcomes or "").strip(),
                                                recorded_by=actor if getattr(actor, "pk", None) else None)
        event.firms.set(firms)
        audit_log(actor=actor, action="association_event.recorded", obj=building, organization=organization,
                  changes={"title": title, "held_on": held_on, "attendance": attendance,
                           "firms": sorted(f.name for f in firms)})
    return event
