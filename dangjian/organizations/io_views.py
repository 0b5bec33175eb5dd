"""Import of the organization tree from Excel: the upload page and the template."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import has_any_scope
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE, ImportRejected, UploadForm

from . import importing


def _require_add(user):
    if not has_any_scope(user, "add"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_tree(request):
    """Upload organizations in an Excel file (组织体系批量导入): all rows or, with any error, none."""
    _require_add(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.organizations_import(actor=request.user, upload=form.cleaned_data["file"])
        except ImportRejected as exc:
            rejected = exc
        else:
            messages.success(request, ngettext("%(count)d organization has been set up.",
                                               "%(count)d organizations have been set up.",
                                               result.created) % {"count": result.created})
            return redirect("organizations:tree")
    return render(request, "organizations/import.html", {
        "nav": "org_import", "form": form, "rejected": rejected, "columns": importing.ORG_COLUMNS,
    })


@login_required
@require_GET
def import_template(request):
    """The template of the organization import, with an example row, drop-down lists and notes."""
    _require_add(request.user)
    target = io.BytesIO()
    importing.organizations_template(user=request.user, target=target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=_("Organization import template") + ".xlsx",
                        content_type=XLSX_CONTENT_TYPE)
