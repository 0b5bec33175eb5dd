"""The records behind a figure of the organizations and members sections, as they stood on a day
(``?org=``, ``?date=``, ``?figure=``, ``?key=``): the organizations or the members a number of the
dashboard counts, 50 to a page. Members are shown with masked data only."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.members.choices import MemberStatus
from dangjian.members.models import PROTECTED_FIELDS
from dangjian.organizations.choosing import chosen_subtree_organization

from .. import figures
from ..figures import members as member_figures
from ..figures import organizations as org_figures
from ..figures.base import Scope
from .dashboard import as_of, dashboard_url, level_context

PER_PAGE = 50


def _chosen(request, section):
    """The organization, day, figure and key of the query string; 404 for a figure without records
    behind it or a key it does not have."""
    org = chosen_subtree_organization(request)
    on, error = as_of(request)
    scope = Scope(org, on)
    code = request.GET.get("figure") or "total"
    key = request.GET.get("key") or ""
    try:
        figure = section.figure(code)
    except KeyError:
        raise Http404 from None
    if figure.records is None:
        raise Http404
    labels = figures.key_labels(section, figure, scope)
    if key and key not in labels:
        raise Http404
    what = str(figure.label) + (f"：{labels[key]}" if key else "")
    return org, on, error, scope, figure, key, what


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _query(request) -> str:
    """The query string without the page number, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def organizations(request):
    """The organizations (as their dated versions on the day) a figure of the organizations section counts."""
    org, on, error, scope, figure, key, what = _chosen(request, org_figures.SECTION)
    try:
        versions = org_figures.records(scope, figure.code, key)
    except KeyError:
        raise Http404 from None
    versions = versions.select_related("organization", "parent").order_by("organization__path")
    page = _page(request, versions)
    heading = _("Organizations of %(org)s on %(day)s: %(what)s") % {
        "org": org.name, "day": on.isoformat(), "what": what}
    return render(request, "reports/organizations.html", {
        **level_context(request, org, on), "nav": "reports", "error": error, "heading": heading,
        "page_obj": page, "count": page.paginator.count, "query": _query(request),
        "dashboard_url": dashboard_url(org, on, timezone.localdate()),
    })


@login_required
@require_GET
def members(request):
    """The members (as their membership periods) a figure of the members section counts."""
    org, on, error, scope, figure, key, what = _chosen(request, member_figures.SECTION)
    try:
        periods = member_figures.records(scope, figure.code, key)
    except KeyError:
        raise Http404 from None
    if "status_on" not in periods.query.annotations:
        periods = member_figures.with_standing(scope, periods)
    periods = periods.select_related("member", "organization").defer(
        *(f"member__{name}" for name in PROTECTED_FIELDS)).order_by("member__name_pinyin", "member_id", "id")
    page = _page(request, periods)
    statuses = dict(MemberStatus.choices)
    rows = [{
        "member": period.member, "organization": period.organization,
        "age": period.member.age(on),
        "standing": statuses.get(period.status_on, period.status_on),
    } for period in page.object_list]
    heading = _("Members of %(org)s on %(day)s: %(what)s") % {
        "org": org.name, "day": on.isoformat(), "what": what}
    return render(request, "reports/members.html", {
        **level_context(request, org, on), "nav": "reports", "error": error, "heading": heading,
        "page_obj": page, "rows": rows, "count": page.paginator.count, "query": _query(request),
        "dashboard_url": dashboard_url(org, on, timezone.localdate()),
    })
