"""Report tables (统计报表) as data: each table is a TOML definition, one per file in
``rules/reports/``, loaded into :class:`~dangjian.reports.models.ReportTable` on every migrate
(:mod:`dangjian.reports.loading`) and editable by administrators in the Django admin.

The definition language
=======================

Top-level keys::

    code = "member-counts"        # lower-case letters, digits, hyphens; unique
    title = "党员数量及变化情况"     # the table's title (data: written in Chinese)
    version = "2026.1"            # a shipped table is updated when its file's version changes
    kind = "aggregate"            # "aggregate" (figures; the default) or "records" (one row per record)
    order = 10                    # position in the list of tables
    period = "year"               # the table is for a year: its 31 December, or today in the current year
    unit = "人"                   # the 单位 line of the spreadsheet (optional)
    description = "…"             # shown under the title (optional)
    row_heading = "单位名称"        # heading of the first column (optional)
    rows = "children"             # aggregate only, see below
    source = "members"            # records only: "organizations" or "members"

    [[columns]]                   # one table per column, in order
    heading = "发展党员"            # the column heading
    group = "本年增加"              # optional: consecutive columns of one group share a spanning header
    path = "members.changes.admitted"
    width = 10                    # optional column width in the spreadsheet

Aggregate columns take exactly one of:

- ``path``: a dotted path into the answer of :func:`dangjian.reports.figures.overview`, naming a
  figure and, for a breakdown, one of its keys (``members.by_gender.female``,
  ``organizations.by_type.branch``). A path that names a whole breakdown gives the sum of its counts
  (``members.changes.left`` = every way of leaving). The figure must exist
  (:func:`dangjian.reports.figures.figure`) and, where the figure lists its keys, so must the key.
  The cell links to the records behind the figure when the figure has ``records``.
- ``sum = [paths]``: the sum of the figures; ``difference = [a, b, …]``: ``a`` minus the others.

Rows of an aggregate table:

- ``rows = "children"``: one row per active organization directly under the chosen one on the day
  (named as they were that day), a row 直属 for what the organization holds itself when it holds
  anything, and the row 合计, which is the organization's own overview, not a sum of the rows.
- ``rows = "self"``: one row, the organization.
- ``rows = { keys = "members.by_age_band", labels = { to_30 = "30岁及以下" } }``: one row per key of
  a breakdown of the organization's overview; column paths name ``{key}``
  (``members.by_age_band.{key}``). Labels come from ``labels``, else the figure's own keys.

Records tables (``kind = "records"``) have columns ``{ heading, field }`` with ``field`` from the
whitelist of :data:`.records.FIELDS` for the ``source``. ID numbers, phones and addresses are
masked unless the file is asked for in full with a stated purpose by someone who may reveal in
that subtree; records files are written in the background (:func:`write_export`).
"""
from __future__ import annotations

import datetime
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.dates import FIRST_DAY
from dangjian.core.exports import export_create
from dangjian.core.models import Export
from dangjian.organizations.models import Organization

from ..figures.base import Scope
from ..models import ReportTable
from . import aggregate, records, xlsx
from .definition import parse_definition, sections_of

__all__ = ["parse_definition", "sections_of", "table_day", "year_choices", "build", "aggregate_export",
           "records_export", "write_export", "file_name", "FIRST_YEAR"]

FIRST_YEAR = FIRST_DAY.year


def table_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a yearly table is for: 31 December of ``year``, or today in the current year."""
    today = today or timezone.localdate()
    if year >= today.year:
        return today
    return datetime.date(year, 12, 31)


def parse_year(raw: str | None, today: datetime.date | None = None) -> tuple[int, str | None]:
    """The year of ``?year=`` as ``(year, error)``: the current year (and a message) when absent or bad."""
    today = today or timezone.localdate()
    raw = (raw or "").strip()
    if not raw:
        return today.year, None
    try:
        year = int(raw)
    except ValueError:
        return today.year, _("“%(value)s” is not a year.") % {"value": raw}
    if year > today.year:
        return today.year, _("The year %(value)s has not come yet; the current year is shown.") % {"value": raw}
    if year < FIRST_YEAR:
        return today.year, _("There are no records for the year %(value)s; the current year is shown.") % {
            "value": raw}
    return year, None


def year_choices(today: datetime.date | None = None, count: int = 10) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - count, -1))


def build(table: ReportTable, organization: Organization, on: datetime.date):
    """An aggregate table computed for ``organization``'s subtree on ``on``."""
    return aggregate.build(table.spec, organization, on)


def file_name(table: ReportTable, organization: Organization, year: int) -> str:
    return f"{table.title}-{organization.display_name}-{year}年.xlsx"


def aggregate_export(*, actor, table: ReportTable, organization: Organization, year: int):
    """The spreadsheet of an aggregate table, written now; one audit entry. Returns (file, name)."""
    if table.kind != ReportTable.Kind.AGGREGATE:
        raise ValueError(table.code)
    on = table_day(year)
    built = build(table, organization, on)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        rows = xlsx.write_aggregate(built, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    with transaction.atomic():
        audit_log(actor=actor, action="report_table.exported", obj=table, organization=organization,
                  changes={"table": table.code, "year": year, "on": on.isoformat(), "rows": rows})
    return target, file_name(table, organization, year)


def records_export(*, actor, table: ReportTable, organization: Organization, year: int, full: bool = False,
                   purpose: str = "") -> Export:
    """Queue the file of a records table (a collection table): masked, or in full with a stated
    purpose for those who may reveal in the organization's subtree. One audit entry."""
    if table.kind != ReportTable.Kind.RECORDS:
        raise ValueError(table.code)
    if not can(actor, "export", organization):
        raise PermissionDenied
    purpose = (purpose or "").strip()
    full = bool(full) and records.has_protected(table.spec)
    if full:
        if len(purpose) < 2:
            raise ValidationError({"purpose": _("State why you need the full personal data.")})
        if not can(actor, "reveal", organization):
            raise ValidationError({"full": _("The personal data of this organization's members is not yours to see "
                                             "in full; export the table masked.")})
    on = table_day(year)
    count = records.record_count(table.spec, Scope(organization, on))
    if not count:
        raise ValidationError(_("There are no records in this table for this organization and year."))
    params = {"table": table.code, "org": organization.pk, "year": year, "on": on.isoformat(), "full": full}
    with transaction.atomic():
        export = export_create(actor=actor, kind=Export.Kind.REPORT_TABLE, params=params, purpose=purpose,
                               row_count=count)
        audit_log(actor=actor, action="report_table.exported", obj=table, organization=organization,
                  changes={"table": table.code, "year": year, "on": on.isoformat(), "rows": count, "full": full,
                           "background": True}, note=purpose)
    return export


def write_export(export: Export, target) -> int:
    """The background writer of a queued records table (see :mod:`dangjian.core.exports`)."""
    table = ReportTable.objects.get(code=export.params["table"])
    organization = Organization.objects.get(pk=export.params["org"])
    user = export.requested_by
    if not can(user, "export", organization):
        raise PermissionDenied("The requester may no longer export this organization's records.")
    if export.full and not can(user, "reveal", organization):
        raise PermissionDenied("The requester may no longer see these members' personal data in full.")
    on = datetime.date.fromisoformat(export.params["on"])
    rows = records.record_rows(table.spec, Scope(organization, on), full=export.full)
    return xlsx.write_records(table.spec, organization, on, rows, target)
