"""What Open311 publishes: services (our request categories), their definitions, and requests as
the public sees them.

A request's detailed lifecycle maps onto ``open``/``closed`` (``choices.FINISHED`` is closed);
``status_notes`` is a fixed public sentence per status, never a staff note; ``address``,
``address_id``, ``lat`` and ``long`` are the building's (else the grid's or the community's name);
the resident's name, phone, e-mail and household never appear, nor our own photos.
"""
from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..choices import FINISHED, RequestStatus, TeamLevel

S = RequestStatus
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.group or None,
    }


def attribute_definitions(category) -> list[dict]:
    """The category's questions as Open311 attributes, in their order."""
    rows = []
    for index, item in enumerate(category.attributes or [], start=1):
        if not isinstance(item, dict) or not item.get("code"):
            continue
        datatype = item.get("datatype") if item.get("datatype") in DATATYPES else "string"
        row = {
            "variable": bool(item.get("variable", True)),
            "code": str(item["code"]),
            "datatype": datatype,
            "required": bool(item.get("required", False)),
            "datatype_description": item.get("datatype_description") or None,
            "order": int(item.get("order") or index),
            "description": item.get("description") or None,
        }
        if datatype in ("singlevaluelist", "multivaluelist"):
            row["values"] = [{"key": str(v.get("key")), "name": str(v.get("name") or v.get("key"))}
                             for v in item.get("values") or [] if isinstance(v, dict) and v.get("key") is not None]
        rows.append(row)
    return sorted(rows, key=lambda r: r["order"])


def service_definition(category) -> dict:
    return {"service_code": category.code, "attributes": attribute_definitions(category)}


def open_or_closed(request) -> str:
    return "closed" if request.status in FINISHED else "open"


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def status_notes(request) -> str:
    """A public sentence for where the request stands (staff notes are never published)."""
    team = request.team.name if request.team_id else ""
    place = request.organization.display_name
    status = request.status
    if status == S.REPORTED:
        return _("Received; waiting to be accepted by %(org)s.") % {"org": place}
    if status == S.ACCEPTED:
        return _("Accepted by %(org)s; being registered.") % {"org": place}
    if status == S.REGISTERED:
        return _("Registered; being assigned to a service team.")
    if status == S.DISPATCHED:
        if request.level == TeamLevel.SUBDISTRICT:
            return _("Escalated to the sub-district; %(team)s is handling it.") % {"team": team}
        if request.rework_count:
            return _("Being handled again by %(team)s.") % {"team": team}
        return _("Dispatched to %(team)s for handling.") % {"team": team}
    if status == S.HANDLED:
        return _("%(team)s has handled it; the result is being checked.") % {"team": team or place}
    if status == S.CHECKED:
        return _("The result has been checked; the request is about to be closed.")
    if status == S.CLOSED:
        return _("Solved and closed; waiting for the resident's rating.")
    if status == S.RATED:
        return _("Solved and closed; the resident has rated the handling.")
    if status == S.PARKED:
        if request.parked_until:
            return _("Cannot be solved for now; kept on the list and reviewed again on %(date)s.") % {
                "date": _date(request.parked_until)}
        return _("Cannot be solved for now; kept on the list to be solved later.")
    if status == S.DECLINED:
        return _("Not accepted: the community cannot take this request. Please contact the community for details.")
    if status == S.MERGED:
        return _("Merged into request %(id)s, which reports the same problem.") % {"id": request.merged_into_id}
    return str(request.get_status_display())


def expected_at(request):
    """When the request should be solved: the deadline to be solved by, else the current step's."""
    if request.status in (S.MERGED, S.DECLINED):
        return None
    return request.resolution_due_at or (request.stage_due_at if request.status not in FINISHED else None)


def service_notice(request) -> str:
    """What the resident can expect, in one public sentence."""
    expected = expected_at(request)
    if request.status in FINISHED or expected is None:
        return _("Requests are handled on the working-day calendar; follow this one by its number.")
    return _("To be handled by %(when)s (working days); follow this request by its number.") % {
        "when": timezone.localtime(expected).strftime("%Y-%m-%d %H:%M")}


def public_address(request) -> str | None:
    """Building level at most: the building's address and name, else the grid, else the community."""
    building = request.building
    if building is not None:
        return " ".join(x for x in (building.address, building.name) if x) or None
    if request.grid_id:
        return request.grid.name
    return request.organization.display_name


# Runs of seven or more digits (a phone number a resident or grid worker wrote into the description).
NUMBER_RUN = re.compile(r"\d{7,}")


def public_description(request) -> str:
    """What the public search shows of the description: nothing for categories whose descriptions
    are not published, and never a phone number written into it."""
    if not request.category.public_description:
        return str(WITHHELD)
    return NUMBER_RUN.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 3), request.description)


# In place of the description of a category whose descriptions are not published.
WITHHELD = _lazy("Not published: requests of this kind concern a person's circumstances.")


def public_request(request) -> dict:
    building = request.building
    return {
        "service_request_id": str(request.pk),
        "status": open_or_closed(request),
        "status_notes": status_notes(request),
        "service_name": request.category.name,
        "service_code": request.category.code,
        "description": public_description(request),
        "agency_responsible": request.team.name if request.team_id else request.organization.display_name,
        "service_notice": service_notice(request),
        "requested_datetime": request.reported_at,
        "updated_datetime": (request.closed_at if request.status in (S.CLOSED, S.RATED) and request.closed_at
                             else request.updated_at),
        "expected_datetime": expected_at(request),
        "address": public_address(request),
        "address_id": str(building.pk) if building is not None else None,
        "zipcode": "",
        "lat": float(building.lat) if building is not None and building.lat is not None else None,
        "long": float(building.long) if building is not None and building.long is not None else None,
        "media_url": request.media_url or None,
    }


# Columns a public answer reads (never the resident's encrypted contact columns).
PUBLIC_RELATED = ("category", "team", "building", "grid", "organization")
PUBLIC_DEFER = ("contact_phone", "contact_email", "contact_name", "phone_masked", "household", "attributes")
