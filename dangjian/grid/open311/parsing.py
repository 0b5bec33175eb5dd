"""Reading Open311 parameters: the form-encoded fields of a new request (service code, one place,
attribute answers, optional contact) and the filters of the request search."""
from __future__ import annotations

import datetime
import math
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from dangjian.core.validators import validate_phone

from ..models import Building, RequestCategory
from .errors import bad_request

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
MAX_DESCRIPTION = 4000
MAX_SPAN = datetime.timedelta(days=90)
MAX_ROWS = 1000
NEAR_METRES = 300
METRES_PER_DEGREE = 111_320


@dataclass
class Filing:
    """A new request as read from the form, ready for ``workflow.request_file``."""

    category: RequestCategory
    description: str
    building: Building | None = None
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    attributes: dict = field(default_factory=dict)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    media_url: str = ""
    account_id: str = ""


def _one(data, name: str, limit: int = 200) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > limit:
        raise bad_request(_("%(field)s is too long (at most %(n)s characters).") % {"field": name, "n": limit})
    return value


def _plain_text(value: str, name: str) -> str:
    if strip_tags(value) != value:
        raise bad_request(_("%(field)s must be plain text, without HTML.") % {"field": name})
    return value


def _coordinate(value: str, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise bad_request(_("%(field)s must be a number.") % {"field": name}) from None
    if not number.is_finite() or abs(number) > limit:
        raise bad_request(_("%(field)s is out of range.") % {"field": name})
    return number.quantize(Decimal("0.000001"))


def buildings_of(organization):
    """Buildings of the active grids in ``organization``'s subtree."""
    return Building.objects.filter(grid__active=True, grid__organization__path__startswith=organization.path)


def nearest_building(organization, lat: Decimal, long: Decimal) -> Building | None:
    """The building nearest to a point, if one within about 300 m is on a grid of the subtree."""
    window = Decimal(NEAR_METRES / METRES_PER_DEGREE * 2).quantize(Decimal("0.000001"))
    candidates = buildings_of(organization).filter(
        lat__isnull=False, long__isnull=False, lat__range=(lat - window, lat + window),
        long__range=(long - window * 2, long + window * 2)).order_by("pk").values_list("pk", "lat", "long")
    scale = math.cos(math.radians(float(lat)))
    best, best_distance = None, None
    for pk, b_lat, b_long in candidates:
        distance = (float(b_lat - lat)) ** 2 + (float(b_long - long) * scale) ** 2
        if best_distance is None or distance < best_distance:
            best, best_distance = pk, distance
    if best is None or math.sqrt(best_distance) * METRES_PER_DEGREE > NEAR_METRES:
        return None
    return Building.objects.select_related("grid").get(pk=best)


def building_named_in(organization, text: str) -> Building | None:
    """The building of the subtree whose name or address appears in ``text`` (the longest match)."""
    text = re.sub(r"\s+", "", text)
    best, best_length = None, 0
    for pk, name, address in buildings_of(organization).values_list("pk", "name", "address"):
        for candidate in (name, address):
            candidate = re.sub(r"\s+", "", candidate or "")
            if len(candidate) >= 2 and candidate in text and len(candidate) > best_length:
                best, best_length = pk, len(candidate)
    return Building.objects.select_related("grid").get(pk=best) if best else None


def _answers(data, category) -> dict:
    """The ``attribute[CODE]`` / ``attribute[CODE][]`` answers, checked against the category's questions."""
    from .public import attribute_definitions

    given: dict[str, list[str]] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            values = [v.strip() for v in data.getlist(key) if v.strip()]
            given.setdefault(match.group(1), []).extend(values)
    definitions = {d["code"]: d for d in attribute_definitions(category)}
    problems, answers = [], {}
    for code in given:
        if code not in definitions:
            problems.append(_("Unknown attribute %(code)s for this service.") % {"code": code})
    for code, definition in definitions.items():
        values = given.get(code, [])
        if not values:
            if definition["required"] and definition["variable"]:
                problems.append(_("Attribute %(code)s is required.") % {"code": code})
            continue
        kind = definition["datatype"]
        keys = {v["key"] for v in definition.get("values", [])}
        if kind == "multivaluelist":
            unknown = [v for v in values if v not in keys]
            if unknown:
                problems.append(_("Attribute %(code)s has no value %(value)s.") % {"code": code, "value": unknown[0]})
            answers[code] = values
            continue
        if len(values) > 1:
            problems.append(_("Attribute %(code)s takes one value.") % {"code": code})
            continue
        value = values[0]
        if kind == "singlevaluelist" and value not in keys:
            problems.append(_("Attribute %(code)s has no value %(value)s.") % {"code": code, "value": value})
        elif kind == "number":
            try:
                Decimal(value)
            except InvalidOperation:
                problems.append(_("Attribute %(code)s must be a number.") % {"code": code})
        elif kind == "datetime" and parse_datetime(value) is None and parse_date(value) is None:
            problems.append(_("Attribute %(code)s must be a date and time.") % {"code": code})
        elif len(value) > (2000 if kind == "text" else 200) or strip_tags(value) != value:
            problems.append(_("Attribute %(code)s must be plain text of reasonable length.") % {"code": code})
        answers[code] = value
    if problems:
        raise bad_request(*problems)
    return answers


def _contact_name(first: str, last: str) -> str:
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"  # Chinese order: surname first, no space
    return " ".join(x for x in (first, last) if x)


def parse_filing(data, client) -> Filing:
    """Read a new request from the form ``data`` of ``client`` (raises ``Open311Error`` 400)."""
    code = _one(data, "service_code", 40)
    if not code:
        raise bad_request(_("service_code is required."))
    category = RequestCategory.objects.filter(code=code, active=True).first()
    if category is None:
        raise bad_request(_("service_code %(code)s is not a service of this jurisdiction.") % {"code": code})
    description = (data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise bad_request(_("description is too long (at most %(n)s characters).") % {"n": MAX_DESCRIPTION})
    description = _plain_text(description, "description") or category.name
    filing = Filing(category=category, description=description)

    organization = client.organization
    address_id, address = _one(data, "address_id", 20), _plain_text(_one(data, "address_string", 200), "address_string")
    lat, long = _one(data, "lat", 30), _one(data, "long", 30)
    if bool(lat) != bool(long):
        raise bad_request(_("lat and long must be given together."))
    if not (address_id or address or lat):
        raise bad_request(_("A location is required: lat and long, address_string or address_id."))
    if address_id:
        building = None
        if address_id.isdigit():
            building = buildings_of(organization).select_related("grid").filter(pk=int(address_id)).first()
        if building is None:
            raise bad_request(_("address_id %(id)s is not an address of this jurisdiction.") % {"id": address_id})
        filing.building = building
    if lat:
        filing.lat, filing.long = _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)
        filing.building = filing.building or nearest_building(organization, filing.lat, filing.long)
    if address:
        filing.building = filing.building or building_named_in(organization, address)
    if filing.building is None:
        # Not placed on a grid: the client's organization takes it in; the place given stays for staff only.
        filing.address = address
    else:
        filing.lat = filing.long = None

    filing.attributes = _answers(data, category)
    first, last = _one(data, "first_name", 50), _one(data, "last_name", 50)
    filing.contact_name = _plain_text(_contact_name(first, last), "first_name")[:50]
    phone = _one(data, "phone", 30).replace(" ", "").replace("-", "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            raise bad_request(_("phone is not a valid phone number.")) from None
    filing.contact_phone = phone
    email = _one(data, "email", 200)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise bad_request(_("email is not a valid e-mail address.")) from None
    filing.contact_email = email
    media_url = _one(data, "media_url", 500)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise bad_request(_("media_url must be an http or https URL.")) from None
    filing.media_url = media_url
    filing.account_id = _one(data, "account_id", 100)
    _one(data, "device_id", 100)  # accepted, not kept
    return filing


# ----- the request search -------------------------------------------------------------------------

def _when(value: str, name: str) -> datetime.datetime:
    problem = bad_request(_("%(field)s must be a date-time in ISO 8601, such as 2026-11-01T00:00:00+08:00.")
                          % {"field": name})
    try:
        moment = parse_datetime(value.replace(" ", "+")) if "T" in value else None
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise problem
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:  # out-of-range parts, or an offset beyond ±24 hours
        raise problem from None
    if not 2000 <= moment.year <= 2100:
        raise bad_request(_("%(field)s must lie between the years 2000 and 2100.") % {"field": name})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def search_filter(params) -> Q:
    """The filter of a request search (raises ``Open311Error`` 400 on a bad parameter)."""
    ids = (params.get("service_request_id") or "").strip()
    if ids:
        parts = [p.strip() for p in ids.split(",") if p.strip()]
        if not all(p.isdigit() and len(p) <= 18 for p in parts) or len(parts) > MAX_ROWS:
            raise bad_request(_("service_request_id must be a comma-separated list of request numbers."))
        return Q(pk__in=[int(p) for p in parts])
    from ..choices import FINISHED

    q = Q()
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    if codes:
        q &= Q(category__code__in=codes)
    start = _when(params["start_date"], "start_date") if params.get("start_date") else None
    end = _when(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise bad_request(_("end_date must not be before start_date."))
    if end - start > MAX_SPAN:
        raise bad_request(_("start_date and end_date may span at most 90 days."))
    q &= Q(reported_at__gte=start, reported_at__lte=end)
    statuses = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise bad_request(_("status must be open, closed or both (comma separated)."))
    if statuses == {"open"}:
        q &= ~Q(status__in=FINISHED)
    elif statuses == {"closed"}:
        q &= Q(status__in=FINISHED)
    return q


def parse_token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
