"""Inspection packs (迎检台账包): the ledgers of one organization's subtree for a period, as one zip of
Word and Excel files, written by the background worker through the one export path
(:mod:`dangjian.core.exports`).

The files, in the order of the zip:

- ``00-封面和目录.docx``: organization, period, who asked for it and when, the files, and the key
  figures of the subtree at the period's end (``figures.compute``);
- ``01-三会一课登记.xlsx``: the meetings recorded in the period, with attendance counts: those of the
  subtree's organizations and those held jointly with one (as the figures count them);
- ``02-会议记录.docx``: each of those meetings' records (the orglife meeting record);
- ``03-学习学时.xlsx``: the members on the roll at the period's end with their study hours in the
  period by source, and the hours of the year against the year's target;
- ``04-党费收缴.xlsx``: the dues of each year of the period: a sheet of the subtree's organizations and
  a sheet of each member's payments per month (the branch ledgers);
- ``05-活动记录.xlsx``: theme days, volunteer activities, wishes fulfilled and co-building projects;
- ``06-评星定级.xlsx``: the assessment results of the subtree's organizations approved in the period.

Every query reads one part (the dues: one year) for the whole subtree at once; no query is run per
member or per organization, so a street's pack takes the queries of a branch's. The requester's
right to export the organization is checked again when the pack is written. Personal data is
limited to names. File contents are written in the file language (Chinese) through gettext, as the
platform's other files are.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.exports import export_create, export_progress
from dangjian.core.models import Export
from dangjian.core.spreadsheets import FILE_LANGUAGE
from dangjian.organizations.models import Organization

from . import figures as stats
from .figures.base import FIRST_DAY, Scope
from .formatting import format_value

# The longest period a pack covers (its dues part holds one ledger per year).
MAX_YEARS = 3

FILES = {
    "cover": "00-封面和目录.docx",
    "meetings": "01-三会一课登记.xlsx",
    "minutes": "02-会议记录.docx",
    "study": "03-学习学时.xlsx",
    "dues": "04-党费收缴.xlsx",
    "activities": "05-活动记录.xlsx",
    "ratings": "06-评星定级.xlsx",
}


# ---------------------------------------------------------------------------------------------
# Requesting a pack


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The year to date."""
    return datetime.date(today.year, 1, 1), today


def check_period(start: datetime.date, end: datetime.date, *, today: datetime.date) -> None:
    """Refuse a period that ends before it starts, starts before :data:`~.figures.base.FIRST_DAY`, lies in
    the future or is longer than :data:`MAX_YEARS`."""
    if start < FIRST_DAY:
        raise ValidationError({"date_from": _("The period cannot start before %(day)s.")
                               % {"day": FIRST_DAY.isoformat()}})
    if end < start:
        raise ValidationError({"date_to": _("The end of the period cannot be before its start.")})
    if end > today:
        raise ValidationError({"date_to": _("The period cannot end in the future.")})
    if end.year - start.year >= MAX_YEARS:
        raise ValidationError({"date_from": _("A pack covers at most %(years)d calendar years.") % {"years": MAX_YEARS}})


def pack_request(*, actor, organization: Organization, start: datetime.date, end: datetime.date) -> Export:
    """Ask for the inspection pack of ``organization``'s subtree for [start, end]: checked, audited, and
    handed to the background worker."""
    if not can(actor, "export", organization):
        raise PermissionDenied
    check_period(start, end, today=timezone.localdate())
    with transaction.atomic():
        export = export_create(actor=actor, kind=Export.Kind.INSPECTION_PACK,
                               params={"org": organization.pk, "from": start.isoformat(), "to": end.isoformat()})
        audit_log(actor=actor, action="inspection_pack.requested", obj=export, organization=organization,
                  changes={"from": start.isoformat(), "to": end.isoformat()})
    return export


def pack_filename(export: Export) -> str:
    """The name the pack is downloaded under: 迎检台账包-<organization>-<from>-<to>.zip."""
    org = Organization.objects.filter(pk=export.params.get("org")).values_list("name", flat=True).first() or ""
    with translation.override(FILE_LANGUAGE):
        title = _("Inspection pack")
    parts = [title, org, export.params.get("from", "").replace("-", ""), export.params.get("to", "").replace("-", "")]
    return "-".join(p for p in parts if p) + ".zip"


# ---------------------------------------------------------------------------------------------
# Small writers


def _sheet(workbook: Workbook, title: str, headers: list[str], rows, widths: list[int] | None = None) -> int:
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, str(header))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    count = 0
    for row in rows:
        sheet.append([_cell(v) for v in row])
        count += 1
    return count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None:
        return ""
    return value if isinstance(value, (int, float, datetime.date)) else str(value)


def _workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes [start 00:00, day after end 00:00) in local time."""
    return (timezone.make_aware(datetime.datetime.combine(start, datetime.time())),
            timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())))


# ---------------------------------------------------------------------------------------------
# The parts


class Pack:
    """One pack being written: the organization, the period, the files and rows written so far."""

    def __init__(self, export: Export):
        params = export.params
        self.export = export
        self.organization = Organization.objects.get(pk=params["org"])
        self.start = datetime.date.fromisoformat(params["from"])
        self.end = datetime.date.fromisoformat(params["to"])
        self.scope = Scope(self.organization, self.end)
        self.files: dict[str, bytes] = {}
        self.counts: dict[str, int] = {}

    def progress(self, percent: float) -> None:
        export_progress(self.export, int(percent))

    # -- meetings ----------------------------------------------------------------------------

    def held(self):
        """Meetings recorded as held in the period by an organization of the subtree, or held jointly with
        one (as the figures count them: ``figures.orglife.held_meetings``)."""
        from dangjian.orglife.choices import MeetingStatus
        from dangjian.orglife.models import Meeting

        low, high = _bounds(self.start, self.end)
        joint = Meeting.objects.filter(self.scope.org_q("joint_organizations")).values("pk")
        return Meeting.objects.filter(self.scope.org_q() | Q(pk__in=joint), status=MeetingStatus.RECORDED,
                                      starts_at__gte=low, starts_at__lt=high)

    def meetings(self):
        from dangjian.orglife.choices import AttendanceStatus

        return (self.held().select_related("organization", "host").order_by("starts_at", "id")
                .prefetch_related(Prefetch("joint_organizations", queryset=Organization.objects.order_by("path")))
                .annotate(n_invited=Count("attendances"),
                          n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
                          n_leave=Count("attendances", filter=Q(attendances__status=AttendanceStatus.LEAVE)),
                          n_absent=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT))))

    def write_meetings(self) -> list[int]:
        from dangjian.orglife.choices import MeetingKind

        meetings = list(self.meetings())
        workbook = Workbook(write_only=True)
        headers = [_("Date"), _("Organization"), _("Kind"), _("Topic"), _("Place"), _("Host"), _("Invited"),
                   _("Present"), _("On leave"), _("Absent"), _("Minutes recorded"), _("Held jointly with")]
        rows = ([_day(m.starts_at), m.organization.name, MeetingKind(m.kind).label, m.topic,
                 m.place or (_("held online") if m.online else ""), m.host.name if m.host else "", m.n_invited,
                 m.n_present, m.n_leave, m.n_absent, _yes(bool(m.minutes.strip())),
                 "、".join(o.name for o in m.joint_organizations.all())] for m in meetings)
        self.counts["meetings"] = _sheet(workbook, _("Meetings"), headers, rows,
                                         [12, 28, 18, 30, 20, 10, 8, 8, 8, 8, 10, 30])
        self.files[FILES["meetings"]] = _workbook_bytes(workbook)
        return [m.pk for m in meetings]

    def write_minutes(self, ids: list[int], low: float, high: float) -> None:
        from dangjian.orglife.documents import DocumentWriter, _meeting_queryset, _write_meeting

        writer = DocumentWriter(f"{self.organization.name} {_('Meeting records')}")
        if not ids:
            writer.title(_("Meeting records"))
            writer.text(_("No meeting was recorded in the period."))
        chunk = 50
        for first in range(0, len(ids), chunk):
            part = ids[first:first + chunk]
            for meeting in _meeting_queryset().filter(pk__in=part).order_by("starts_at", "id"):
                _write_meeting(writer, meeting, page_break=True)
            self.progress(low + (high - low) * (first + len(part)) / len(ids))
        self.counts["minutes"] = len(ids)
        self.files[FILES["minutes"]] = writer.bytes()

    # -- study -------------------------------------------------------------------------------

    def write_study(self) -> None:
        from dangjian.members.models import Member
        from dangjian.orglife.choices import StudySource
        from dangjian.orglife.models import StudyRecord
        from dangjian.orglife.selectors import study_standings

        from .figures.members import on_roll

        periods = list(on_roll(self.scope).order_by("organization__path", "member__name", "member_id")
                       .values_list("member_id", "organization__name"))
        ids = [member_id for member_id, _org in periods]
        members = Member.objects.filter(pk__in=ids).without_protected().only("pk", "name")
        names = {m.pk: m for m in members}
        by_source: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for member_id, source, hours in (StudyRecord.objects.filter(member_id__in=ids, on__gte=self.start,
                                                                    on__lte=self.end)
                                         .values_list("member_id", "source").annotate(h=Sum("hours")).order_by()):
            by_source[member_id][source] = hours
        standings = {s.member.pk: s for s in study_standings(list(names.values()), self.end.year,
                                                             organization=self.organization)}
        sources = list(StudySource.choices)
        headers = [_("Name"), _("Organization"), *[label for _code, label in sources], _("Hours in the period"),
                   _("Hours in %(year)d") % {"year": self.end.year}, _("Yearly target"),
                   _("Secretary or committee member")]

        def rows():
            for member_id, org_name in periods:
                hours = by_source.get(member_id, {})
                standing = standings.get(member_id)
                yield [names[member_id].name if member_id in names else "", org_name,
                       *[hours.get(code, Decimal(0)) for code, _label in sources],
                       sum(hours.values(), Decimal(0)), standing.hours if standing else "",
                       standing.target if standing else "", _yes(standing.leader) if standing else ""]

        workbook = Workbook(write_only=True)
        self.counts["study"] = _sheet(workbook, _("Study hours"), headers, rows(),
                                      [10, 28, *[10] * len(sources), 10, 10, 10, 12])
        self.files[FILES["study"]] = _workbook_bytes(workbook)

    # -- dues --------------------------------------------------------------------------------

    def write_dues(self, low: float, high: float) -> None:
        """Each year of the period: the subtree ledger (a line per organization) and each member's months
        as the organizations' branch ledgers show them, read for the whole subtree at once."""
        from dangjian.dues.choices import CellState
        from dangjian.dues.selectors import subtree_ledger

        workbook = Workbook(write_only=True)
        years = list(range(self.start.year, self.end.year + 1))
        summary_headers = [_("Year"), _("Organization"), _("Members"), _("Due (yuan)"), _("Paid (yuan)"),
                           _("Voluntary extra (yuan)"), _("Collection rate (%)")]
        detail_headers = [_("Year"), _("Organization"), _("Name"),
                          *[_("Month %(month)d") % {"month": n} for n in range(1, 13)],
                          _("Due (yuan)"), _("Paid (yuan)"), _("Voluntary extra (yuan)")]
        summary, detail = [], []
        for index, year in enumerate(years, start=1):
            as_of = min(self.end, datetime.date(year, 12, 31))
            ledger = subtree_ledger(self.organization, year, as_of=as_of)
            for r in [*ledger.rows, ledger.total]:
                name = r.organization.name if r is not ledger.total else _("Total")
                summary.append([year, name, r.members, r.due, r.paid, r.extra, r.rate if r.rate is not None else ""])
            for organization, row in branch_ledger_rows([line.organization for line in ledger.rows], year, as_of):
                name = row.member.name if row.current else f"{row.member.name}（{_('left')}）"
                cells = [(c.paid + c.extra) if c.state == CellState.PAID and c.counted else "" for c in row.cells]
                detail.append([year, organization.name, name, *cells, row.due, row.paid, row.extra])
            self.progress(low + (high - low) * index / len(years))
        _sheet(workbook, _("Dues by organization"), summary_headers, summary, [8, 30, 8, 12, 12, 12, 10])
        self.counts["dues"] = _sheet(workbook, _("Dues by member"), detail_headers, detail,
                                     [8, 28, 10, *[9] * 12, 11, 11, 11])
        self.files[FILES["dues"]] = _workbook_bytes(workbook)

    # -- activities --------------------------------------------------------------------------

    def write_activities(self) -> None:
        from dangjian.cobuilding.models import JointProject
        from dangjian.orglife.choices import AttendanceStatus, MeetingKind
        from dangjian.volunteers.choices import ActivityStatus
        from dangjian.volunteers.models import VolunteerActivity
        from dangjian.wishes.models import Wish

        low, high = _bounds(self.start, self.end)
        org_q = self.scope.org_q
        workbook = Workbook(write_only=True)
        count = 0

        theme_days = (self.held().filter(kind=MeetingKind.THEME_DAY)
                      .select_related("organization").order_by("starts_at", "id")
                      .annotate(n_present=Count("attendances",
                                                filter=Q(attendances__status=AttendanceStatus.PRESENT))))
        count += _sheet(workbook, _("Theme days"),
                        [_("Date"), _("Organization"), _("Topic"), _("Place"), _("Present")],
                        ([_day(m.starts_at), m.organization.name, m.topic, m.place, m.n_present] for m in theme_days),
                        [12, 28, 30, 20, 8])

        activities = (VolunteerActivity.objects.filter(org_q("team__organization"), status=ActivityStatus.HELD,
                                                       date__gte=self.start, date__lte=self.end)
                      .select_related("team__organization").order_by("date", "id")
                      .annotate(n_served=Count("needs__signups", filter=Q(needs__signups__hours__gt=0)),
                                hours=Sum("needs__signups__hours")))
        count += _sheet(workbook, _("Volunteer activities"),
                        [_("Date"), _("Organization"), _("Team"), _("Activity"), _("Place"), _("Volunteers served"),
                         _("Service hours")],
                        ([a.date, a.team.organization.name, a.team.name, a.title, a.place, a.n_served,
                          a.hours or Decimal(0)] for a in activities),
                        [12, 28, 20, 30, 20, 10, 10])

        wishes = (Wish.objects.filter(org_q(), fulfilled_at__gte=low, fulfilled_at__lt=high)
                  .select_related("organization", "claimed_by").order_by("fulfilled_at", "id"))
        count += _sheet(workbook, _("Wishes fulfilled"),
                        [_("Fulfilled on"), _("Organization"), _("Wish"), _("Category"), _("Fulfilled by")],
                        ([_day(w.fulfilled_at), w.organization.name, w.text, w.get_category_display(),
                          w.claimed_unit or (str(w.claimed_by) if w.claimed_by else "")] for w in wishes),
                        [12, 28, 40, 12, 20])

        projects = (JointProject.objects.filter(org_q(), starts_on__lte=self.end)
                    .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.start))
                    .select_related("organization").prefetch_related(Prefetch("units")).order_by("starts_on", "id"))
        count += _sheet(workbook, _("Co-building projects"),
                        [_("Start"), _("End"), _("Organization"), _("Project"), _("Area"), _("Units involved"),
                         _("Status"), _("Outcomes")],
                        ([p.starts_on, p.ends_on, p.organization.name, p.title, p.get_area_display(),
                          "、".join(u.name for u in p.units.all()), p.get_status_display(), p.outcomes]
                         for p in projects),
                        [12, 12, 28, 30, 12, 30, 10, 40])
        self.counts["activities"] = count
        self.files[FILES["activities"]] = _workbook_bytes(workbook)

    # -- ratings -----------------------------------------------------------------------------

    def write_ratings(self) -> None:
        from dangjian.assessment.choices import AssessmentStatus
        from dangjian.assessment.models import Assessment, CriterionResult, Grade

        low, high = _bounds(self.start, self.end)
        not_met = CriterionResult.objects.filter(met=False).select_related("criterion").order_by("criterion__order")
        assessments = list(Assessment.objects.filter(self.scope.org_q(), status=AssessmentStatus.APPROVED,
                                                     approved_at__gte=low, approved_at__lt=high)
                           .select_related("organization", "cycle__scheme")
                           .prefetch_related(Prefetch("results", queryset=not_met, to_attr="not_met"))
                           .order_by("approved_at", "organization__path"))
        schemes = {a.cycle.scheme_id for a in assessments}
        grades = {(s, c): n for s, c, n in Grade.objects.filter(scheme__in=schemes).values_list("scheme", "code", "name")}
        workbook = Workbook(write_only=True)
        self.counts["ratings"] = _sheet(
            workbook, _("Assessment results"),
            [_("Approved on"), _("Organization"), _("Cycle"), _("Scheme"), _("Grade"), _("Stars"), _("Points"),
             _("Vetoed"), _("Criteria not met")],
            ([_day(a.approved_at), a.organization.name, a.cycle.name, a.cycle.scheme.name,
              grades.get((a.cycle.scheme_id, a.grade), a.grade), a.stars, a.points, _yes(a.vetoed),
              "；".join(r.criterion.name for r in a.not_met)] for a in assessments),
            [12, 28, 24, 24, 12, 8, 8, 8, 50])
        self.files[FILES["ratings"]] = _workbook_bytes(workbook)

    # -- cover -------------------------------------------------------------------------------

    def key_figures(self) -> list[tuple[str, str, str]]:
        """(section, figure, value) of every single-valued figure of the subtree at the period's end."""
        answer = stats.compute(self.scope)
        lines = []
        for section in stats.SECTIONS:
            for figure in section.figures:
                value = stats.dig(answer.get(section.code, {}), figure.code)
                if value is None or isinstance(value, dict):
                    continue
                lines.append((str(section.label), str(figure.label), format_value(value, figure.unit)))
        return lines

    def write_cover(self) -> None:
        from dangjian.orglife.documents import DocumentWriter, format_date

        requester = self.export.requested_by
        title = _("Inspection pack")
        writer = DocumentWriter(f"{self.organization.name} {title}")
        for _blank in range(3):
            writer.blank()
        writer.title(self.organization.name)
        writer.title(title)
        writer.text(f"{format_date(self.start)} — {format_date(self.end)}", label=_("Period"))
        writer.text(str(requester) if requester else "—", label=_("Prepared by"))
        writer.text(timezone.localtime().strftime("%Y-%m-%d %H:%M"), label=_("Prepared at"))
        writer.heading(_("Contents"))
        contents = [
            (FILES["cover"], _("Cover, contents and key figures"), ""),
            (FILES["meetings"], _("Register of meetings"), self.counts.get("meetings", 0)),
            (FILES["minutes"], _("Meeting records"), self.counts.get("minutes", 0)),
            (FILES["study"], _("Study hours of the members"), self.counts.get("study", 0)),
            (FILES["dues"], _("Dues ledger"), self.counts.get("dues", 0)),
            (FILES["activities"], _("Activities"), self.counts.get("activities", 0)),
            (FILES["ratings"], _("Assessment results"), self.counts.get("ratings", 0)),
        ]
        writer.table([_("File"), _("Contents"), _("Records")], [[n, c, str(r)] for n, c, r in contents], [62, 62, 22])
        writer.heading(_("Key figures on %(day)s") % {"day": format_date(self.end)})
        figures = self.key_figures()
        if figures:
            writer.table([_("Area"), _("Figure"), _("Value")], [list(f) for f in figures], [36, 80, 30])
        else:
            writer.text(_("No figures are available."))
        self.files[FILES["cover"]] = writer.bytes()


def _by_name(member) -> tuple:
    return member.name_pinyin, member.pk


def branch_ledger_rows(organizations: list[Organization], year: int, as_of: datetime.date):
    """(organization, row) of the branch ledgers (``dues.selectors.branch_ledger``) of ``organizations``
    for ``year``, in their order, with the same rows and totals, read in a fixed number of queries
    whatever the number of organizations: every member on the roll of one of them, and those who have
    left one but paid there that year."""
    from dangjian.dues.calculation import DuesRules
    from dangjian.dues.models import DuesPayment
    from dangjian.dues.selectors import (
        PAYMENT_FIELDS,
        LedgerRow,
        MemberDues,
        _cells,
        _members_with_last_paid,
        _total_row,
    )
    from dangjian.members.choices import ON_ROLL
    from dangjian.members.models import Member

    if not organizations:
        return
    org_ids = [o.pk for o in organizations]
    rules = DuesRules()
    members = Member.objects.filter(organization__in=org_ids, status__in=ON_ROLL)
    current: dict[int, list] = defaultdict(list)
    # In the members' order (a grouped query is not ordered by the model's ordering).
    for member in sorted(_members_with_last_paid(members, as_of), key=_by_name):
        current[member.organization_id].append(member)
    current_ids = {m.pk: org_id for org_id, rows in current.items() for m in rows}
    payments = list(DuesPayment.objects.filter(month__year=year).order_by()
                    .filter(Q(member__in=members.values("pk")) | Q(organization__in=org_ids))
                    .values_list(*PAYMENT_FIELDS, named=True))
    by_member: dict[int, dict] = defaultdict(dict)
    for p in payments:
        by_member[p.member_id][p.month] = p
    # Who paid at one of them that year without being on its roll now: its former members.
    known = set(org_ids)
    former_at: dict[int, set[int]] = defaultdict(set)  # member → organizations
    for p in payments:
        if p.organization_id in known and current_ids.get(p.member_id) != p.organization_id:
            former_at[p.member_id].add(p.organization_id)
    former: dict[int, list] = defaultdict(list)
    if former_at:
        for member in (Member.objects.filter(pk__in=list(former_at)).without_protected()
                       .select_related("organization").order_by("name_pinyin", "id")):
            for org_id in former_at[member.pk]:
                former[org_id].append(member)
    data = MemberDues(members, rules=rules)
    elsewhere = {p.organization_id for p in payments}
    names = dict(Organization.objects.filter(pk__in=elsewhere).values_list("pk", "name")) if elsewhere else {}
    for organization in organizations:
        for member in current.get(organization.pk, ()):
            cells, _used = _cells(member, year, as_of, data, by_member.get(member.pk, {}), current=True,
                                  own_org_id=organization.pk, org_names=names)
            yield organization, _total_row(LedgerRow(member, cells, None, True))
        for member in former.get(organization.pk, ()):
            mine = {m: p for m, p in by_member.get(member.pk, {}).items() if p.organization_id == organization.pk}
            cells, _used = _cells(member, year, as_of, data, mine, current=False, own_org_id=organization.pk,
                                  org_names=names)
            yield organization, _total_row(LedgerRow(member, cells, None, False))


class PackRefused(PermissionDenied):
    """The requester may no longer export the records of the pack's organization."""


def check_requester(export: Export, organization: Organization) -> None:
    """Refuse to write the pack when its requester may no longer ``export`` in ``organization``."""
    from dangjian.accounts.models import User

    # Read afresh: a user object keeps the scope it computed once.
    requester = User.objects.filter(pk=export.requested_by_id).first() if export.requested_by_id else None
    if requester is None or not requester.is_active or not can(requester, "export", organization):
        raise PackRefused(_("The pack was not prepared: its requester may no longer export the records of "
                            "%(organization)s.") % {"organization": organization.name})


def write_pack(export: Export, target) -> int:
    """Write the zip of ``export`` to ``target``; the number of records in it. The requester's right to
    export the organization is checked again before the work starts and before the file is written."""
    with translation.override(FILE_LANGUAGE):
        pack = Pack(export)
        check_requester(export, pack.organization)
        pack.progress(1)
        ids = pack.write_meetings()
        pack.progress(8)
        pack.write_minutes(ids, 8, 35)
        pack.write_study()
        pack.progress(45)
        pack.write_dues(45, 80)
        pack.write_activities()
        pack.progress(88)
        pack.write_ratings()
        pack.progress(92)
        pack.write_cover()
        pack.progress(98)
        check_requester(export, pack.organization)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in FILES.values():
                archive.writestr(name, pack.files[name])
    return sum(pack.counts.values())


def write_export(export: Export, target) -> int:
    """The writer of ``Export.Kind.INSPECTION_PACK`` (see :data:`dangjian.core.exports.WRITERS`)."""
    return write_pack(export, target)
