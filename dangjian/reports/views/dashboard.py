"""The statistics dashboard of an organization's subtree on a day (``?org=``, ``?date=``), and the
page of one figure broken down by the organization's children.

Both pages are generic: they walk ``figures.SECTIONS`` and each section's figures. A scalar
figure shows as a big number, a breakdown (a dict of counts) as a small table and a chart. Every
number links to the records behind it where the figure names them, and every figure to its page
by organization. The same day a year before is shown beside each figure.
"""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.coverage.views.common import day_param
from dangjian.organizations.choosing import chosen_subtree_organization
from dangjian.organizations.selectors import visible_ancestors

from .. import figures
from ..figures.base import Figure, Scope, Section
from ..figures.links import with_params
from ..formatting import format_value as show
from ..formatting import number


def as_of(request) -> tuple[datetime.date, str | None]:
    """The day of ``?date=`` (today when absent); today and a message in Chinese for a bad or future
    day, or a day before the first the statistics answer for."""
    today = timezone.localdate()
    day, error = day_param(request, "date", default=today, allow_future=False)
    if day < figures.FIRST_DAY:
        return today, _("Statistics start on %(day)s.") % {"day": figures.FIRST_DAY.isoformat()}
    return day, error


def change(value, last, unit: str) -> dict | None:
    """The change from last year's value: arrow (up, down, same) and the difference as shown."""
    now, before = number(value), number(last)
    if now is None or before is None:
        return None
    delta = now - before
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    text = show(abs(delta), unit) if unit != "percent" else _("%(value)s points") % {"value": abs(delta)}
    return {"direction": direction, "text": text}




def records_url(figure: Figure, scope: Scope, key: str = "") -> str | None:
    """The address of the records behind a figure (or one key of it), or None where none is listed."""
    if figure.records is None:
        return None
    try:
        return figure.records(scope, key)
    except (KeyError, NoReverseMatch):
        return None


def figure_path(section: Section, figure: Figure) -> str:
    return f"{section.code}.{figure.code}"


def figure_page_url(section: Section, figure: Figure, org, on: datetime.date) -> str:
    return with_params_path("reports:figure", [figure_path(section, figure)], org=org.pk, date=on.isoformat())


def with_params_path(name: str, args, **params) -> str:
    """``reverse(name, args=args)`` with the non-empty ``params`` as its query string."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    base = reverse(name, args=args)
    return f"{base}?{query}" if query else base


def dashboard_url(org, on: datetime.date, today: datetime.date) -> str:
    return with_params("reports:dashboard", org=org.pk, date="" if on == today else on.isoformat())


def _breakdown_rows(value: dict, last: dict | None, labels: dict, figure: Figure, scope: Scope) -> list[dict]:
    codes = list(value)
    codes += [code for code in (last or {}) if code not in value]
    rows = []
    for code in codes:
        now, before = value.get(code, 0), (last or {}).get(code) if last is not None else None
        rows.append({
            "code": code, "label": labels.get(code, code), "value": now, "shown": show(now, figure.unit),
            "last": show(before, figure.unit) if last is not None else None,
            "change": change(now, before, figure.unit), "url": records_url(figure, scope, code),
        })
    return rows


def section_cards(section: Section, answer: dict, last_answer: dict | None, scope: Scope,
                  last_scope: Scope) -> dict:
    """The scalars and the breakdowns of one section, ready for the template and the charts."""
    scalars, breakdowns = [], []
    for figure in section.figures:
        value = figures.dig(answer, figure.code)
        last = figures.dig(last_answer, figure.code) if last_answer else None
        common = {"path": figure_path(section, figure), "label": str(figure.label),
                  "definition": str(figure.definition), "unit": figure.unit,
                  "page": figure_page_url(section, figure, scope.root, scope.on)}
        if isinstance(value, dict):
            labels = figures.key_labels(section, figure, scope)
            rows = _breakdown_rows(value, last if isinstance(last, dict) else None, labels, figure, scope)
            values = [float(number(r["value"]) or 0) for r in rows]
            pie = figure.unit == "count" and len(rows) <= 5 and "age" not in figure.code
            chart = {"id": "chart-" + common["path"].replace(".", "-"), "title": str(figure.label),
                     "kind": "pie" if pie else "bar", "labels": [r["label"] for r in rows], "values": values,
                     "last": [float(number(last.get(r["code"])) or 0) for r in rows] if isinstance(last, dict)
                     else None, "last_name": _("A year before"), "now_name": _("On the day")}
            breakdowns.append({**common, "rows": rows, "chart": chart if any(values) else None})
        else:
            scalars.append({**common, "value": value, "shown": show(value, figure.unit),
                            "last": show(last, figure.unit) if last_answer else None,
                            "change": change(value, last, figure.unit), "url": records_url(figure, scope)})
    return {"code": section.code, "label": str(section.label), "scalars": scalars, "breakdowns": breakdowns}


def report_links() -> list[dict]:
    """The other pages of the reports app, for the dashboard's toolbar."""
    return [
        {"url": reverse("reports:screen"), "icon": "display", "label": _("Large screen")},
        {"url": reverse("reports:tables"), "icon": "table", "label": _("Report tables")},
        {"url": reverse("reports:packs"), "icon": "file-earmark-zip", "label": _("Inspection packs")},
        {"url": reverse("reports:monthly"), "icon": "calendar-month", "label": _("Monthly summaries")},
    ]


def level_context(request, org, on: datetime.date) -> dict:
    """The heading of a level: breadcrumbs of the visible ancestors, and the children the user sees
    that were active under the organization on the day."""
    today = timezone.localdate()
    ancestors = visible_ancestors(org, request.user)
    children = figures.children_on(org, on, request.user)
    return {
        "org": org, "on": on, "today": today, "date_param": "" if on == today else on.isoformat(),
        "ancestors": [{"org": a, "url": dashboard_url(a, on, today)} for a in ancestors],
        "children": [{"org": c, "name": name, "url": dashboard_url(c, on, today)} for c, name in children],
    }


@login_required
@require_GET
def dashboard(request):
    """Every figure of ``?org=``'s subtree on ``?date=`` beside the same day a year before."""
    org = chosen_subtree_organization(request)
    on, error = as_of(request)
    scope = Scope(org, on)
    last_scope = scope.a_year_before()
    answer = figures.overview(org, on)
    last_answer = figures.overview(org, last_scope.on)
    sections = [section_cards(section, answer[section.code], last_answer.get(section.code), scope, last_scope)
                for section in figures.SECTIONS if answer.get(section.code)]
    charts = [b["chart"] for s in sections for b in s["breakdowns"] if b["chart"]]
    return render(request, "reports/dashboard.html", {
        **level_context(request, org, on), "nav": "reports", "error": error, "sections": sections,
        "last_on": last_scope.on, "charts": charts, "links": report_links(),
        "computed_at": parse_datetime(answer.get("computed_at") or ""),
        "chart_texts": {"save": _("Save as image"), "now": _("On the day"), "last": _("A year before")},
    })


@login_required
@require_GET
def figure(request, path: str):
    """One figure of ``?org=``'s subtree on ``?date=`` by the organization's children, with the
    organization's own records as a row of their own and the total."""
    try:
        section, fig = figures.figure(path)
    except KeyError:
        raise Http404 from None
    if figure_path(section, fig) != path:
        raise Http404
    org = chosen_subtree_organization(request)
    on, error = as_of(request)
    scope = Scope(org, on)
    total = figures.dig(figures.overview(org, on, [section.code]).get(section.code) or {}, fig.code)
    labels = figures.key_labels(section, fig, scope)
    level = level_context(request, org, on)
    is_dict = isinstance(total, dict)
    columns = list(total) if is_dict else [""]
    column_heads = [labels.get(code, code) for code in columns] if is_dict else [fig.label]

    def cells(value, row_scope):
        if is_dict:
            value = value if isinstance(value, dict) else {}
            return [{"value": value.get(code), "shown": show(value.get(code, 0), fig.unit),
                     "url": records_url(fig, row_scope, code) if row_scope else None} for code in columns]
        return [{"value": value, "shown": show(value, fig.unit),
                 "url": records_url(fig, row_scope) if row_scope else None}]

    rows = []
    for child in level["children"]:
        answer = figures.overview(child["org"], on, [section.code]).get(section.code) or {}
        rows.append({"org": child["org"], "name": child["name"],
                     "url": with_params_path("reports:figure", [path], org=child["org"].pk, date=level["date_param"]),
                     "cells": cells(figures.dig(answer, fig.code), scope.with_root(child["org"]))})
    itself = None
    if rows and section.direct:  # the organization's own records, computed over it alone
        own = figures.dig(figures.overview(org, on, [section.code], direct=True).get(section.code) or {}, fig.code)
        values = own.values() if isinstance(own, dict) else [own]
        if any(number(v) for v in values):
            itself = cells(own, None)
    return render(request, "reports/figure.html", {
        **level, "nav": "reports", "error": error, "section": section, "figure": fig, "path": path,
        "columns": column_heads, "rows": rows, "itself": itself, "total": cells(total, scope),
        "dashboard_url": dashboard_url(org, on, level["today"]),
    })
