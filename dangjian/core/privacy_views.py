"""The personal-data access report page (/audit/personal-data/) and its spreadsheet."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.organizations.models import Organization

from . import privacy_report as report
from .access import get_for, user_scope
from .watermark import XLSX


def _date(value: str, errors: list, label: str):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(field)s is not a date (use YYYY-MM-DD).") % {"field": label})
        return None


def _id(value: str) -> int | None:
    """A database id given in the query string, or None for anything else (``²``, ``-1``, ``1e9``…)."""
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number < 2**63 else None


def _filters(request, errors: list) -> report.Filters:
    get = request.GET
    filters = report.Filters(start=_date(get.get("start", ""), errors, _("From")),
                             end=_date(get.get("end", ""), errors, _("To")))
    filters.actor = _id(get.get("actor", ""))
    if get.get("kind") in report.KIND_LABELS:
        filters.kind = get["kind"]
    if get.get("org"):
        filters.organization = get_for(request.user, Organization.objects, "audit", pk=get["org"])
    if filters.start and filters.end and filters.start > filters.end:
        errors.append(_("The start of the period is after its end."))
    return filters


@login_required
@require_GET
def personal_data_report(request):
    """Who revealed, exported or read personal data in the user's audit scope, with counts and purposes."""
    if user_scope(request.user, "audit").empty:
        raise PermissionDenied
    errors: list[str] = []
    scoped = report.scoped_entries(request.user)
    filters = _filters(request, errors)
    entries = filters.apply(scoped)
    if request.GET.get("format") == "xlsx":
        content = report.privacy_report_export(actor=request.user, entries=entries, organization=filters.organization,
                                               filters=request.GET.urlencode())
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{_('Personal-data access report')}{timezone.localdate():%Y%m%d}.xlsx")
        return response
    actors = (scoped.exclude(actor=None).values_list("actor_id", "actor_name").order_by("actor_name").distinct()[:300])
    organizations = Organization.objects.restrict(request.user, "audit").order_by("path")[:300]
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [{"entry": e, "object": report.masked_object(e), "kind": report.KIND_LABELS.get(report.action_kind(e.action))}
            for e in page]
    return render(request, "core/personal_data_report.html", {
        "nav": "audit_personal", "page_obj": page, "rows": rows,
        "summary": report.summary(entries), "filters": filters, "errors": errors, "actors": actors,
        "organizations": organizations, "kinds": list(report.KIND_LABELS.items()),
        "query": query.urlencode(),
    })
