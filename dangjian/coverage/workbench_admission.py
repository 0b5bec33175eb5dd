"""Workbench lines of affair admission (a ``PERSONAL_WORKBENCH_SOURCES`` entry of ``dangjian.core.views``):
requests in review waiting at a link of an authority the user may move requests for, and admitted
tasks due for re-review (ended, or ending within ``coverage.admission_renewal_days`` of their own
authority)."""
from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.access import user_scope
from dangjian.core.workbench import alert

from .choices import AdmissionStatus
from .models import AffairAdmission
from .selectors_admission import DUE, due_filter


def items(*, user, today) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    scope = user_scope(user, "transition")
    if not (scope.everything or scope.paths):
        return []
    rows = AffairAdmission.objects.restrict(user, "transition")
    due = due_filter(rows, today)
    counts = rows.aggregate(waiting=Count("pk", filter=Q(status=AdmissionStatus.IN_REVIEW)),
                            due=Count("pk", filter=due), due_end=Min("ends_on", filter=due))
    url = reverse("coverage:affairs")
    label = _("Affair admission")
    found = []
    if counts["waiting"]:
        found.append(alert(label, ngettext("%(n)d admission request waits at a review link",
                                           "%(n)d admission requests wait at a review link", counts["waiting"])
                           % {"n": counts["waiting"]}, f"{url}?status={AdmissionStatus.IN_REVIEW}"))
    if counts["due"]:
        found.append(alert(label, ngettext("%(n)d admitted task is due for re-review",
                                           "%(n)d admitted tasks are due for re-review", counts["due"])
                           % {"n": counts["due"]}, f"{url}?status={DUE}", when=counts["due_end"],
                           overdue=bool(counts["due_end"] and counts["due_end"] < today)))
    return found
