"""Import and export pages of the roster: upload a file, get the template, export, downloads."""
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import has_any_scope
from dangjian.core.forms import add_service_errors
from dangjian.core.models import Export
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE, upload_page

from . import exporting, importing


class ExportForm(forms.Form):
    full = forms.BooleanField(
        label=gettext_lazy("Include ID numbers, phones and addresses in full"), required=False,
        help_text=gettext_lazy("Otherwise they are masked, as on the roster. A full export is logged with its purpose."))
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False, widget=forms.TextInput(
        attrs={"placeholder": gettext_lazy("Why do you need the full data?")}))


def _require(user, action):
    if not has_any_scope(user, action):
        raise PermissionDenied


def _xlsx_response(target, filename):
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def import_members(request):
    """Upload members in an Excel file (党员信息批量导入): all rows or, with any error, none."""
    _require(request.user, "add")
    return upload_page(
        request, template="members/import.html", context={"nav": "import", "columns": importing.MEMBER_COLUMNS},
        run=lambda upload: importing.members_import(actor=request.user, upload=upload),
        success_message=lambda result: ngettext(
            "%(count)d member has been added to the register.", "%(count)d members have been added to the register.",
            result.created) % {"count": result.created},
        success_url="members:list",
    )


@login_required
@require_GET
def import_template(request):
    """The import template: headers, an example row, drop-down lists and a sheet of notes."""
    _require(request.user, "add")
    target = io.BytesIO()
    importing.members_template(user=request.user, target=target)
    return _xlsx_response(target, _("Member import template") + ".xlsx")


def _filter_summary(members):
    """The active filters as (label, value) for the export page."""
    if not members.is_valid():
        return []
    summary = []
    for name, field in members.form.fields.items():
        value = members.form.cleaned_data.get(name)
        if value in (None, "") or name == "sort":
            continue
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        summary.append((field.label, value))
    return summary


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    """Export the filtered roster: GET shows the choice (masked or full) and the count; POST exports."""
    _require(request.user, "export")
    params = exporting.query_params(request.GET)
    members = exporting.export_filter(request.user, params)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = exporting.members_export(actor=request.user, params=params, full=form.cleaned_data["full"],
                                               purpose=form.cleaned_data["purpose"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if outcome.export is not None:
                messages.success(request, _("The export of %(count)d members is being prepared. It will be listed "
                                            "here when it is ready.") % {"count": outcome.rows})
                return redirect("members:exports")
            return _xlsx_response(outcome.file, outcome.filename)
    valid = members.is_valid()
    count = exporting.export_rows(request.user, members).count() if valid else 0
    return render(request, "members/export.html", {
        "nav": "members", "form": form, "count": count, "valid": valid, "filter_errors": members.errors,
        "summary": _filter_summary(members), "query": request.GET.urlencode(),
        "background": count > settings.EXPORT_INLINE_LIMIT,
    })


@login_required
@require_GET
def export_list(request):
    """The user's own exports, newest first, with their state and a download link when ready."""
    _require(request.user, "export")
    exports = Export.objects.filter(requested_by=request.user)[:100]
    return render(request, "members/exports.html", {"nav": "exports", "exports": exports})


@login_required
@require_GET
def export_download(request, pk):
    """Download a finished export. Only the user who requested it may (404 for everyone else);
    while it is still being prepared, or if it failed, the page says so."""
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    if export.status != Export.Status.DONE:
        return render(request, "members/exports.html", {"nav": "exports", "exports": [export], "focus": export})
    if not export.file or not export.file.storage.exists(export.file.name):
        raise Http404
    name = f"{export.get_kind_display()}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.xlsx"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)
