"""The large screen (大屏) of an organization's subtree today: big numbers and six to nine chart
panels for a 1920×1080 display, refreshed every five minutes from the statistics API.

The page draws at once from a JSON island holding the same answer the API gives
(``figures.overview()`` with the organization and the day in front); the panels name the figures
they show by their dotted path, so a refresh only swaps the data.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.organizations.choosing import chosen_subtree_organization

from .. import figures
from ..figures.base import Scope
from .dashboard import dashboard_url, show

MAX_PANELS = 9
MAX_NUMBERS = 8
# The panels the screen prefers, in order, when their sections have data: (path, chart kind).
PREFERRED = [
    ("members.by_category", "pie"),
    ("members.by_age_band", "column"),
    ("organizations.by_type", "bar"),
]
# Filled in after the other sections' panels when there is room.
EXTRA = [
    ("members.by_gender", "pie"),
    ("members.by_education", "bar"),
    ("members.by_status", "pie"),
    ("organizations.by_unit_kind", "bar"),
]
# The big numbers, in order, those with a value shown (at most MAX_NUMBERS).
NUMBERS = ["organizations.total", "members.total", "members.changes.admitted", "orglife.meetings_total",
           "orglife.study.rate", "dues.paid_up_rate", "grid.requests.filed", "grid.requests.satisfaction_rate",
           "volunteers.hours", "coverage.organized_rate", "organizations.secretaries.total"]
API_FALLBACK = "/api/v1/stats/overview/"
UNITS = ("count", "percent", "hours", "yuan", "years", "score")


def _panel(path: str, kind: str, scope: Scope) -> dict:
    section, figure = figures.figure(path)
    return {"id": "panel-" + path.replace(".", "-"), "kind": kind, "path": path, "title": str(figure.label),
            "unit": figure.unit, "labels": figures.key_labels(section, figure, scope)}


def panels(answer: dict, scope: Scope) -> list[dict]:
    """The chart panels: members and organizations first, then one or two of each other section that
    has data (its first breakdown, its rates), then more of the members while there is room."""
    chosen = [_panel(path, kind, scope) for path, kind in PREFERRED
              if isinstance(figures.dig(answer, path), dict) and any(figures.dig(answer, path).values())]
    for section in figures.SECTIONS:
        if section.code in ("organizations", "members") or not answer.get(section.code):
            continue
        values = [(figure, figures.dig(answer[section.code], figure.code)) for figure in section.figures]
        breakdown = next((f for f, v in values if isinstance(v, dict) and v), None)
        if breakdown is not None:
            chosen.append(_panel(f"{section.code}.{breakdown.code}", "bar", scope))
        rates = [{"path": f"{section.code}.{f.code}", "label": str(f.label)} for f, v in values
                 if f.unit == "percent" and not isinstance(v, dict)][:4]
        if rates:
            chosen.append({"id": f"panel-{section.code}-rates", "kind": "rates", "title": str(section.label),
                           "unit": "percent", "rates": rates})
    for path, kind in EXTRA:
        value = figures.dig(answer, path)
        if isinstance(value, dict) and any(value.values()):
            chosen.append(_panel(path, kind, scope))
    return chosen[:MAX_PANELS]


def numbers(answer: dict) -> list[dict]:
    """The big numbers: the first of :data:`NUMBERS` that have a value on the day."""
    chosen = []
    for path in NUMBERS:
        value = figures.dig(answer, path)
        if value is None or isinstance(value, dict) or len(chosen) == MAX_NUMBERS:
            continue
        _section, figure = figures.figure(path)
        chosen.append({"path": path, "label": str(figure.label), "unit": figure.unit, "shown": show(value, figure.unit)})
    return chosen


def api_url() -> str:
    try:
        return reverse("v1:stats-overview")
    except NoReverseMatch:
        return API_FALLBACK


@login_required
@require_GET
def screen(request):
    """The 大屏 of ``?org=``'s subtree today."""
    org = chosen_subtree_organization(request)
    on = timezone.localdate()
    answer = figures.overview(org, on)
    data = {"organization": {"id": org.pk, "name": org.display_name}, "date": on.isoformat(), **answer}
    scope = Scope(org, on)
    return render(request, "reports/screen.html", {
        "org": org, "on": on, "data": data, "panels": panels(answer, scope), "numbers": numbers(answer),
        "api_url": api_url(), "dashboard_url": dashboard_url(org, on, on),
        "texts": {"save": _("Save as image"), "formats": {unit: show("{v}", unit) for unit in UNITS}},
    })
