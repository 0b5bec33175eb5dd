"""Coverage statistics of an organization's area (两新组织覆盖情况统计): the big figures, the tables
by kind, by area and by building, the monthly trend of 党的组织覆盖率 and 党的工作覆盖率, and the
tables as a spreadsheet. Everything is computed by ``selectors.coverage_stats``; every count links
to the firm list filtered to the firms it counts."""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.choosing import chosen_subtree_organization

from ..choices import Coverage
from ..exports_stats import stats_xlsx as stats_workbook
from ..selectors import coverage_stats
from .common import base_context, day_param

COLUMNS = ("total", *Coverage.values)


def as_of(request):
    """The day of ``?on=`` (today when absent); today and a message in Chinese for a bad or future day."""
    return day_param(request, "on", default=timezone.localdate(), allow_future=False)


def firms_link(name: str = "coverage:firms", **params) -> str:
    """The firm list (or the ready list) filtered to the firms a count counts."""
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _cells(row: dict, **params) -> list[dict]:
    """The count cells of a table row, each linking to the firm list of the firms it counts."""
    return [{"code": code, "value": row.get(code, 0),
             "url": firms_link(**params, coverage="" if code == "total" else code)} for code in COLUMNS]


def _table(rows, key_params) -> list[dict]:
    return [{**row, "title": row.get("label") or row.get("name"), "cells": _cells(row, **key_params(row))}
            for row in rows]


@login_required
@require_GET
def stats(request):
    """Coverage of the firms in an organization's area on a day (``?org=``, ``?on=``)."""
    org = chosen_subtree_organization(request)
    on, error = as_of(request)
    result = coverage_stats(org, on)
    oid, day = org.pk, on.isoformat()
    figures = [
        {"label": _("Firms and social organizations"), "value": result.total, "url": firms_link(org=oid, on=day)},
        *({"label": label, "value": result.by_coverage[code], "url": firms_link(org=oid, on=day, coverage=code),
           "code": code} for code, label in Coverage.choices),
        {"label": _("Ready to form a branch"), "value": result.ready,
         "url": firms_link("coverage:firms_ready", org=oid, on=day)},
    ]
    trend = [{**row, "day": parse_date(row["on"])} for row in result.trend]
    chart = {"labels": [f"{row['day'].year}年{row['day'].month}月" for row in trend],
             "series": [{"name": _("Organizational coverage rate"),
                         "data": [float(r["organized_rate"]) if r["organized_rate"] is not None else None
                                  for r in trend]},
                        {"name": _("Work coverage rate"),
                         "data": [float(r["worked_rate"]) if r["worked_rate"] is not None else None
                                  for r in trend]}]}
    return render(request, "coverage/stats/stats.html", {
        **base_context(request, org, nav="coverage_stats"), "stats": result, "on": on, "error": error,
        "today": timezone.localdate(),
        "figures": figures, "chart": chart, "trend": trend,
        "by_kind": _table(result.by_kind, lambda r: {"org": oid, "on": day, "kind": r["code"]}),
        # A row of the area itself counts the firms it looks after directly, not those below it.
        "by_area": _table(result.by_area, lambda r: {"org": r["organization"], "on": day,
                                                     "direct": "1" if r["organization"] == oid else ""}),
        "by_building": _table(result.by_building, lambda r: {"org": oid, "on": day, "building": r["building"]}),
        "coverage_labels": Coverage.choices, "can_export": _can_export(request, org),
    })


def _can_export(request, org) -> bool:
    return covers(user_scope(request.user, "export"), org)


@login_required
@require_GET
def stats_xlsx(request):
    """The tables of the statistics page as a spreadsheet (the export is logged)."""
    org = chosen_subtree_organization(request, "export")
    on, _error = as_of(request)
    result = coverage_stats(org, on)
    audit_log(actor=request.user, action="coverage_stats.exported", obj=org, organization=org,
              changes={"on": on, "total": result.total})
    response = HttpResponse(stats_workbook(org, result), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"两新组织覆盖统计-{org.display_name}-{on:%Y%m%d}.xlsx")
    return response
