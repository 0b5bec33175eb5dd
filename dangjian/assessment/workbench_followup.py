"""Workbench lines of the follow-up work (a ``PERSONAL_WORKBENCH_SOURCES`` entry of
``dangjian.core.views``): rectification tasks I must answer (overdue ones flagged), tasks waiting
for my check, work reports waiting for my rating, and my own work report still to submit."""
from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.access import user_scope
from dangjian.core.workbench import alert

from .models import Rectification
from .selectors_followup import overdue_q, reports_to_rate, reports_to_submit, to_check_q, to_submit_q


def items(*, user, today) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    found = []
    scope = user_scope(user, "change")
    if scope.everything or scope.paths or Rectification.objects.filter(owner=user).exists():
        counts = Rectification.objects.aggregate(
            to_submit=Count("pk", filter=to_submit_q(user)),
            overdue=Count("pk", filter=to_submit_q(user) & overdue_q(today)),
            to_check=Count("pk", filter=to_check_q(user)))
        url = reverse("assessment:rectifications")
        label = _("Rectification")
        if counts["overdue"]:
            found.append(alert(label, ngettext("%(n)d rectification task is overdue",
                                               "%(n)d rectification tasks are overdue", counts["overdue"])
                               % {"n": counts["overdue"]}, f"{url}?todo=submit&overdue=1", overdue=True))
        waiting = counts["to_submit"] - counts["overdue"]
        if waiting:
            found.append(alert(label, ngettext("%(n)d rectification task waits for your evidence",
                                               "%(n)d rectification tasks wait for your evidence", waiting)
                               % {"n": waiting}, f"{url}?todo=submit"))
        if counts["to_check"]:
            found.append(alert(label, ngettext("%(n)d rectification waits for your check",
                                               "%(n)d rectifications wait for your check", counts["to_check"])
                               % {"n": counts["to_check"]}, f"{url}?todo=check"))
    reviews = reverse("assessment:review_rounds")
    to_rate = list(reports_to_rate(user, today).values_list("round__rate_until", flat=True)[:200])
    if to_rate:
        found.append(alert(_("Work reports"), ngettext("%(n)d work report waits for your rating",
                                                       "%(n)d work reports wait for your rating", len(to_rate))
                           % {"n": len(to_rate)}, f"{reviews}#to-rate", when=min(to_rate)))
    for report in reports_to_submit(user)[:5]:
        found.append(alert(_("Work reports"), _("Submit your work report: %(title)s") % {"title": report.round.title},
                           reverse("assessment:work_report", args=[report.pk]), when=report.round.rate_until))
    return found

