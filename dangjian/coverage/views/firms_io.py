"""The firm register in and out of Excel: the import page and its template, and the export of the
filtered list (register data and computed coverage only; no personal data; logged)."""
from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import user_scope
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE, Column, choice_label, upload_page, write_workbook

from .. import importing
from ..choices import Coverage, FirmKind, FirmSize, FirmStatus, Industry
from .common import area_organizations
from .firms import NAV, FirmFilters, listed_firms

EXPORT_COLUMNS = (
    Column("统一社会信用代码", "credit_code", width=22, text_format=True),
    Column("名称", "name", width=30),
    Column("类别", "kind", kind="choice", choices=FirmKind),
    Column("行业门类", "industry", kind="choice", choices=Industry, width=18),
    Column("规模", "size", kind="choice", choices=FirmSize, width=8),
    Column("成立日期", "established_on", kind="date", width=12),
    Column("从业人员数", "employees", width=10),
    Column("地址", "address", width=30),
    Column("所属组织", "area", width=24),
    Column("楼宇", "building", width=18),
    Column("楼层", "floor", width=8),
    Column("经营状态", "status", kind="choice", choices=FirmStatus, width=10),
    Column("覆盖情况", "coverage", kind="choice", choices=Coverage, width=14),
    Column("党员数", "members", width=8),
    Column("正式党员数", "full_members", width=10),
    Column("积极分子数", "activists", width=10),
    Column("最近走访日期", "last_surveyed_on", kind="date", width=12),
)


def _require_add(user):
    if not area_organizations(user).exists():
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def firms_import(request):
    """Upload the firm list (两新组织名录): every new firm or, with any bad row, none."""
    _require_add(request.user)

    def said(result):
        text = _("%(count)d firms registered.") % {"count": result.created}
        if result.skipped:
            text += " " + _("%(count)d already registered, left unchanged.") % {"count": result.skipped}
        return text

    return upload_page(
        request, template="coverage/firms/import.html", context={"nav": NAV, "columns": importing.FIRM_COLUMNS},
        run=lambda upload: importing.firms_import(actor=request.user, upload=upload), success_message=said,
        success_url="coverage:firms")


@login_required
@require_GET
def firms_import_template(request):
    """The template of the firm import, with an example row, drop-down lists and notes."""
    _require_add(request.user)
    target = io.BytesIO()
    importing.firms_template(user=request.user, target=target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename="两新组织导入模板.xlsx", content_type=XLSX_CONTENT_TYPE)


def _row(firm) -> list:
    return [firm.unit.credit_code, firm.unit.name, choice_label(FirmKind, firm.unit.kind),
            choice_label(Industry, firm.industry), choice_label(FirmSize, firm.size), firm.established_on,
            firm.employees, firm.unit.address, firm.area_organization.name, firm.building.name if firm.building else "",
            firm.floor, choice_label(FirmStatus, firm.status), choice_label(Coverage, firm.coverage), firm.members,
            firm.full_members, firm.activists, firm.last_surveyed_on]


@login_required
@require_GET
def firms_xlsx(request):
    """The list as filtered, as a spreadsheet, over the firms the user may export (audited)."""
    scope = user_scope(request.user, "export")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    today = timezone.localdate()
    filters = FirmFilters.read(request)
    firms = list(listed_firms(request.user, filters, action="export").order_by(
        "area_organization__path", "unit__name", "id")[:20000])
    target = io.BytesIO()
    write_workbook(target, EXPORT_COLUMNS, (_row(f) for f in firms), title=importing.SHEET_TITLE, notes=False,
                   validation_rows=len(firms) + 2)
    audit_log(actor=request.user, action="firm.exported", obj=filters.org, organization=filters.org,
              changes={"count": len(firms), "filters": request.GET.urlencode() or "all"})
    response = HttpResponse(target.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"两新组织名录{today:%Y%m%d}.xlsx")
    return response
