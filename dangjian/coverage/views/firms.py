"""Pages of the firm register (两新组织名录): the list with coverage computed, the firm page with
what gives its coverage and its history, and the firms ready to form a branch.

Firms are seen by those whose subtree holds their area or sector organization (or their own
Party organization); everything shown is computed by ``selectors`` from records.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.access import get_for, user_scope
from dangjian.core.rules import rule_value
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.models import Organization
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.pipeline import pipeline_for
from dangjian.recruitment.selectors import stage_of, with_last_step

from .. import selectors
from ..choices import COUNTED_STATUSES, NOT_AREA_TYPES, Coverage, FirmKind, FirmStatus, Industry
from ..models import Building
from .common import area_organizations, base_context, can_do, day_param, require_subtree

NAV = "coverage_firms"


def survey_valid_days(organization=None, on=None) -> int:
    """Days after which a firm is due a new survey visit (``coverage.survey_valid_days``, 365)."""
    return rule_value("coverage.survey_valid_days", organization=organization, on=on, default=365)


@dataclass
class FirmFilters:
    """The list's filters as read from the query string (bad values are ignored; a bad ``on`` is
    reported in ``error`` and today is shown).

    ``on`` is the day the coverage is computed for and the firms that existed then are listed, as
    the statistics count them; closed and moved-out firms show only when ``status`` asks for them.
    ``direct`` keeps only the firms looked after by ``org`` itself (not by those under it).
    """

    q: str = ""
    kind: str = ""
    industry: str = ""
    coverage: str = ""
    org: Organization | None = None
    direct: bool = False
    building: Building | None = None
    status: str = ""
    unsurveyed: bool = False
    on: datetime.date | None = None
    error: str | None = None

    @classmethod
    def read(cls, request) -> FirmFilters:
        get, user = request.GET, request.user
        pick = {name: get.get(name, "") if get.get(name, "") in values else "" for name, values in (
            ("kind", FirmKind.values), ("industry", Industry.values), ("coverage", Coverage.values),
            ("status", FirmStatus.values))}
        org = get_for(user, Organization.objects, "view", pk=get["org"]) if get.get("org") else None
        building = _building(user, get["building"]) if get.get("building") else None
        on, error = day_param(request, "on", default=None, allow_future=False)
        return cls(q=get.get("q", "").strip()[:50], org=org, direct=bool(org) and get.get("direct") == "1",
                   building=building, unsurveyed=get.get("unsurveyed") == "1", on=on, error=error, **pick)

    def day(self) -> datetime.date:
        return self.on or timezone.localdate()

    def apply(self, queryset, *, coverage=True):
        today = timezone.localdate()
        if not self.status or self.status in COUNTED_STATUSES:
            queryset = selectors.existing_on(queryset, self.day())
        if self.q:
            queryset = queryset.filter(Q(unit__name__contains=self.q) | Q(unit__credit_code__contains=self.q.upper()))
        if self.kind:
            queryset = queryset.filter(unit__kind=self.kind)
        if self.industry:
            queryset = queryset.filter(industry=self.industry)
        if self.org:
            queryset = (queryset.filter(area_organization=self.org) if self.direct
                        else queryset.filter(area_organization__path__startswith=self.org.path))
        if self.building:
            queryset = queryset.filter(building=self.building)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.unsurveyed:
            days = survey_valid_days(self.org, today)
            queryset = queryset.filter(Q(last_surveyed_on__isnull=True)
                                       | Q(last_surveyed_on__lt=today - datetime.timedelta(days=days)))
        if coverage and self.coverage:
            queryset = queryset.filter(coverage=self.coverage)
        return queryset


def _building(user, pk):
    """The building of ``?building=``: one in sight, or one holding a firm in sight (a community sees
    its firms in a building the sub-district looks after); 404 otherwise."""
    in_sight = Q(pk__in=Building.objects.restrict(user, "view").values("pk")) | Q(
        pk__in=selectors.firms_for(user).filter(building__isnull=False).values("building"))
    building = Building.objects.filter(in_sight).filter(pk=pk).first() if str(pk).isdigit() else None
    if building is None:
        raise Http404
    return building


def listed_firms(user, filters: FirmFilters, *, action="view", coverage=True):
    """The firms of the list (or its export) with coverage on the filters' day, people and last survey."""
    firms = selectors.firms_for(user, action).select_related("sector_organization")
    firms = selectors.with_last_survey(selectors.with_people(selectors.with_coverage(firms, filters.day())))
    return filters.apply(firms, coverage=coverage)


def _can_export(user) -> bool:
    scope = user_scope(user, "export")
    return bool(scope.everything or scope.paths)


@login_required
@require_GET
def firm_list(request):
    """The register in the user's scope: filters, counts by coverage at the top, one row a firm."""
    require_subtree(request.user)
    filters = FirmFilters.read(request)
    firms = listed_firms(request.user, filters)
    counted = dict(listed_firms(request.user, filters, coverage=False).order_by()
                   .values_list("coverage").annotate(n=Count("pk")))
    counts = [{"code": c.value, "count": counted.get(c.value, 0)} for c in Coverage]
    page = Paginator(firms.order_by("unit__name", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "coverage/firms/list.html", {
        "nav": NAV, "page_obj": page, "filters": filters, "counts": counts, "total": sum(counted.values()),
        "kinds": FirmKind.choices, "industries": Industry.choices, "coverages": Coverage.choices,
        "statuses": FirmStatus.choices, "buildings": Building.objects.restrict(request.user, "view").order_by("name"),
        "areas": Organization.objects.restrict(request.user, "view").exclude(org_type__in=NOT_AREA_TYPES)
        .order_by("path")[:300],
        "survey_days": survey_valid_days(filters.org, timezone.localdate()),
        "can_add": area_organizations(request.user).exists(), "can_export": _can_export(request.user),
        "query": request.GET.copy(),
    })


@login_required
@require_GET
def firms_ready(request):
    """Firms without their own organization with enough full members to form one (成熟一个、组建一个),
    in the area of ``?org=`` (all in sight by default) on ``?on=`` (today by default)."""
    require_subtree(request.user)
    org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"]) if request.GET.get("org") else None
    on, error = day_param(request, "on", default=timezone.localdate(), allow_future=False)
    firms = selectors.firms_for(request.user)
    if org is not None:
        firms = firms.filter(area_organization__path__startswith=org.path)
    ready = selectors.ready_to_form(firms, on, organization=org)
    page = Paginator(ready.order_by("-full_members", "unit__name", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "coverage/firms/ready.html", {
        **base_context(request, org, nav="firms_ready"), "page_obj": page, "on": on, "error": error,
        "today": timezone.localdate(), "can_form": area_organizations(request.user).exists(),
        "minimum": rule_value("structure.branch_min_full_members", organization=org, on=on, default=3)})


def _people(firm):
    members = list(Member.objects.without_protected().filter(employer=firm.unit_id, status__in=ON_ROLL)
                   .select_related("organization").order_by("name_pinyin"))
    pipeline = pipeline_for(None)
    applicants = list(with_last_step(Applicant.objects.without_protected().filter(employer=firm.unit_id))
                      .select_related("organization").order_by("name_pinyin"))
    for applicant in applicants:
        code = stage_of(pipeline, status=applicant.status, last_step=applicant.last_step)
        applicant.stage_title = pipeline.stage_title(code) if code else ""
    return members, applicants


@login_required
@require_GET
def firm_detail(request, pk):
    """One firm: register data, coverage now and over time, people working there, surveys."""
    today = timezone.localdate()
    queryset = selectors.with_last_survey(selectors.with_people(selectors.with_coverage(
        selectors.firms_for(request.user).select_related("sector_organization"), today)))
    firm = get_for(request.user, queryset, pk=pk)
    members, applicants = _people(firm)
    minimum = rule_value("structure.branch_min_full_members", organization=firm.area_organization, on=today,
                         default=3)
    covering = selectors.covering_now(firm, today)
    can_change = can_do(request.user, "change", firm.area_organization)
    may_appoint = area_organizations(request.user).exists()
    return render(request, "coverage/firms/detail.html", {
        **base_context(request, firm.area_organization, nav=NAV), "firm": firm,
        "own_orgs": covering.own_orgs, "joint_links": covering.joint_links, "assignments": covering.assignments,
        "history": selectors.firm_history(firm), "members": members,
        "applicants": applicants, "surveys": firm.surveys.all()[:50],
        "desk_services": firm.desk_services.select_related("desk").order_by("-served_on")[:20],
        "events": firm.association_events.select_related("building").order_by("-held_on")[:20],
        "can_change": can_change, "can_assign": may_appoint and firm.status in COUNTED_STATUSES,
        "can_form": can_change and not firm.has_own and may_appoint,
        "ready": not firm.has_own and firm.full_members >= minimum, "minimum": minimum,
    })
