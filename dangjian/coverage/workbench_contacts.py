"""Workbench lines of the contacts work (a ``PERSONAL_WORKBENCH_SOURCES`` entry of
``dangjian.core.views``): my key firms not contacted within ``coverage.contact_every_days`` of the
organization that appointed me (``selectors_contacts.mark_due``, as on my list and the assignment
page), and my contacts whose problems are still open."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.workbench import alert

from .selectors_contacts import mine, my_unsolved


def items(*, user, today) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    found = []
    label = _("Firm contacts")
    for assignment in [a for a in mine(user, today) if a.due][:5]:
        text = (_("Contact %(firm)s: last contact %(day)s") % {
            "firm": assignment.firm.name, "day": f"{assignment.last_contact:%Y-%m-%d}"} if assignment.last_contact
            else _("Contact %(firm)s: no contact recorded yet") % {"firm": assignment.firm.name})
        found.append(alert(label, text, reverse("coverage:assignment", args=[assignment.pk]) + "#log",
                           overdue=True, when=assignment.due_since))
    open_count = my_unsolved(user).count()
    if open_count:
        found.append(alert(label, ngettext("%(n)d problem raised by a firm is still to solve",
                                           "%(n)d problems raised by firms are still to solve", open_count)
                           % {"n": open_count}, reverse("coverage:assignments") + "?tab=mine"))
    return found
