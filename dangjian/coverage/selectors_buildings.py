"""Reads of building Party work (楼宇党建): a building's floors with their tenant firms and each
firm's coverage, the Party organizations covering its tenants (joint ones by floor and trade, and
the firms' own), and coverage summaries of buildings, all computed from records.

A building's tenants are the firms whose register entry names it and that are still there
(operating or suspended, not closed or moved out on the day).
"""
from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from dangjian.core.numbers import percent
from dangjian.organizations.models import Organization

from .choices import COUNTED_STATUSES, ORGANIZED, Coverage, Industry
from .models import Building, Firm, JointUnit
from .selectors import _OWN_EXCLUDED, _active_versions, _current, existing_on, with_coverage, with_people


def _today(on):
    return on or timezone.localdate()


def floor_label(floor: int | None) -> str:
    """``18F`` above ground, ``B1`` below, ``—`` when the floor is not known."""
    if floor is None:
        return "—"
    return f"{floor}F" if floor > 0 else f"B{-floor}"


def tenants(building_or_qs, on: datetime.date | None = None):
    """Firms sitting in a building (or any of a queryset of buildings) on ``on``."""
    on = _today(on)
    key = {"building__in": building_or_qs} if hasattr(building_or_qs, "model") else {"building": building_or_qs}
    return existing_on(Firm.objects.filter(status__in=COUNTED_STATUSES, **key), on)


def tenants_with_coverage(building, on: datetime.date | None = None):
    """The tenants annotated with coverage and people (``with_coverage``, ``with_people``), by floor."""
    return with_people(with_coverage(tenants(building, on), on)).select_related("unit").order_by(
        "-floor", "unit__name", "id")


def building_floors(building: Building, on: datetime.date | None = None) -> list[dict]:
    """Floors from the top down, each ``{"floor", "label", "firms"}`` with its tenants annotated
    with coverage (and its label, ``coverage_label``) and full members; tenants whose floor is not
    registered come last."""
    by_floor: dict = {}
    for firm in tenants_with_coverage(building, on):
        firm.coverage_label = Coverage(firm.coverage).label
        by_floor.setdefault(firm.floor, []).append(firm)
    rows = [{"floor": n, "label": floor_label(n), "firms": by_floor.pop(n, [])} for n in building.floors()]
    for n in sorted((k for k in by_floor if k is not None), reverse=True):  # outside the building's range
        rows.append({"floor": n, "label": floor_label(n), "firms": by_floor.pop(n)})
    if by_floor.get(None):
        rows.append({"floor": None, "label": floor_label(None), "firms": by_floor[None]})
    return rows


def building_organizations(building: Building, on: datetime.date | None = None) -> list[dict]:
    """The Party organizations covering the building's tenants on ``on``: joint ones (an open
    :class:`JointUnit` of a tenant's unit) and the tenants' own. Each is ``{"organization",
    "kind" ("joint" or "own"), "firms", "floors", "industries"}``; joint ones first, top floor first."""
    on = _today(on)
    firms = {f.unit_id: f for f in tenants(building, on).select_related("unit")}
    versions = _active_versions(on)
    grouped: dict[int, dict] = {}

    def add(org, kind, firm):
        row = grouped.setdefault(org.pk, {"organization": org, "kind": kind, "firms": []})
        row["firms"].append(firm)

    links = JointUnit.objects.filter(_current("", on, "joined_on", "left_on"), unit__in=list(firms),
                                     organization__in=versions.values("organization")).select_related("organization")
    for link in links:
        add(link.organization, Coverage.JOINT.value, firms[link.unit_id])
    own = Organization.objects.filter(unit__in=list(firms), pk__in=versions.values("organization")).exclude(
        org_type__in=_OWN_EXCLUDED)
    for org in own:
        add(org, Coverage.OWN.value, firms[org.unit_id])
    labels = dict(Industry.choices)
    rows = []
    for row in grouped.values():
        row["firms"].sort(key=lambda f: (-(f.floor or 0), f.name))
        row["floors"] = sorted({f.floor for f in row["firms"] if f.floor is not None}, reverse=True)
        row["floor_labels"] = [floor_label(n) for n in row["floors"]]
        row["industries"] = sorted({str(labels[f.industry]) for f in row["firms"] if f.industry})
        rows.append(row)
    rows.sort(key=lambda r: (r["kind"] != Coverage.JOINT, -(r["floors"][0] if r["floors"] else -999),
                             r["organization"].name))
    return rows


def _summary(counts: dict) -> dict:
    total = sum(counts.values())
    covered = sum(counts.get(c, 0) for c in ORGANIZED)
    return {"tenants": total, "own": counts.get(Coverage.OWN, 0), "joint": counts.get(Coverage.JOINT, 0),
            "covered": covered, "guided": counts.get(Coverage.GUIDED, 0), "none": counts.get(Coverage.NONE, 0),
            "rate": percent(covered, total)}


def building_summary(buildings, on: datetime.date | None = None) -> dict[int, dict]:
    """Coverage of each building's tenants, ``{building pk: {"tenants", "own", "joint", "covered",
    "guided", "none", "rate"}}`` (rate: organizational coverage in percent, None without tenants),
    in one grouped query whatever the number of buildings."""
    on = _today(on)
    pks = list(buildings.values_list("pk", flat=True)) if hasattr(buildings, "model") else [b.pk for b in buildings]
    firms = with_coverage(tenants(Building.objects.filter(pk__in=pks), on), on)
    grouped: dict[int, dict] = {}
    for building, coverage, n in firms.values_list("building", "coverage").annotate(n=Count("pk")).order_by():
        grouped.setdefault(building, {})[coverage] = n
    return {pk: _summary(grouped.get(pk, {})) for pk in pks}


def attach_summary(buildings, on: datetime.date | None = None) -> list:
    """The buildings (a page of them) with ``summary`` set from :func:`building_summary`."""
    buildings = list(buildings)
    summary = building_summary(buildings, on)
    for b in buildings:
        b.summary = summary.get(b.pk) or _summary({})
    return buildings


def buildings_for(user, action: str = "view"):
    """Buildings in the user's scope, with their organization in charge, never decrypting phones."""
    return Building.objects.restrict(user, action).select_related("area_organization").defer("property_phone")


def uncovered_tenants(building: Building, on: datetime.date | None = None, *, floor_from: int | None = None,
                      floor_to: int | None = None, industry: str = ""):
    """Tenants without their own or a joint organization (they may join one), optionally on a
    range of floors and of one industry: the candidates of a joint branch by floor and trade."""
    firms = tenants_with_coverage(building, on).filter(has_own=False, has_joint=False)
    if floor_from is not None:
        firms = firms.filter(floor__gte=floor_from)
    if floor_to is not None:
        firms = firms.filter(floor__lte=floor_to)
    if industry:
        firms = firms.filter(industry=industry)
    return firms


def desk_counts(desk) -> dict:
    """A desk's services by kind and how many are settled, in one grouped query."""
    from .choices import DeskServiceKind

    rows = desk.services.values_list("kind", "resolved").annotate(n=Count("pk")).order_by()
    by_kind: dict[str, dict] = {}
    for kind, resolved, n in rows:
        entry = by_kind.setdefault(kind, {"total": 0, "settled": 0})
        entry["total"] += n
        entry["settled"] += n if resolved else 0
    kinds = [{"code": k.value, "label": k.label, **by_kind.get(k.value, {"total": 0, "settled": 0})}
             for k in DeskServiceKind]
    total = sum(k["total"] for k in kinds)
    settled = sum(k["settled"] for k in kinds)
    return {"kinds": kinds, "total": total, "settled": settled, "open": total - settled}
