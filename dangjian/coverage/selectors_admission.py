"""Reads of affair admission (社区事务准入): which procedure a new request runs, the lists of requests
with their computed states (expired, due for re-review), a request's progress through its links,
and the public list of admitted tasks.

Expired and due for re-review are computed from the admitted period and the rule pack
(``coverage.admission_renewal_days``), never stored.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from dangjian.core.rules import RuleBook, RuleMissing, rule_value
from dangjian.organizations.models import Organization

from .choices import AdmissionStatus, ProcedureStatus, ReviewOutcome
from .models import AdmissionLink, AdmissionProcedure, AdmissionReview, AffairAdmission

# Outcomes of the review log that finish a link.
DONE_OUTCOMES = (ReviewOutcome.PASSED, ReviewOutcome.ADMITTED, ReviewOutcome.REFUSED)
# Renewals that still count: a withdrawn or refused re-review leaves the old task due again.
LIVE_RENEWAL = ~Q(status__in=(AdmissionStatus.WITHDRAWN, AdmissionStatus.REFUSED))
# The computed states the list filters by besides the stored statuses.
EXPIRED, DUE = "expired", "due"


RENEWAL_RULE, RENEWAL_DEFAULT = "coverage.admission_renewal_days", 60


def renewal_days(organization=None, today: datetime.date | None = None) -> int:
    """How many days before its end an admitted task of ``organization`` (the admission authority)
    is due for re-review: the rule pack in force for that organization."""
    return int(rule_value(RENEWAL_RULE, organization=organization, on=today, default=RENEWAL_DEFAULT))


def renewal_days_by_authority(queryset, today: datetime.date) -> dict[int, int]:
    """The re-review period of each admission authority of the requests in ``queryset`` (authority
    id → days), by the rule pack in force for each, in three queries whatever their number."""
    authorities = list(Organization.objects.filter(pk__in=queryset.values("organization_id"))
                       .only("id", "path", "depth"))
    if not authorities:
        return {}
    lineage = {o.pk: o.lineage_paths for o in authorities}
    codes = {path: (code, depth) for path, code, depth in Organization.objects.filter(
        path__in={p for paths in lineage.values() for p in paths}).values_list("path", "code", "depth")}
    book = RuleBook(today)
    days = {}
    for pk, paths in lineage.items():
        try:
            value = book.get(RENEWAL_RULE, dict(codes[p] for p in paths if p in codes)).value
        except RuleMissing:
            value = RENEWAL_DEFAULT
        days[pk] = int(value)
    return days


def due_filter(queryset, today: datetime.date) -> Q:
    """The requests of ``queryset`` due for re-review ``today``, each by the rule of its own
    admission authority (as :func:`is_due` judges one request)."""
    admitted = queryset.filter(status=AdmissionStatus.ADMITTED, ends_on__isnull=False)
    by_days: dict[int, list[int]] = defaultdict(list)
    for authority, days in renewal_days_by_authority(admitted, today).items():
        by_days[days].append(authority)
    q = Q(pk__in=[])
    for days, authorities in by_days.items():
        q |= Q(organization_id__in=authorities) & due_q(today, days)
    return q


def procedure_for(organization) -> AdmissionProcedure | None:
    """The procedure a new request of ``organization`` runs: the newest published version owned by
    it or by its nearest ancestor, else the shipped default (no organization)."""
    paths = organization.lineage_paths if organization is not None else []
    owned = {}
    for procedure in (AdmissionProcedure.objects.filter(status=ProcedureStatus.PUBLISHED,
                                                        organization__path__in=paths)
                      .select_related("organization").order_by("-published_at", "-version")):
        owned.setdefault(procedure.organization.path, procedure)
    for path in sorted(owned, key=len, reverse=True):
        return owned[path]
    return (AdmissionProcedure.objects.filter(status=ProcedureStatus.PUBLISHED, organization__isnull=True)
            .order_by("-published_at", "-version").first())


def due_q(today: datetime.date, days: int) -> Q:
    """Admitted tasks that end within ``days`` (or have ended) and have no live re-review yet."""
    live = AffairAdmission.objects.filter(LIVE_RENEWAL, renewal_of=OuterRef("pk"))
    return (Q(status=AdmissionStatus.ADMITTED, ends_on__isnull=False, ends_on__lte=today + datetime.timedelta(days=days))
            & ~Q(Exists(live)))


def expired_q(today: datetime.date) -> Q:
    return Q(status=AdmissionStatus.ADMITTED, ends_on__isnull=False, ends_on__lt=today)


def with_list_parts(queryset):
    """Requests with what a list row shows, in a fixed number of queries."""
    return queryset.select_related("organization", "procedure", "current_link").prefetch_related(
        Prefetch("communities", to_attr="community_list"))


def admission_list(user, *, status: str = "", today: datetime.date, q: str = ""):
    """The requests ``user`` sees, newest first, filtered by a status or a computed state."""
    rows = with_list_parts(AffairAdmission.objects.restrict(user, "view"))
    if status == EXPIRED:
        rows = rows.filter(expired_q(today))
    elif status == DUE:
        rows = rows.filter(due_filter(rows, today))
    elif status in AdmissionStatus.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(department__icontains=q))
    return rows.order_by("-created_at", "-id")


def is_due(admission: AffairAdmission, today: datetime.date) -> bool:
    """Whether an admitted task may be re-reviewed now (ended, or ending within the rule's days)."""
    if admission.status != AdmissionStatus.ADMITTED or admission.ends_on is None:
        return False
    return admission.ends_on <= today + datetime.timedelta(days=renewal_days(admission.organization, today))


def link_label(link: AdmissionLink | None) -> str:
    """A link as rows show it: 第2步 审核 · 征求街道和社区意见."""
    from django.utils.translation import gettext as _

    if link is None:
        return ""
    return _("Step %(step)d %(step_name)s · %(name)s") % {"step": link.step, "step_name": link.step_name,
                                                         "name": link.name}


@dataclass
class LinkProgress:
    """One link of a request's procedure as its progress view shows it."""

    link: AdmissionLink
    done: bool
    current: bool
    review: AdmissionReview | None


def review_log(admission: AffairAdmission) -> list[AdmissionReview]:
    return list(admission.reviews.select_related("link", "actor").order_by("at", "id"))


def progress(admission: AffairAdmission, reviews: list[AdmissionReview]) -> list[dict]:
    """The procedure's steps, each with its links ticked when done in the current round (since the
    last submission), with who finished them and when; the current link marked."""
    last_submit = max((i for i, r in enumerate(reviews) if r.outcome == ReviewOutcome.SUBMITTED), default=None)
    current_round = reviews[last_submit:] if last_submit is not None else []
    finished = {r.link_id: r for r in current_round if r.outcome in DONE_OUTCOMES and r.link_id}
    steps: list[dict] = []
    for link in admission.procedure.links.all():
        row = LinkProgress(link, link.pk in finished, link.pk == admission.current_link_id, finished.get(link.pk))
        if not steps or steps[-1]["step"] != link.step:
            steps.append({"step": link.step, "step_name": link.step_name, "links": []})
        steps[-1]["links"].append(row)
    return steps


def procedure_versions(user):
    """The procedure versions ``user`` sees (the shipped one, those of their subtree), newest first by code."""
    return (AdmissionProcedure.objects.restrict(user, "view").select_related("organization")
            .prefetch_related("links").order_by("code", "organization__path", "-version"))


def procedure_with_links(queryset):
    return queryset.select_related("organization").prefetch_related(
        Prefetch("links", queryset=AdmissionLink.objects.order_by("position")))


def public_admissions(organization, today: datetime.date):
    """Tasks admitted by ``organization`` and in force ``today``: the public list (公开目录)."""
    return (AffairAdmission.objects.admitted_on(today).filter(organization=organization)
            .prefetch_related(Prefetch("communities", to_attr="community_list")).order_by("starts_on", "id")
            .only("id", "title", "department", "legal_basis", "resources", "funding", "starts_on", "ends_on",
                  "description", "decided_on", "organization_id", "status"))

