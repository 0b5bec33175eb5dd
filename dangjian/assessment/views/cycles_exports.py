"""Downloads of a cycle's results (xlsx and Word), for those who may export over the organization
running it; each download is written to the audit log."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from dangjian.core.access import get_for
from dangjian.core.audit import audit_log
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE

from .. import exports_cycles
from ..models import Cycle


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _cycle(request, pk) -> Cycle:
    return get_for(request.user, Cycle.objects.select_related("scheme", "organization"), "export", pk=pk)


@login_required
@require_GET
def cycle_xlsx(request, pk):
    cycle = _cycle(request, pk)
    content = exports_cycles.cycle_xlsx(cycle)
    audit_log(actor=request.user, action="assessment.cycle_exported", obj=cycle, organization=cycle.organization,
              changes={"format": "xlsx"})
    return _download(content, f"{exports_cycles.file_stem(cycle)}.xlsx", XLSX_CONTENT_TYPE)


@login_required
@require_GET
def cycle_docx(request, pk):
    cycle = _cycle(request, pk)
    content = exports_cycles.cycle_docx(cycle)
    audit_log(actor=request.user, action="assessment.cycle_exported", obj=cycle, organization=cycle.organization,
              changes={"format": "docx"})
    return _download(content, f"{exports_cycles.file_stem(cycle)}.docx", exports_cycles.DOCX_CONTENT_TYPE)
