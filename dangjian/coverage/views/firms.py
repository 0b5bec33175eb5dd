"""Pages of the firm register (两新组织名录): the list with coverage computed, the firm page with
what gives its coverage and its history, and the firms ready to form a branch.

Firms are seen by those whose subtree holds their area or sector organization (or their own
Party organization); everything shown is computed by ``selectors`` from records.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.rules import rule_value
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.pipeline import pipeline_for
from dangjian.recruitment.selectors import stage_of, with_last_step

from .. import selectors
from ..choices import Coverage, FirmKind, FirmStatus, Industry
from ..importing import NOT_AREAS
from ..models import Building, FirmSurvey, JointUnit

NAV = "coverage_firms"
COVERAGE_BADGES = {Coverage.OWN: "text-bg-success", Coverage.JOINT: "text-bg-primary",
                   Coverage.GUIDED: "text-bg-warning", Coverage.NONE: "text-bg-danger"}


def require_subtree(user, action="view"):
    """403 for those without a subtree to look at (ordinary members, grid staff, residents)."""
    scope = user_scope(user, action)
    if not (scope.everything or scope.paths):
        raise PermissionDenied


def area_choices(user, action="add"):
    """Organizations that may look after firms: non-branch organizations in ``action`` scope."""
    return Organization.objects.restrict(user, action).filter(status=OrgStatus.ACTIVE).exclude(org_type__in=NOT_AREAS)


def can_do(user, action, organization) -> bool:
    return covers(user_scope(user, action), organization)


def with_last_survey(queryset):
    last = FirmSurvey.objects.filter(firm=OuterRef("pk")).order_by("-surveyed_on").values("surveyed_on")[:1]
    return queryset.annotate(last_surveyed_on=Subquery(last))


def label_coverage(firm):
    """Set the badge colour and label of the firm's computed coverage."""
    firm.badge = COVERAGE_BADGES.get(firm.coverage, "")
    firm.coverage_label = Coverage(firm.coverage).label
    return firm


@dataclass
class FirmFilters:
    """The list's filters as read from the query string (bad values are ignored)."""

    q: str = ""
    kind: str = ""
    industry: str = ""
    coverage: str = ""
    org: Organization | None = None
    building: Building | None = None
    status: str = ""
    unsurveyed: bool = False

    @classmethod
    def read(cls, request) -> FirmFilters:
        get, user = request.GET, request.user
        pick = {name: get.get(name, "") if get.get(name, "") in values else "" for name, values in (
            ("kind", FirmKind.values), ("industry", Industry.values), ("coverage", Coverage.values),
            ("status", FirmStatus.values))}
        org = get_for(user, Organization.objects, "view", pk=get["org"]) if get.get("org") else None
        building = get_for(user, Building.objects, "view", pk=get["building"]) if get.get("building") else None
        return cls(q=get.get("q", "").strip()[:50], org=org, building=building, unsurveyed=get.get("unsurveyed") == "1",
                   **pick)

    def apply(self, queryset, today: datetime.date, *, coverage=True):
        if self.q:
            queryset = queryset.filter(Q(unit__name__contains=self.q) | Q(unit__credit_code__contains=self.q.upper()))
        if self.kind:
            queryset = queryset.filter(unit__kind=self.kind)
        if self.industry:
            queryset = queryset.filter(industry=self.industry)
        if self.org:
            queryset = queryset.filter(area_organization__path__startswith=self.org.path)
        if self.building:
            queryset = queryset.filter(building=self.building)
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.unsurveyed:
            days = rule_value("coverage.survey_valid_days", organization=self.org, on=today, default=365)
            queryset = queryset.filter(Q(last_surveyed_on__isnull=True)
                                       | Q(last_surveyed_on__lt=today - datetime.timedelta(days=days)))
        if coverage and self.coverage:
            queryset = queryset.filter(coverage=self.coverage)
        return queryset


def listed_firms(user, filters: FirmFilters, today: datetime.date, *, action="view", coverage=True):
    firms = selectors.firms_for(user, action).select_related("sector_organization")
    firms = with_last_survey(selectors.with_people(selectors.with_coverage(firms, today)))
    return filters.apply(firms, today, coverage=coverage)


@login_required
@require_GET
def firm_list(request):
    """The register in the user's scope: filters, counts by coverage at the top, one row a firm."""
    require_subtree(request.user)
    today = timezone.localdate()
    filters = FirmFilters.read(request)
    firms = listed_firms(request.user, filters, today)
    counted = dict(listed_firms(request.user, filters, today, coverage=False).order_by()
                   .values_list("coverage").annotate(n=Count("pk")))
    counts = [{"code": c.value, "label": c.label, "count": counted.get(c.value, 0), "badge": COVERAGE_BADGES[c]}
              for c in Coverage]
    page = Paginator(firms.order_by("unit__name", "id"), 30).get_page(request.GET.get("page"))
    for firm in page:
        label_coverage(firm)
    return render(request, "coverage/firms/list.html", {
        "nav": NAV, "page_obj": page, "filters": filters, "counts": counts, "total": sum(counted.values()),
        "kinds": FirmKind.choices, "industries": Industry.choices, "coverages": Coverage.choices,
        "statuses": FirmStatus.choices, "buildings": Building.objects.restrict(request.user, "view").order_by("name"),
        "areas": Organization.objects.restrict(request.user, "view").exclude(org_type__in=NOT_AREAS)
        .order_by("path")[:300],
        "can_add": area_choices(request.user).exists(), "can_export": bool(
            user_scope(request.user, "export").paths or user_scope(request.user, "export").everything),
        "query": request.GET.copy(),
    })


@login_required
@require_GET
def firms_ready(request):
    """Firms without their own organization with enough full members to form one (成熟一个、组建一个)."""
    require_subtree(request.user)
    firms = [label_coverage(f) for f in selectors.ready_to_form(selectors.firms_for(request.user))[:500]]
    return render(request, "coverage/firms/ready.html", {
        "nav": "firms_ready", "firms": firms, "can_form": area_choices(request.user).exists(),
        "minimum": rule_value("structure.branch_min_full_members", on=timezone.localdate(), default=3)})


def _coverage_now(firm, today):
    """What gives the firm its coverage today: own organization, joint ones, guiding assignments."""
    own = Organization.objects.filter(unit=firm.unit_id, status=OrgStatus.ACTIVE).exclude(
        org_type__in=(OrgType.JOINT_BRANCH, OrgType.PARTY_GROUP))
    joints = JointUnit.objects.filter(unit=firm.unit_id, joined_on__lte=today).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today)).select_related("organization")
    assignments = firm.assignments.filter(started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)).select_related("appointed_by").order_by("role", "name")
    return {"own_orgs": list(own), "joint_links": list(joints), "assignments": list(assignments)}


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
    queryset = with_last_survey(selectors.with_people(selectors.with_coverage(
        selectors.firms_for(request.user).select_related("sector_organization"), today)))
    firm = label_coverage(get_for(request.user, queryset, pk=pk))
    members, applicants = _people(firm)
    minimum = rule_value("structure.branch_min_full_members", organization=firm.area_organization, on=today,
                         default=3)
    can_change = can_do(request.user, "change", firm.area_organization)
    return render(request, "coverage/firms/detail.html", {
        "nav": NAV, "firm": firm,
        "ancestors": visible_ancestors(firm.area_organization, request.user) + [firm.area_organization],
        **_coverage_now(firm, today), "history": selectors.firm_history(firm), "members": members,
        "applicants": applicants, "surveys": firm.surveys.all()[:50],
        "desk_services": firm.desk_services.select_related("desk").order_by("-served_on")[:20],
        "events": firm.association_events.select_related("building").order_by("-held_on")[:20],
        "can_change": can_change, "can_form": can_change and not firm.has_own and area_choices(request.user).exists(),
        "ready": not firm.has_own and firm.full_members >= minimum, "minimum": minimum,
    })
