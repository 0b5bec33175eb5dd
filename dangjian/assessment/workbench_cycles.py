"""Workbench line of the assessment cycles (see ``dangjian.core.views.PERSONAL_WORKBENCH_SOURCES``):
assessments whose current review step waits for the user's level."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.workbench import alert


def items(*, user, today) -> list[dict]:
    from .selectors_cycles import waiting_for

    waiting = list(waiting_for(user).values_list("pk", flat=True)[:2])
    if not waiting:
        return []
    count = waiting_for(user).count() if len(waiting) > 1 else 1
    url = reverse("assessment:assessment", args=[waiting[0]]) if count == 1 else reverse("assessment:cycles")
    return [alert(_("Assessment"), ngettext("%(n)d assessment waits for your review step",
                                            "%(n)d assessments wait for your review step", count) % {"n": count}, url)]
