"""Export of the filtered roster to Excel (名册导出), in the import format so it can go back in.

The rows are those of the roster page with the same filters, narrowed to what the user may
export. ID numbers, phones and addresses are masked unless the user asks for them in full,
states why, and may reveal every exported row. Every export is logged with its row count,
filters and purpose. Small exports are written at once; larger ones by the background worker.
"""
import tempfile
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import has_any_scope, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.exports import export_create
from dangjian.core.models import Export
from dangjian.core.spreadsheets import bool_label, choice_label, write_workbook
from dangjian.organizations.models import Organization

from .filters import MemberFilter
from .importing import MEMBER_COLUMNS, SHEET_TITLE
from .models import Member
from .selectors import roster_filter

# Paging and other parameters of the roster page that do not select rows.
_IGNORED_PARAMS = {"page", "per_page", "csrfmiddlewaretoken", "full", "purpose"}


@dataclass
class ExportOutcome:
    """What an export request gave: a file to send now, or a queued :class:`Export`."""

    rows: int
    file: IO[bytes] | None = None
    filename: str = ""
    export: Export | None = None


def query_params(query: QueryDict) -> dict[str, list[str]]:
    """The roster filters of a query string, as plain JSON (kept with a queued export)."""
    return {key: [v for v in values if v] for key, values in query.lists()
            if key not in _IGNORED_PARAMS and any(values)}


def export_filter(user, params: dict[str, list[str]]) -> MemberFilter:
    """The roster page's filter set over the rows ``user`` sees, for these parameters."""
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return roster_filter(user=user, params=query)


def export_rows(user, members: MemberFilter):
    """The filtered rows ``user`` sees and may export."""
    rows = members.qs
    if not user_scope(user, "export").everything:
        rows = rows.filter(pk__in=Member.objects.restrict(user, "export").values("pk"))
    return rows


def _all_revealable(user, rows) -> bool:
    if user_scope(user, "reveal").everything:
        return True
    return not rows.exclude(pk__in=Member.objects.restrict(user, "reveal").values("pk")).exists()


def _audit_organization(user, members: MemberFilter):
    """The organization an export is filed under in the audit log: the filtered one, else the
    user's one export scope when there is exactly one."""
    org = members.form.cleaned_data.get("org")
    if org is not None:
        return org
    paths = user_scope(user, "export").paths
    return Organization.objects.filter(path=paths[0]).first() if len(paths) == 1 else None


def filename() -> str:
    return f"{Export.Kind.MEMBERS.label}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def _labels(column):
    return {value: choice_label(column.choices, value) for value in column.choices.values}


def write_rows(target, rows, *, full: bool) -> int:
    """Write member rows in the import format; protected values masked unless ``full``."""
    labels = {c.field: _labels(c) for c in MEMBER_COLUMNS if c.kind == "choice"}
    yes, no = bool_label(True), bool_label(False)
    if full:
        rows = rows.defer(None)
    rows = rows.select_related("organization", "party_group")

    def lines():
        for m in rows.iterator(chunk_size=2000):
            yield [
                m.name, labels["gender"].get(m.gender, m.gender), labels["ethnicity"].get(m.ethnicity, m.ethnicity),
                m.birth_date, m.id_number if full else m.id_number_masked, m.phone if full else m.phone_masked,
                m.address if full else m.address_masked, labels["education"].get(m.education, m.education),
                m.joined_on, m.full_member_on, labels["status"].get(m.status, m.status),
                labels["category"].get(m.category, m.category), yes if m.in_hardship else no,
                m.organization.code, m.party_group.code if m.party_group_id else "", m.work_unit, m.job,
            ]

    return write_workbook(target, MEMBER_COLUMNS, lines(), title=SHEET_TITLE, notes=False)


def members_export(*, actor, params: dict[str, list[str]], full: bool = False, purpose: str = "") -> ExportOutcome:
    """Export the filtered roster (名册导出), masked or, with a stated purpose, in full.

    Up to ``EXPORT_INLINE_LIMIT`` rows the file is written now and returned; beyond that an
    :class:`Export` is queued for the worker. Either way one audit entry records the export.
    """
    if not has_any_scope(actor, "export"):
        raise PermissionDenied
    members = export_filter(actor, params)
    if not members.is_valid():
        raise ValidationError([e for errors in members.errors.values() for e in errors])
    rows = export_rows(actor, members)
    purpose = (purpose or "").strip()
    if full:
        if len(purpose) < 2:
            raise ValidationError({"purpose": _("State why you need the full personal data.")})
        if not _all_revealable(actor, rows):
            raise ValidationError({"full": _("Some of these members' personal data is not yours to see in full; "
                                             "export them masked or narrow the filters.")})
    count = rows.count()
    if not count:
        raise ValidationError(_("No member matches these filters; there is nothing to export."))
    changes = {"rows": count, "filters": urlencode(params, doseq=True), "full": full}
    organization = _audit_organization(actor, members)
    if count > settings.EXPORT_INLINE_LIMIT:
        with transaction.atomic():
            export = export_create(actor=actor, kind=Export.Kind.MEMBERS, params={"filters": params, "full": full},
                                   purpose=purpose, row_count=count)
            audit_log(actor=actor, action="member.exported", obj=export, organization=organization,
                      changes=changes | {"background": True}, note=purpose)
        return ExportOutcome(rows=count, export=export)
    # Written before the audit entry, outside the transaction: no write lock is held meanwhile.
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        written = write_rows(target, rows, full=full)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    with transaction.atomic():
        audit_log(actor=actor, action="member.exported", organization=organization,
                  changes=changes | {"rows": written}, note=purpose)
    return ExportOutcome(rows=written, file=target, filename=filename())


def write_export(export: Export, target) -> int:
    """The background writer of a queued roster export (see :mod:`dangjian.core.exports`)."""
    user = export.requested_by
    members = export_filter(user, export.params.get("filters", {}))
    if not members.is_valid():
        raise ValueError("The filters of this export are no longer valid.")
    rows = export_rows(user, members)
    if export.full and not _all_revealable(user, rows):
        raise PermissionDenied("The requester may no longer see these members' personal data in full.")
    return write_rows(target, rows, full=export.full)
