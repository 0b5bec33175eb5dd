"""The personal-data access report (个人信息访问报告) for auditors: who revealed, exported or read
protected personal data, when, about which object, and with which stated purpose.

It is read from the audit log only, scoped like the audit log page (the user's ``audit`` scope),
and shows no personal data itself: the audit entries hold field names, never values, and the
names of persons in them are masked here.
"""
import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from dangjian.organizations.models import Organization

from .access import user_scope
from .audit import ACTION_LABELS, action_label, audit_log
from .models import AuditEntry

REVEAL, EXPORT, READ = "reveal", "export", "read"
KIND_LABELS = {REVEAL: gettext_lazy("Personal data revealed"), EXPORT: gettext_lazy("Export or download"),
               READ: gettext_lazy("Sensitive record read")}
# Records of persons: their names are masked in the report.
PERSON_MODELS = {"members.member", "recruitment.applicant", "grid.household", "grid.servicerequest",
                 "volunteers.volunteer", "transfers.transfer"}
XLSX_ROW_LIMIT = 50000
# Actions that read protected personal data without revealing or exporting it: a tagged household
# opened, members looked up by a whole ID or phone number (the number itself is never logged).
READ_ACTIONS = frozenset({"household.read", "member.searched_by_number"})


def action_kind(code: str) -> str | None:
    """Which kind of personal-data access an action code is, or None for other actions."""
    if code.endswith("revealed"):
        return REVEAL
    if code.endswith("exported") or code.endswith("downloaded"):
        return EXPORT
    if code in READ_ACTIONS:
        return READ
    return None


def actions_of(kind: str | None = None) -> list[str]:
    """The audit action codes of one kind of access (all kinds when None)."""
    return [code for code in ACTION_LABELS if action_kind(code) and (kind is None or action_kind(code) == kind)]


def scoped_entries(user):
    """The personal-data access entries in the user's audit scope (as the audit log page scopes)."""
    scope = user_scope(user, "audit")
    entries = AuditEntry.objects.filter(action__in=actions_of()).select_related("organization", "content_type")
    if scope.empty:
        return entries.none()
    if not scope.everything:
        entries = entries.filter(organization__in=Organization.objects.restrict(user, "audit").values("pk"))
    return entries


@dataclass
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    actor: int | None = None
    kind: str = ""
    organization: Organization | None = None

    def apply(self, entries):
        if self.start:
            entries = entries.filter(at__date__gte=self.start)
        if self.end:
            entries = entries.filter(at__date__lte=self.end)
        if self.actor:
            entries = entries.filter(actor_id=self.actor)
        if self.kind:
            entries = entries.filter(action__in=actions_of(self.kind))
        if self.organization is not None:
            entries = entries.filter(organization__path__startswith=self.organization.path)
        return entries


def masked_object(entry: AuditEntry) -> str:
    """The entry's object as the report shows it: a person's name masked (张** #12)."""
    if not entry.object_repr:
        return ""
    label = entry.content_type and f"{entry.content_type.app_label}.{entry.content_type.model}"
    if label in PERSON_MODELS:
        name = entry.object_repr
        return f"{name[:1]}{'*' * min(max(len(name) - 1, 1), 3)} #{entry.object_id}"
    return entry.object_repr


def purpose_of(entry: AuditEntry) -> str:
    return entry.note


def summary(entries) -> dict:
    """Counts per actor, per purpose and per kind of the filtered entries."""
    per_actor = list(entries.values("actor_id", "actor_name").annotate(n=Count("id")).order_by("-n", "actor_name")[:20])
    per_purpose = list(entries.values("note").annotate(n=Count("id")).order_by("-n", "note")[:20])
    kinds = {kind: entries.filter(action__in=actions_of(kind)).count() for kind in KIND_LABELS}
    without_purpose = entries.filter(Q(note="") & Q(action__in=actions_of(REVEAL) + actions_of(EXPORT))).count()
    return {"per_actor": per_actor, "per_purpose": per_purpose, "kinds": kinds, "without_purpose": without_purpose}


def report_xlsx(entries) -> bytes:
    """The filtered entries and the counts as a workbook (at most ``XLSX_ROW_LIMIT`` rows)."""
    with translation.override("zh-hans"):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Personal-data access"))
        sheet.append([_("Time"), _("Who"), _("Kind"), _("What"), _("Object"), _("Organization"), _("Purpose")])
        for e in entries[:XLSX_ROW_LIMIT].iterator(chunk_size=2000):
            kind = action_kind(e.action)
            sheet.append([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.actor_name or _("system"),
                          str(KIND_LABELS[kind]) if kind else "", action_label(e.action), masked_object(e),
                          e.organization.name if e.organization_id else "", purpose_of(e)])
        counts = summary(entries)
        actors = workbook.create_sheet(_("By person"))
        actors.append([_("Who"), _("Entries")])
        for row in counts["per_actor"]:
            actors.append([row["actor_name"] or _("system"), row["n"]])
        purposes = workbook.create_sheet(_("By purpose"))
        purposes.append([_("Purpose"), _("Entries")])
        for row in counts["per_purpose"]:
            purposes.append([row["note"] or _("(none stated)"), row["n"]])
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


def privacy_report_export(*, actor, entries, organization: Organization | None = None, filters: str = "") -> bytes:
    """The report's spreadsheet of ``entries`` for ``actor``, and one audit entry for the download
    (``audit.exported``: the filters as given and how many rows the file holds)."""
    content = report_xlsx(entries)
    with transaction.atomic():
        audit_log(actor=actor, action="audit.exported", organization=organization,
                  changes={"filters": filters, "count": min(entries.count(), XLSX_ROW_LIMIT)})
    return content
