"""Workbench items of the request workflow (see ``dangjian.core.views.WORKBENCH_SOURCES``).

``items`` is called once per organization the user oversees (``root``): what the dispatchers of
that subtree must do. ``personal_items`` (root None) is what concerns the user themselves: their
team's requests, the ratings awaited in their grids, their own requests as a resident.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.access import covers, user_scope
from dangjian.core.workbench import alert

from .choices import OPEN, RequestStatus
from .models import GridVisit, Household, ServiceRequest
from .models.scope import team_ids_of
from .selectors_grids import VISIT_DUE_DAYS
from .selectors_requests import overdue_q

S = RequestStatus


def items(*, root, user, today) -> list[dict]:
    if root is None:
        return personal_items(user=user, today=today)
    scope = user_scope(user, "transition")
    if not covers(scope, root):
        return []
    now = timezone.now()
    counts = ServiceRequest.objects.filter(organization__path__startswith=root.path).aggregate(
        to_accept=Count("pk", filter=Q(status=S.REPORTED)),
        overdue=Count("pk", filter=overdue_q(now)),
        bounced=Count("pk", filter=Q(bounce_count__gt=0, status__in=OPEN)))
    url = reverse("grid:requests")
    found = []
    if counts["to_accept"]:
        found.append(alert(_("Requests"), ngettext("%(n)d request waits to be accepted",
                                                   "%(n)d requests wait to be accepted", counts["to_accept"])
                           % {"n": counts["to_accept"]}, f"{url}?tab=to_accept&org={root.pk}"))
    if counts["overdue"]:
        found.append(alert(_("Requests"), ngettext("%(n)d request is overdue", "%(n)d requests are overdue",
                                                   counts["overdue"]) % {"n": counts["overdue"]},
                           f"{url}?tab=overdue&org={root.pk}", overdue=True))
    if counts["bounced"]:
        found.append(alert(_("Requests"), ngettext("%(n)d open request was sent back",
                                                   "%(n)d open requests were sent back", counts["bounced"])
                           % {"n": counts["bounced"]}, f"{url}?tab=bounced&org={root.pk}"))
    return found


def personal_items(*, user, today) -> list[dict]:
    found = []
    now = timezone.now()
    teams = team_ids_of(user)
    url = reverse("grid:requests")
    if teams:
        counts = ServiceRequest.objects.filter(team__in=teams, status=S.DISPATCHED).aggregate(
            n=Count("pk"), late=Count("pk", filter=overdue_q(now)))
        if counts["n"]:
            found.append(alert(_("My team"), ngettext(
                "%(n)d request is with my team (%(late)d overdue)", "%(n)d requests are with my team (%(late)d overdue)",
                counts["n"]) % {"n": counts["n"], "late": counts["late"]}, f"{url}?tab=mine",
                overdue=bool(counts["late"])))
    grids = user_scope(user, "transition").grid_ids
    if grids:
        n = ServiceRequest.objects.filter(grid__in=grids, status=S.CLOSED).count()
        if n:
            found.append(alert(_("Ratings"), ngettext("%(n)d closed request in my grid awaits a rating",
                                                      "%(n)d closed requests in my grids await a rating", n)
                               % {"n": n}, f"{url}?status=closed"))
        since = today - datetime.timedelta(days=VISIT_DUE_DAYS)
        due = (Household.objects.filter(building__grid__in=grids, active=True)
               .exclude(Exists(GridVisit.objects.filter(household=OuterRef("pk"), visited_on__gt=since))).count())
        if due:
            found.append(alert(_("Visits"), ngettext(
                "%(n)d household in my grid has not been visited for %(days)d days",
                "%(n)d households in my grids have not been visited for %(days)d days", due)
                % {"n": due, "days": VISIT_DUE_DAYS}, reverse("grid:mine")))
    mine = ServiceRequest.objects.filter(reporter=user, status=S.CLOSED).count()
    if mine:
        found.append(alert(_("My requests"), ngettext("%(n)d of my requests is done: please rate it",
                                                      "%(n)d of my requests are done: please rate them", mine)
                           % {"n": mine}, reverse("grid:my_requests")))
    return found
