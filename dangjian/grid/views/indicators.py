"""The indicators page of residents' requests and patrols (诉求办理指标), for an organization's
subtree and a month, with a breakdown by grid, community, sub-district or team."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.dates import add_months
from dangjian.organizations.choosing import chosen_organization, require_subtree_view
from dangjian.organizations.selectors import visible_ancestors

from .. import indicators


def chart_data(report) -> dict:
    """What the chart draws (read by ``static/js/grid-indicators.js``): rates in percent."""
    if report.rows:
        labels = [u.name for u in report.rows]
        series = [{"name": str(indicators.FIGURES[code]), "data": [u.figures[code].percent for u in report.rows]}
                  for code in ("on_time_closure", "closure", "on_time_handling", "satisfaction")]
        return {"kind": "bar", "labels": labels, "series": series}
    labels = [str(indicators.FIGURES[code]) for code in indicators.ROW_FIGURES]
    return {"kind": "compare", "labels": labels, "series": [
        {"name": report.previous_month.strftime("%Y-%m"), "data": [report.previous.figures[c].percent
                                                                   for c in indicators.ROW_FIGURES]},
        {"name": report.month.strftime("%Y-%m"), "data": [report.summary.figures[c].percent
                                                          for c in indicators.ROW_FIGURES]},
    ]}


@login_required
@require_GET
def indicators_page(request):
    """Figures of the chosen organization's subtree for the month, against the month before."""
    org = chosen_organization(request)
    require_subtree_view(request.user)
    if not user_can_see_subtree(request.user, org):
        raise PermissionDenied
    today = timezone.localdate()
    errors = []
    try:
        month = indicators.parse_month(request.GET.get("month"), default=today)
    except ValidationError as exc:
        errors += exc.messages
        month = today.replace(day=1)
    by = request.GET.get("by", "")
    if by not in indicators.BREAKDOWNS:
        by = ""
    report = indicators.report(org, month, by)
    return render(request, "grid/indicators/page.html", {
        "nav": "indicators", "org": org, "ancestors": visible_ancestors(org, request.user) + [org],
        "report": report, "month": month, "month_value": month.strftime("%Y-%m"), "errors": errors,
        "previous_value": add_months(month, -1).strftime("%Y-%m"),
        "next_value": add_months(month, 1).strftime("%Y-%m") if add_months(month, 1) <= today else "",
        "by": by, "breakdowns": [(code, indicators.BREAKDOWN_LABELS[code]) for code in indicators.BREAKDOWNS],
        "row_codes": indicators.ROW_FIGURES, "chart": chart_data(report),
        "row_labels": [indicators.FIGURES[c] for c in indicators.ROW_FIGURES],
    })


def user_can_see_subtree(user, org) -> bool:
    """Organizers, secretaries and auditors see the whole subtree of what they see."""
    from dangjian.core.access import covers, user_scope

    return covers(user_scope(user, "view"), org)
