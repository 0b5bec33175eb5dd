"""The Open311 GeoReport v2 endpoints under /open311/v2/ (see docs/open311.md).

Public reads need no key; filing needs a registered client's ``api_key``. Every call may name
``jurisdiction_id`` (checked against ``settings.OPEN311_JURISDICTION_ID``) and is rate limited
per address (filing: per key)."""
from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..choices import Channel
from ..models import RequestCategory, ServiceRequest
from ..workflow import request_file
from . import public
from .errors import Open311Error, bad_request, forbidden, not_found
from .formats import FORMATS, render
from .keys import client_for_key
from .limits import check_rate
from .parsing import MAX_ROWS, parse_filing, parse_token, search_filter

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's document last changed (the discovery's ``changeset``).
CHANGESET = timezone.make_aware(datetime.datetime(2026, 11, 1))


def jurisdiction() -> str:
    return getattr(settings, "OPEN311_JURISDICTION_ID", "linjiang.gov.cn")


def endpoint(methods=("GET",)):
    """Wrap an Open311 view: format, method, jurisdiction and rate checks, and errors in the
    Open311 format."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, fmt, **kwargs):
            fmt = (fmt or "json").lower()
            try:
                if fmt not in FORMATS:
                    fmt = "json"
                    raise not_found(_("Unknown format; use .json or .xml."))
                if request.method not in methods:
                    raise Open311Error(405, _("Method %(method)s is not allowed here.") % {"method": request.method})
                given = request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id")
                if given and given != jurisdiction():
                    raise not_found(_("Unknown jurisdiction_id %(id)s.") % {"id": given[:100]})
                check_rate(request, "post" if request.method == "POST" else "get")
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = render(exc.errors, fmt, "errors", status=exc.status)
                if exc.retry_after:
                    response["Retry-After"] = str(exc.retry_after)
                if exc.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response
        return csrf_exempt(wrapper)
    return decorate


def _categories():
    return RequestCategory.objects.filter(active=True).order_by("order", "code")


def _requests():
    return (ServiceRequest.objects.select_related(*public.PUBLIC_RELATED).defer(*public.PUBLIC_DEFER)
            .order_by("-reported_at", "-id"))


@endpoint()
def discovery(request, fmt):
    """Where the endpoints are, which formats they speak and how to get a key."""
    changed = getattr(settings, "OPEN311_CHANGESET", None) or CHANGESET
    data = {
        "changeset": changed,
        "contact": getattr(settings, "OPEN311_CONTACT", "") or _(
            "The platform administrators of the sub-district working committee."),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "") or _(
            "Ask a system administrator or organizer of the platform to register your application; "
            "the key is shown once."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri("/open311/v2/"),
            "changeset": changed,
            "type": "production" if not settings.DEBUG else "test",
            "formats": ["application/json", "text/xml"],
        }],
    }
    return render(data, fmt, "discovery")


@endpoint()
def services(request, fmt):
    return render([public.service(c) for c in _categories()], fmt, "services")


@endpoint()
def service_definition(request, fmt, code):
    category = _categories().filter(code=code).first()
    if category is None:
        raise not_found(_("Unknown service_code %(code)s.") % {"code": code[:40]})
    return render(public.service_definition(category), fmt, "service_definition")


@endpoint(methods=("GET", "POST"))
def requests_view(request, fmt):
    if request.method == "POST":
        return _file(request, fmt)
    rows = _requests().filter(search_filter(request.GET))[:MAX_ROWS]
    return render([public.public_request(r) for r in rows], fmt, "service_requests")


def _file(request, fmt):
    key = request.POST.get("api_key") or request.GET.get("api_key")
    if not key:
        raise forbidden(_("api_key is required to file a request."))
    client = client_for_key(key)
    if client is None:
        raise forbidden(_("Invalid or revoked api_key."))
    filing = parse_filing(request.POST, client)
    try:
        created = request_file(
            actor=None, channel=Channel.OPEN311, client=client, category=filing.category,
            description=filing.description, organization=client.organization, building=filing.building,
            address=filing.address, lat=filing.lat, long=filing.long, contact_name=filing.contact_name,
            contact_phone=filing.contact_phone, contact_email=filing.contact_email, attributes=filing.attributes,
            media_url=filing.media_url)
    except ValidationError as exc:
        raise bad_request(*exc.messages) from None
    except PermissionDenied:
        raise forbidden(_("This client may not file requests here.")) from None
    created = _requests().get(pk=created.pk)
    answer = {"service_request_id": str(created.pk), "service_notice": public.service_notice(created),
              "account_id": filing.account_id or None}
    return render([answer], fmt, "service_requests")


@endpoint()
def token(request, fmt, token):
    value = parse_token(token)
    row = ServiceRequest.objects.filter(token=value).values_list("pk", "token").first() if value else None
    if row is None:
        raise not_found(_("Unknown token."))
    return render([{"service_request_id": str(row[0]), "token": str(row[1])}], fmt, "service_requests")


@endpoint()
def request_detail(request, fmt, pk):
    found = _requests().filter(pk=pk).first() if pk.isdigit() else None
    if found is None:
        raise not_found(_("Unknown service_request_id %(id)s.") % {"id": pk[:20]})
    return render([public.public_request(found)], fmt, "service_requests")
