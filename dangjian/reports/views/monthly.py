"""Monthly summaries (月度统计摘要): the list of those the user may see, and one summary with its
figures and their changes."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from dangjian.organizations.choosing import require_subtree_view
from dangjian.organizations.models import Organization

from ..figures.links import with_params
from ..models import MonthlySummary
from ..monthly import figure_rows


@login_required
@require_GET
def monthly_list(request):
    """Summaries the user may see, newest first; ``?org=`` keeps those of one organization."""
    require_subtree_view(request.user)
    summaries = MonthlySummary.objects.restrict(request.user, "view").select_related("organization")
    org_ids = summaries.order_by().values("organization").distinct()
    organizations = list(Organization.objects.filter(pk__in=org_ids).order_by("path").only("pk", "name", "depth"))
    chosen = request.GET.get("org", "")
    if chosen and chosen.isdigit() and any(o.pk == int(chosen) for o in organizations):
        summaries = summaries.filter(organization_id=int(chosen))
    else:
        chosen = ""
    page = Paginator(summaries.order_by("-month", "organization__path"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/monthly_list.html", {
        "nav": "reports", "page_obj": page, "organizations": organizations, "chosen": chosen,
    })


@login_required
@require_GET
def monthly_detail(request, pk):
    """One summary: the figures at the month's end, the month before and the change."""
    summary = get_object_or_404(MonthlySummary.objects.restrict(request.user, "view").select_related("organization"),
                                pk=pk)
    on = summary.figures.get("on", "")
    return render(request, "reports/monthly_detail.html", {
        "nav": "reports", "summary": summary, "rows": figure_rows(summary),
        "dashboard_url": with_params("reports:dashboard", org=summary.organization_id, date=on),
        "recipients": summary.recipients.order_by("full_name", "username"),
    })
