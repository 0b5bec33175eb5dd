"""Workbench lines of surveys (see ``dangjian.core.views.PERSONAL_WORKBENCH_SOURCES``): surveys waiting
for the user's answer (Party members), and the open surveys the user runs that close within three days."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.workbench import alert


def items(*, user, today) -> list[dict]:
    from .selectors_surveys import closing_soon, open_for

    found = []
    waiting = list(open_for(user, today).values_list("key", flat=True)[:2])
    if waiting:
        count = open_for(user, today).count() if len(waiting) > 1 else 1
        url = (reverse("assessment:survey_answer", args=[waiting[0]]) if count == 1
               else reverse("assessment:surveys"))
        found.append(alert(_("Surveys"), ngettext("%(n)d survey waits for your answer",
                                                  "%(n)d surveys wait for your answer", count) % {"n": count}, url))
    closing = closing_soon(user, today).count()
    if closing:
        found.append(alert(_("Surveys"), ngettext("%(n)d survey I run closes within 3 days",
                                                  "%(n)d surveys I run close within 3 days", closing)
                           % {"n": closing}, f"{reverse('assessment:surveys')}?status=open", overdue=True))
    return found
