"""Reminders of meetings still to hold (组织生活提醒), sent to the secretaries who hold them.

Sent by the ``send_reminders`` command (run it daily from cron or the worker's scheduler)
for periods ending within the rule pack's window, and by organizers from the compliance page
for whatever is behind. A reminder is a message, never a ranking.
"""
import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import RoleAssignment
from dangjian.core.access import Role
from dangjian.core.audit import audit_log
from dangjian.core.models import AuditEntry
from dangjian.core.rules import rule_value
from dangjian.notices.services import notify
from dangjian.organizations.models import Organization

from .selectors import compliance


def behind(root: Organization, *, today: datetime.date | None = None, closing_within: int | None = None) -> dict:
    """Organizations with meetings still to hold: {organization: [compliance rows]}.

    With ``closing_within`` days, only periods ending that soon (and not yet over) count.
    """
    today = today or timezone.localdate()
    out = defaultdict(list)
    for row in compliance(root, today.year, today=today):
        if row.status == "ok":
            continue
        if closing_within is not None and not (row.status == "due" and (row.span.end - today).days <= closing_within):
            continue
        out[row.organization].append(row)
    return dict(out)


def remind(*, actor, rows_by_org: dict) -> int:
    """Message the secretaries of each organization about what it still has to hold; returns how many."""
    branch_orgs = [org.pk for org in rows_by_org]
    secretaries = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(organization_id__in=branch_orgs, role=Role.SECRETARY).select_related(
            "user"):
        secretaries[assignment.organization_id].append(assignment.user)
    sent = 0
    for org, rows in rows_by_org.items():
        users = secretaries.get(org.pk) or []
        if not users:
            continue
        items = "；".join(f"{r.kind_label}（{r.span.label}，{r.held}/{r.required}）" for r in rows[:10])
        notify(users, title=_("Meetings still to hold in %(org)s") % {"org": org.name},
               body=items, url=reverse("orglife:plan") + f"?org={org.pk}")
        audit_log(actor=actor, action="orglife.reminded", obj=org, organization=org, changes={"count": len(rows)})
        sent += 1
    return sent


def send_due_reminders(*, today: datetime.date | None = None) -> int:
    """The daily run: remind every organization whose period closes within the rule pack's window.

    Idempotent within a day: each organization is reminded in its own transaction, holding a lock on
    its row, and only if the daily run has not reminded it today (the real day, whatever ``today``
    says), so a retried, recovered or doubled run sends nothing twice."""
    today = today or timezone.localdate()
    sent = 0
    for root in Organization.objects.filter(depth=1):
        window = int(rule_value("orglife.reminders.days_before_period_end", organization=root, on=today, default=7))
        for org, rows in behind(root, today=today, closing_within=window).items():
            with transaction.atomic():
                Organization.objects.select_for_update().filter(pk=org.pk).first()
                if AuditEntry.objects.filter(action="orglife.reminded", actor__isnull=True, organization=org,
                                             at__date=timezone.localdate()).exists():
                    continue
                sent += remind(actor=None, rows_by_org={org: rows})
    return sent
