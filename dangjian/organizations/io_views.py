"""Import of the organization tree from Excel: the upload page and the template."""
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import has_any_scope
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE, upload_page

from . import importing


def _require_add(user):
    if not has_any_scope(user, "add"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_tree(request):
    """Upload organizations in an Excel file (组织体系批量导入): all rows or, with any error, none."""
    _require_add(request.user)
    return upload_page(
        request, template="organizations/import.html", context={"nav": "org_import", "columns": importing.ORG_COLUMNS},
        run=lambda upload: importing.organizations_import(actor=request.user, upload=upload),
        success_message=lambda result: ngettext(
            "%(count)d organization has been set up.", "%(count)d organizations have been set up.",
            result.created) % {"count": result.created},
        success_url="organizations:tree",
    )


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
