"""Writes of grids: grids and their buildings, grid staff, households (with their protected phone),
reads of tagged households, and the visit log."""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core import pii
from dangjian.core.access import GRID_ROLES, Role
from dangjian.core.audit import audit_log
from dangjian.core.validators import validate_phone

from .choices import HouseholdTag, VisitKind
from .models import Building, Grid, GridVisit, Household, decode_tags, encode_tags
from .selectors_grids import GRID_ORG_TYPES, GRID_UNIT_KINDS

GRID_FIELDS = ("name", "code", "description", "lat", "long", "active")
BUILDING_FIELDS = ("name", "address", "kind", "floors", "lat", "long")
HOUSEHOLD_FIELDS = ("room", "size", "contact_name", "note", "active")


def _raise_if(errors: dict):
    if errors:
        raise ValidationError(errors)


def _changes(obj, data: dict, fields) -> dict:
    """Set ``fields`` present in ``data`` on ``obj``; the changed ones as ``{field: [old, new]}``."""
    changes = {}
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            changes[name] = [getattr(obj, name), data[name]]
            setattr(obj, name, data[name])
    return changes


def _check_coordinates(data: dict, errors: dict):
    lat, long = data.get("lat"), data.get("long")
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = _("A latitude lies between -90 and 90.")
    if long is not None and not -180 <= long <= 180:
        errors["long"] = _("A longitude lies between -180 and 180.")
    if (lat is None) != (long is None) and "lat" not in errors and "long" not in errors:
        errors["long" if lat is not None else "lat"] = _("Give both latitude and longitude, or neither.")


# Grids ---------------------------------------------------------------------------------------

def grid_create(*, actor, organization, data: dict) -> Grid:
    """Set up a grid (划分网格) under a community's organization."""
    errors = {}
    if organization.org_type not in GRID_ORG_TYPES or organization.unit_kind not in GRID_UNIT_KINDS:
        errors["organization"] = _("Grids are set up under a community or village committee.")
    code = (data.get("code") or "").strip()
    if code and Grid.objects.filter(code=code).exists():
        errors["code"] = _("Another grid already has this code.")
    if Grid.objects.filter(organization=organization, name=(data.get("name") or "").strip()).exists():
        errors["name"] = _("This community already has a grid of this name.")
    _check_coordinates(data, errors)
    _raise_if(errors)
    with transaction.atomic():
        grid = Grid(organization=organization)
        _changes(grid, {**data, "code": code, "name": data["name"].strip()}, GRID_FIELDS)
        grid.save()
        audit_log(actor=actor, action="grid.created", obj=grid, organization=organization,
                  changes={"code": grid.code, "name": grid.name})
    return grid


def grid_update(*, actor, grid: Grid, data: dict) -> Grid:
    errors = {}
    if "code" in data:
        data = {**data, "code": data["code"].strip()}
        if Grid.objects.filter(code=data["code"]).exclude(pk=grid.pk).exists():
            errors["code"] = _("Another grid already has this code.")
    if "name" in data and Grid.objects.filter(organization=grid.organization_id, name=data["name"].strip()) \
            .exclude(pk=grid.pk).exists():
        errors["name"] = _("This community already has a grid of this name.")
    _check_coordinates({"lat": data.get("lat", grid.lat), "long": data.get("long", grid.long)}, errors)
    _raise_if(errors)
    with transaction.atomic():
        changes = _changes(grid, data, GRID_FIELDS)
        if changes:
            grid.save()
            audit_log(actor=actor, action="grid.updated", obj=grid, organization=grid.organization, changes=changes)
    return grid


# Buildings -----------------------------------------------------------------------------------

def _check_building(grid: Grid, data: dict, building: Building | None = None):
    errors = {}
    name = (data.get("name") or "").strip() if "name" in data else None
    if name is not None:
        others = Building.objects.filter(grid=grid, name=name)
        if building is not None:
            others = others.exclude(pk=building.pk)
        if others.exists():
            errors["name"] = _("This grid already has a building of this name.")
    if data.get("floors") is not None and not 1 <= data["floors"] <= 200:
        errors["floors"] = _("Enter the number of floors (1 to 200).")
    _check_coordinates({"lat": data.get("lat", getattr(building, "lat", None)),
                        "long": data.get("long", getattr(building, "long", None))}, errors)
    _raise_if(errors)


def building_create(*, actor, grid: Grid, data: dict) -> Building:
    """Add a building to a grid (the grid's boundary is its list of buildings)."""
    _check_building(grid, data)
    with transaction.atomic():
        building = Building(grid=grid)
        _changes(building, {**data, "name": data["name"].strip()}, BUILDING_FIELDS)
        building.save()
        audit_log(actor=actor, action="building.created", obj=building, organization=grid.organization,
                  changes={"grid": grid.name, "name": building.name})
    return building


def building_update(*, actor, building: Building, data: dict) -> Building:
    _check_building(building.grid, data, building)
    if "name" in data:
        data = {**data, "name": data["name"].strip()}
    with transaction.atomic():
        changes = _changes(building, data, BUILDING_FIELDS)
        if changes:
            building.save()
            audit_log(actor=actor, action="building.updated", obj=building, organization=building.grid.organization,
                      changes=changes)
    return building


# Staff ---------------------------------------------------------------------------------------

def _forget_roles(user: User):
    user.__dict__.pop("_scope_cache", None)
    user.__dict__.pop("_role_rows", None)


def grid_staff_assign(*, actor, grid: Grid, user: User, role: str) -> RoleAssignment:
    """Make ``user`` the grid leader (网格长) or a grid worker (网格员) of ``grid``."""
    if role not in GRID_ROLES:
        raise ValidationError({"role": _("Choose grid leader or grid worker.")})
    errors = {}
    if not user.is_active:
        errors["user"] = _("This account is disabled.")
    elif RoleAssignment.objects.filter(grid=grid, user=user, role__in=GRID_ROLES).exists():
        errors["user"] = _("%(name)s already works in this grid.") % {"name": user}
    elif role == Role.GRID_LEADER and RoleAssignment.objects.filter(grid=grid, role=Role.GRID_LEADER).exists():
        errors["role"] = _("This grid already has a grid leader; remove them first.")
    _raise_if(errors)
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(user=user, role=role, organization=grid.organization, grid=grid)
        audit_log(actor=actor, action="grid.staff_assigned", obj=grid, organization=grid.organization,
                  changes={"role": role, "user": user.get_username()})
    _forget_roles(user)
    return assignment


def grid_staff_remove(*, actor, assignment: RoleAssignment) -> None:
    """End someone's work in a grid (their role assignment on it)."""
    grid, user = assignment.grid, assignment.user
    if grid is None or assignment.role not in GRID_ROLES:
        raise ValidationError(_("This is not a grid role."))
    with transaction.atomic():
        role = assignment.role
        assignment.delete()
        audit_log(actor=actor, action="grid.staff_removed", obj=grid, organization=grid.organization,
                  changes={"role": role, "user": user.get_username()})
    _forget_roles(user)


# Households ----------------------------------------------------------------------------------

def household_apply_phone(household: Household, value: str) -> None:
    """Set a household's contact phone with its blind index, last digits and masked copy (unsaved)."""
    household.contact_phone = value
    household.phone_hash = pii.blind_index("phone", value) if value else ""
    household.phone_last4 = value[-4:]
    household.phone_masked = pii.mask_phone(value) if value else ""


def _check_household(building: Building, data: dict, household: Household | None = None) -> dict:
    """Errors of ``data``; normalizes ``contact_phone`` and ``tags`` in place."""
    errors = {}
    if "room" in data:
        data["room"] = (data["room"] or "").strip()
        if not data["room"]:
            errors["room"] = _("Enter the unit and room, for example 2-301.")
        else:
            others = Household.objects.filter(building=building, room=data["room"])
            if household is not None:
                others = others.exclude(pk=household.pk)
            if others.exists():
                errors["room"] = _("This building already has a household in this room.")
    if "size" in data and data["size"] is not None and not 1 <= data["size"] <= 30:
        errors["size"] = _("Enter how many people live there (1 to 30).")
    if data.get("contact_phone"):
        try:
            data["contact_phone"] = validate_phone(data["contact_phone"])
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    if "tags" in data:
        unknown = set(data["tags"] or ()) - set(HouseholdTag.values)
        if unknown:
            errors["tags"] = _("Unknown tags: %(tags)s.") % {"tags": "、".join(sorted(unknown))}
    return errors


def household_create(*, actor, building: Building, data: dict) -> Household:
    """Add a household to a building, with the least a service needs."""
    data = {"room": "", **data}
    _raise_if(_check_household(building, data))
    with transaction.atomic():
        household = Household(building=building)
        _changes(household, data, HOUSEHOLD_FIELDS)
        household.tags = encode_tags(data.get("tags"))
        household_apply_phone(household, data.get("contact_phone") or "")
        household.save()
        audit_log(actor=actor, action="household.created", obj=household, organization=building.grid.organization,
                  changes={"building": building.name, "room": household.room, "tags": household.tag_list})
    return household


def household_update(*, actor, household: Household, data: dict) -> Household:
    """Correct a household. A blank ``contact_phone`` keeps the number; ``clear_phone`` removes it."""
    data = dict(data)
    _raise_if(_check_household(household.building, data, household))
    with transaction.atomic():
        changes = _changes(household, data, HOUSEHOLD_FIELDS)
        if "tags" in data and encode_tags(data["tags"]) != household.tags:
            changes["tags"] = [household.tag_list, decode_tags(encode_tags(data["tags"]))]
            household.tags = encode_tags(data["tags"])
        if data.get("contact_phone") or data.get("clear_phone"):
            new = data.get("contact_phone") or ""
            if new != Household.objects.values_list("contact_phone", flat=True).get(pk=household.pk):
                changes["contact_phone"] = [household.phone_masked, pii.mask_phone(new) if new else ""]
                household_apply_phone(household, new)
        if changes:
            household.save()
            audit_log(actor=actor, action="household.updated", obj=household,
                      organization=household.building.grid.organization, changes=changes)
    return household


def household_reveal(*, actor, household: Household, purpose: str) -> str:
    """The household's contact phone in full, after a stated purpose; logged (``household.revealed``)."""
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise ValidationError({"purpose": _("State why you need to see this information.")})
    value = Household.objects.values_list("contact_phone", flat=True).get(pk=household.pk)
    with transaction.atomic():
        audit_log(actor=actor, action="household.revealed", obj=household,
                  organization=household.building.grid.organization, changes={"field": "contact_phone"}, note=purpose)
    return value


def household_read(*, actor, household: Household) -> None:
    """Log the read of one household if it carries tags (a tagged household is sensitive)."""
    if household.tags:
        audit_log(actor=actor, action="household.read", obj=household,
                  organization=household.building.grid.organization, changes={"tags": household.tag_list})


def households_listed(*, actor, filters: dict, count: int, grid: Grid | None = None, tagged=()) -> None:
    """Log one read of a list of households that was filtered by tag or showed tagged households: the
    filters (as a query string), how many households matched and the tagged ones shown."""
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    audit_log(actor=actor, action="household.read", obj=grid, organization=grid.organization if grid else None,
              changes={"filters": query, "count": count, "tagged": sorted(tagged)})


# Visits --------------------------------------------------------------------------------------

def visit_record(*, actor, grid: Grid, kind: str, visited_on: datetime.date | None = None,
                 building: Building | None = None, household: Household | None = None, note: str = "") -> GridVisit:
    """Record a visit or patrol (走访/巡查): a household, a building or the grid at large."""
    errors = {}
    today = timezone.localdate()
    visited_on = visited_on or today
    if household is not None:
        if building is None:
            building = household.building
        if household.building_id != building.pk:
            errors["household"] = _("This household is not in the chosen building.")
    if building is not None and building.grid_id != grid.pk:
        errors["building"] = _("This building is not in the grid.")
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose how the visit was made.")
    elif kind != VisitKind.PATROL and household is None:
        errors["household"] = _("A door-to-door visit or a phone call is to a household: choose it.")
    if visited_on > today:
        errors["visited_on"] = _("The date cannot be in the future.")
    elif visited_on < today - datetime.timedelta(days=366):
        errors["visited_on"] = _("The date is more than a year ago.")
    _raise_if(errors)
    name = (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""
    with transaction.atomic():
        visit = GridVisit.objects.create(grid=grid, building=building, household=household, kind=kind,
                                         visited_on=visited_on, visitor=actor if name else None,
                                         visitor_name=name or "—", note=(note or "").strip())
        audit_log(actor=actor, action="grid_visit.recorded", obj=visit, organization=grid.organization,
                  changes={"kind": kind, "visited_on": visited_on.isoformat()})
    return visit
