"""Reading requests for pages, the API and the workbench: the filtered staff list, its quick
filters (tabs), the supervision overview and what a resident sees of their own requests."""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import parse_month

from .choices import FINISHED, OPEN, RUNNING, RatingKind, RequestAction, RequestStatus, TeamLevel
from .models import RequestRating, ServiceRequest
from .models.scope import team_ids_of

S = RequestStatus

# Quick filters of the staff list: code → label.
TABS = [
    ("", _("All")),
    ("to_accept", _("To accept")),
    ("to_dispatch", _("To dispatch")),
    ("mine", _("My team")),
    ("overdue", _("Overdue")),
    ("bounced", _("Sent back")),
    ("parked", _("Parked")),
    ("to_check", _("To check")),
]


def overdue_q(now=None) -> Q:
    """Open requests whose step deadline has passed (parked ones wait for their review date)."""
    now = now or timezone.now()
    return Q(stage_due_at__lt=now, status__in=RUNNING)


def requests_for(user, action: str = "view"):
    """The requests ``user`` may see, with what lists show (no N+1)."""
    return (ServiceRequest.objects.restrict(user, action)
            .select_related("category", "team", "grid", "building", "organization")
            .defer("contact_phone", "contact_email", "attributes"))


def apply_tab(queryset, tab: str, user, now=None):
    if tab == "to_accept":
        return queryset.filter(status=S.REPORTED)
    if tab == "to_dispatch":
        return queryset.filter(status=S.REGISTERED)
    if tab == "mine":
        return queryset.filter(status=S.DISPATCHED, team__in=team_ids_of(user))
    if tab == "overdue":
        return queryset.filter(overdue_q(now))
    if tab == "bounced":
        return queryset.filter(bounce_count__gt=0, status__in=OPEN)
    if tab == "parked":
        return queryset.filter(status=S.PARKED)
    if tab == "to_check":
        return queryset.filter(status=S.HANDLED)
    return queryset


def filter_requests(queryset, params, user, now=None):
    """Narrow by the list's filters (``params`` a dict-like of query parameters)."""
    now = now or timezone.now()
    queryset = apply_tab(queryset, params.get("tab", ""), user, now)
    status = params.get("status", "")
    if status in S.values:
        queryset = queryset.filter(status=status)
    elif status == "open":
        queryset = queryset.filter(status__in=OPEN)
    if params.get("overdue") in ("1", "true"):
        queryset = queryset.filter(overdue_q(now))
    if params.get("bounced") in ("1", "true"):
        queryset = queryset.filter(bounce_count__gt=0)
    for name in ("team", "grid", "category"):
        value = params.get(name, "")
        if str(value).isdigit():
            queryset = queryset.filter(**{f"{name}_id": int(value)})
    if params.get("level") in TeamLevel.values:
        queryset = queryset.filter(level=params["level"])
    org = params.get("org", "")
    if str(org).isdigit():
        from dangjian.organizations.models import Organization

        path = Organization.objects.filter(pk=int(org)).values_list("path", flat=True).first()
        queryset = queryset.filter(organization__path__startswith=path) if path else queryset.none()
    month = parse_month(params.get("month"))
    if month:
        # Requests filed in the month (the indicators link here for the records behind a figure).
        start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
        end = timezone.make_aware(datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
        queryset = queryset.filter(reported_at__gte=start, reported_at__lt=end)
    q = (params.get("q") or "").strip().lstrip("#")
    if q:
        queryset = queryset.filter(Q(pk=int(q)) | Q(description__contains=q)) if q.isdigit() else \
            queryset.filter(description__contains=q)
    return queryset


def tab_counts(user, now=None) -> dict[str, int]:
    """How many requests each quick filter holds (one query)."""
    now = now or timezone.now()
    teams = team_ids_of(user)
    return ServiceRequest.objects.restrict(user, "view").aggregate(
        to_accept=Count("pk", filter=Q(status=S.REPORTED)),
        to_dispatch=Count("pk", filter=Q(status=S.REGISTERED)),
        mine=Count("pk", filter=Q(status=S.DISPATCHED, team__in=teams)),
        overdue=Count("pk", filter=overdue_q(now)),
        bounced=Count("pk", filter=Q(bounce_count__gt=0, status__in=OPEN)),
        parked=Count("pk", filter=Q(status=S.PARKED)),
        to_check=Count("pk", filter=Q(status=S.HANDLED)),
    )


def mark_overdue(requests, now=None):
    """Set ``overdue`` on each request of a page (for the red badge)."""
    now = now or timezone.now()
    for r in requests:
        r.overdue = bool(r.stage_due_at and r.stage_due_at < now and r.status not in FINISHED
                         and r.status != S.PARKED)
    return requests


def callback_pending_q() -> Q:
    """Closed requests sampled for a call-back that have none yet."""
    has_callback = RequestRating.objects.filter(request=OuterRef("pk"), kind=RatingKind.CALLBACK)
    return Q(callback_due=True, status__in=[S.CLOSED, S.RATED]) & ~Q(Exists(has_callback))


def supervision_overview(user, now=None) -> dict:
    """What supervisors watch: overdue, bounced, parked past their review date, call-backs due;
    with counts per community and per team."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    base = requests_for(user)
    overdue = base.filter(overdue_q(now)).order_by("stage_due_at", "pk")
    bounced = base.filter(bounce_count__gt=0, status__in=OPEN).order_by("-bounce_count", "pk")
    parked = base.filter(status=S.PARKED, parked_until__lte=today).order_by("parked_until", "pk")
    callbacks = base.filter(callback_pending_q()).order_by("closed_at", "pk")
    counts = Count("pk", filter=overdue_q(now)), Count("pk", filter=Q(bounce_count__gt=0, status__in=OPEN))
    open_requests = ServiceRequest.objects.restrict(user, "view").filter(status__in=OPEN)
    by_community = (open_requests.values("organization_id", "organization__name")
                    .annotate(open=Count("pk"), overdue=counts[0], bounced=counts[1]).order_by("organization__name"))
    by_team = (open_requests.filter(team__isnull=False).values("team_id", "team__name")
               .annotate(open=Count("pk"), overdue=counts[0], bounced=counts[1]).order_by("team__name"))
    return {"overdue": overdue, "bounced": bounced, "parked": parked, "callbacks": callbacks,
            "by_community": list(by_community), "by_team": list(by_team)}


def own_requests(user):
    """The requests ``user`` filed as a resident."""
    return (ServiceRequest.objects.filter(reporter=user).select_related("category", "team", "building")
            .defer("contact_phone", "contact_email", "attributes"))


# What a resident reads about where their request stands, in plain words.
PLAIN_STATUS = {
    S.REPORTED: _("Received; waiting to be taken in"),
    S.ACCEPTED: _("Taken in by the community"),
    S.REGISTERED: _("Taken in; a team will be assigned"),
    S.DISPATCHED: _("A service team is working on it"),
    S.HANDLED: _("Handled; the community is checking the result"),
    S.CHECKED: _("Checked; about to be closed"),
    S.CLOSED: _("Done; please tell us how it went"),
    S.RATED: _("Done and rated; thank you"),
    S.PARKED: _("Waiting: it needs a plan that takes longer"),
    S.DECLINED: _("Not taken in"),
    S.MERGED: _("Joined with a report of the same problem"),
}


def plain_status(status: str) -> str:
    return str(PLAIN_STATUS.get(status, ""))


# Steps a resident reads about (no staff names: the team's name at most).
PLAIN_STEP = {
    RequestAction.FILE: _("You filed the request"),
    RequestAction.ACCEPT: _("The community took it in"),
    RequestAction.DECLINE: _("The community did not take it in"),
    RequestAction.REGISTER: _("Registered"),
    RequestAction.DISPATCH: _("Given to a service team"),
    RequestAction.HANDLE: _("The team reports it handled"),
    RequestAction.SEND_BACK: _("Passed on to another team"),
    RequestAction.EXTEND: _("More time was given to solve it"),
    RequestAction.PARK: _("Put on hold for a longer plan"),
    RequestAction.RESUME: _("Work resumed"),
    RequestAction.ESCALATE: _("Passed to the sub-district team"),
    RequestAction.CHECK: _("The community checked the result"),
    RequestAction.REJECT: _("The community asked for more work"),
    RequestAction.CLOSE: _("Closed"),
    RequestAction.RATE: _("Rated"),
    RequestAction.REDO: _("Being redone"),
    RequestAction.MERGE: _("Joined with a report of the same problem"),
    RequestAction.CALLBACK: _("The sub-district called you back"),
}
# Steps a resident does not see in their timeline.
HIDDEN_STEPS = {RequestAction.SUPERVISE, RequestAction.REGISTER}


def resident_steps(request: ServiceRequest) -> list[dict]:
    """A request's log as its resident reads it: plain words, the team's name at most, no staff names
    and only the notes meant for the resident (why it was not taken in, what was done, why it waits)."""
    A = RequestAction
    return [{"at": t.at, "text": str(PLAIN_STEP.get(t.action, t.get_action_display())),
             "team": t.team.name if t.team and t.action in (A.DISPATCH, A.ESCALATE, A.HANDLE) else "",
             "note": t.note if t.action in (A.DECLINE, A.HANDLE, A.PARK) else ""}
            for t in request.transitions.select_related("team").order_by("at", "id") if t.action not in HIDDEN_STEPS]
