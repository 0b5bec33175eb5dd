"""Report tables (统计报表): the list of tables in use, one table as a page, and its spreadsheet.

Aggregate tables are for those with a subtree in view; records tables (the collection tables of
the national system) need ``export`` in the organization, and their file is written in the
background, masked unless asked for in full with a purpose by someone who may reveal there.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import can, covers, user_scope
from dangjian.core.forms import add_service_errors
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.choosing import chosen_subtree_organization
from dangjian.organizations.selectors import visible_ancestors

from .. import tables
from ..figures.base import Scope
from ..models import ReportTable
from ..tables import records

PREVIEW_ROWS = 20


class RecordsExportForm(forms.Form):
    full = forms.BooleanField(
        label=gettext_lazy("Include ID numbers, phones and addresses in full"), required=False,
        help_text=gettext_lazy("Otherwise they are masked. A full file is logged with its purpose."))
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False, widget=forms.TextInput(
        attrs={"placeholder": gettext_lazy("Why do you need the full data?")}))


def _context(request, org, year, error):
    """What every page of the tables shows: the organization, its ancestors in the user's subtrees (to
    go up), the year and the years to choose from."""
    scope = user_scope(request.user, "view")
    ancestors = [a for a in visible_ancestors(org, request.user) if covers(scope, a)]
    return {"nav": "reports_tables", "org": org, "year": year, "year_error": error,
            "years": tables.year_choices(), "ancestors": ancestors}


def _table(code) -> ReportTable:
    return get_object_or_404(ReportTable, code=code, active=True)


def _records_allowed(request, table, org):
    if table.kind == ReportTable.Kind.RECORDS and not can(request.user, "export", org):
        raise PermissionDenied


@login_required
@require_GET
def table_list(request):
    """The tables in use for the chosen organization (``?org=``) and year (``?year=``)."""
    org = chosen_subtree_organization(request)
    year, error = tables.parse_year(request.GET.get("year"))
    may_export = can(request.user, "export", org)
    shown = [t for t in ReportTable.objects.filter(active=True)
             if t.kind == ReportTable.Kind.AGGREGATE or may_export]
    return render(request, "reports/tables.html", {
        **_context(request, org, year, error), "tables": shown, "on": tables.table_day(year)})


@login_required
@require_GET
def table(request, code):
    """One table as a page, in the layout of the paper table; numbers link to their records."""
    table = _table(code)
    org = chosen_subtree_organization(request)
    _records_allowed(request, table, org)
    year, error = tables.parse_year(request.GET.get("year"))
    on = tables.table_day(year)
    context = {**_context(request, org, year, error), "table": table, "on": on,
               "today": timezone.localdate()}
    if table.kind == ReportTable.Kind.AGGREGATE:
        context["built"] = tables.build(table, org, on)
    else:
        scope = Scope(org, on)
        context |= {"count": records.record_count(table.spec, scope), "preview_size": PREVIEW_ROWS,
                    "preview": records.record_rows(table.spec, scope, limit=PREVIEW_ROWS)}
    return render(request, "reports/table.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def table_xlsx(request, code):
    """The spreadsheet: at once for aggregate tables; for records tables the masked/full choice
    (GET) and the queued file (POST), then the user's export list."""
    table = _table(code)
    org = chosen_subtree_organization(request)
    _records_allowed(request, table, org)
    year, error = tables.parse_year(request.GET.get("year") or request.POST.get("year"))
    if table.kind == ReportTable.Kind.AGGREGATE:
        if request.method != "GET":
            return redirect(f"{request.path}?org={org.pk}&year={year}")
        target, name = tables.aggregate_export(actor=request.user, table=table, organization=org, year=year)
        return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
    form = RecordsExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            export = tables.records_export(actor=request.user, table=table, organization=org, year=year,
                                           full=form.cleaned_data["full"], purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” (%(count)d rows) is being prepared. It will be listed here when "
                                        "it is ready.") % {"title": table.title, "count": export.row_count})
            return redirect("members:exports")
    on = tables.table_day(year)
    return render(request, "reports/table_export.html", {
        **_context(request, org, year, error), "table": table, "on": on, "form": form,
        "count": records.record_count(table.spec, Scope(org, on)),
        "protected": records.has_protected(table.spec), "may_reveal": can(request.user, "reveal", org)})
