"""Documents of organizational life: the meeting record and the yearly meeting ledger as Word
files, and the study-hours ledger as an Excel file.

Everything is derived from the records (``Meeting``, ``Attendance``, ``Resolution``) and from
the study standings; nothing is stored. The Word files follow the official document layout of
GB/T 9704: A4 with margins of 37 / 35 / 28 / 26 mm, the body in 仿宋_GB2312 16 pt (三号) with
an exact line spacing of 28 pt, the title in 方正小标宋简体 22 pt (二号), headings in 黑体.
A font missing on the reader's machine falls back to the name listed as its alternative in
the document's font table (仿宋, 小标宋, 黑体).

Labels go through gettext and are written in the file language (Chinese), as the other files
of the platform are. These are plain functions: the views check access and write the audit log.
"""
from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from dangjian.core.spreadsheets import FILE_LANGUAGE, Column, bool_label, write_workbook
from dangjian.organizations.models import Organization

from .choices import AttendanceStatus, MeetingKind, MeetingStatus
from .models import Attendance, Meeting

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704 layout.
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Fallbacks written to the font table as each font's alternative name.
FONT_FALLBACKS = {BODY_FONT: "仿宋", TITLE_FONT: "小标宋", HEADING_FONT: "SimHei", PAGE_NUMBER_FONT: "SimSun"}
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
TABLE_SIZE = Pt(14)
LINE_SPACING = Pt(28)
TABLE_LINE_SPACING = Pt(22)
INDENT = Pt(32)  # two characters of the body font
MARGINS = {"top_margin": Mm(37), "bottom_margin": Mm(35), "left_margin": Mm(28), "right_margin": Mm(26)}
A4 = (Mm(210), Mm(297))

WEEKDAYS = "一二三四五六日"
HEADING_NUMBERS = "一二三四五六七八九十"
LIST_SEPARATOR = "、"


# ---------------------------------------------------------------------------------------------
# Formatting


def format_when(moment: datetime.datetime) -> str:
    """2026年3月5日 星期四 09:00, in local time."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 星期{WEEKDAYS[local.weekday()]} {local:%H:%M}"


def format_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_hours(value) -> str:
    """2 for 2.0, 1.5 for 1.50."""
    value = Decimal(value or 0)
    return format(value.normalize(), "f") if value else "0"


def _people(count: int) -> str:
    return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}


def _names(rows: Iterable[Attendance]) -> str:
    return LIST_SEPARATOR.join(a.member.name for a in rows) or "—"


# ---------------------------------------------------------------------------------------------
# The Word document


def _set_fonts(run, east_asia: str, size):
    """Latin text in Times New Roman, East Asian text in ``east_asia`` (w:eastAsia on rFonts)."""
    run.font.size = size
    run.font.name = LATIN_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN_FONT)


def _exact_spacing(paragraph, spacing=LINE_SPACING):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = spacing
    fmt.space_before = fmt.space_after = Pt(0)


def _register_fallbacks(document):
    """List each font in the font table with its fallback name (w:altName)."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    present = {f.get(qn("w:name")) for f in table.findall(qn("w:font"))}
    for name, fallback in FONT_FALLBACKS.items():
        if name in present:
            continue
        table.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/>'
            f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'))
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number_footer(section):
    """— 1 — centred at the foot of each page (GB/T 9704 page numbers)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, TABLE_SIZE)
    for kind, text in (("begin", ""), ("", " PAGE "), ("separate", ""), ("", "1"), ("end", "")):
        run = paragraph.add_run()
        _set_fonts(run, PAGE_NUMBER_FONT, TABLE_SIZE)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _set_fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, TABLE_SIZE)


class DocumentWriter:
    """A GB/T 9704 Word document built paragraph by paragraph."""

    def __init__(self, title: str):
        self.document = Document()
        self.document.core_properties.title = title
        self.document.core_properties.author = ""
        self.document.core_properties.comments = ""
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        normal.font.name = LATIN_FONT
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE_SPACING
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        section = self.document.sections[0]
        section.page_width, section.page_height = A4
        for name, value in MARGINS.items():
            setattr(section, name, value)
        _page_number_footer(section)
        _register_fallbacks(self.document)
        self.started = False
        self.headings = 0

    def _paragraph(self, *, page_break=False):
        paragraph = self.document.add_paragraph()
        _exact_spacing(paragraph)
        if page_break and self.started:
            paragraph.paragraph_format.page_break_before = True
        self.started = True
        return paragraph

    def title(self, text: str, *, page_break=False):
        self.headings = 0
        paragraph = self._paragraph(page_break=page_break)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # A 22 pt title on a 28 pt grid would clip: the title lines get 36 pt and a blank line after.
        _exact_spacing(paragraph, Pt(36))
        paragraph.paragraph_format.space_after = LINE_SPACING
        paragraph.paragraph_format.keep_with_next = True
        _set_fonts(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
        return paragraph

    def heading(self, text: str):
        """一、参会情况: numbered in Chinese numerals, restarting with each title."""
        self.headings += 1
        text = f"{HEADING_NUMBERS[self.headings - 1]}、{text}"
        paragraph = self._paragraph()
        paragraph.paragraph_format.first_line_indent = INDENT
        paragraph.paragraph_format.keep_with_next = True
        _set_fonts(paragraph.add_run(text), HEADING_FONT, BODY_SIZE)
        return paragraph

    def text(self, text: str, *, label: str = ""):
        """A body paragraph, indented two characters; ``label`` first (``时间：``)."""
        paragraph = self._paragraph()
        paragraph.paragraph_format.first_line_indent = INDENT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if label:
            _set_fonts(paragraph.add_run(f"{label}："), BODY_FONT, BODY_SIZE)
        _set_fonts(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
        return paragraph

    def lines(self, text: str):
        """Multi-line text (agenda, minutes) as one paragraph per non-empty line."""
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        for line in lines or ["—"]:
            self.text(line)

    def blank(self):
        return self._paragraph()

    def table(self, headers: list[str], rows: list[list[str]], widths_mm: list[int]):
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row_values, cells in [(headers, table.rows[0].cells),
                                  *((r, table.add_row().cells) for r in rows)]:
            for cell, value, width in zip(cells, row_values, widths_mm, strict=True):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                _exact_spacing(paragraph, TABLE_LINE_SPACING)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                font = HEADING_FONT if row_values is headers else BODY_FONT
                _set_fonts(paragraph.add_run(str(value)), font, TABLE_SIZE)
        header = table.rows[0]._tr.get_or_add_trPr()
        header.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))  # repeated on each page
        self.started = True
        return table

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def meeting_title(meeting: Meeting) -> str:
    return _("%(organization)s %(kind)s record") % {
        "organization": meeting.organization.name, "kind": MeetingKind(meeting.kind).label}


def _meeting_queryset():
    attendances = Attendance.objects.select_related("member").only(
        "meeting_id", "status", "leave_reason", "voting", "member__name").order_by("id")
    return Meeting.objects.select_related("organization", "host", "recorder").prefetch_related(
        Prefetch("attendances", queryset=attendances), "resolutions", "joint_organizations")


def _write_meeting(writer: DocumentWriter, meeting: Meeting, *, page_break: bool = False):
    writer.title(meeting_title(meeting), page_break=page_break)
    writer.text(meeting.topic, label=_("Topic"))
    writer.text(format_when(meeting.starts_at), label=_("Time"))
    place = meeting.place or ""
    if meeting.online:
        place = f"{place}（{_('held online')}）" if place else _("held online")
    writer.text(place or "—", label=_("Place"))
    joint = [o.name for o in meeting.joint_organizations.all()]
    if joint:
        writer.text(LIST_SEPARATOR.join(joint), label=_("Held jointly with"))
    writer.text(meeting.host.name if meeting.host else "—", label=_("Host"))
    writer.text(meeting.recorder.name if meeting.recorder else "—", label=_("Recorder"))

    rows = list(meeting.attendances.all())
    by_status = {status: [a for a in rows if a.status == status] for status in AttendanceStatus.values}
    writer.heading(_("Attendance"))
    writer.text(_people(len(rows)), label=_("Invited"))
    present = by_status[AttendanceStatus.PRESENT]
    writer.text(f"{_people(len(present))}，{_names(present)}", label=_("Present"))
    leave = by_status[AttendanceStatus.LEAVE]
    leave_names = LIST_SEPARATOR.join(
        f"{a.member.name}（{a.leave_reason}）" if a.leave_reason else a.member.name for a in leave) or "—"
    writer.text(f"{_people(len(leave))}，{leave_names}", label=_("On leave"))
    absent = by_status[AttendanceStatus.ABSENT]
    writer.text(f"{_people(len(absent))}，{_names(absent)}", label=_("Absent"))
    unmarked = by_status[AttendanceStatus.INVITED]
    if unmarked:
        writer.text(f"{_people(len(unmarked))}，{_names(unmarked)}", label=_("Attendance not recorded"))

    writer.heading(_("Agenda"))
    writer.lines(meeting.agenda)
    writer.heading(_("Minutes"))
    writer.lines(meeting.minutes)

    writer.heading(_("Resolutions"))
    resolutions = list(meeting.resolutions.all())
    if not resolutions:
        writer.text(_("No resolutions were put to the vote."))
    for number, resolution in enumerate(resolutions, start=1):
        writer.text(f"{number}. {resolution.text}")
        verdict = _("passed") if resolution.passed else _("not passed")
        votes = _("For %(for)d, against %(against)d, abstentions %(abstentions)d: %(verdict)s") % {
            "for": resolution.votes_for, "against": resolution.votes_against,
            "abstentions": resolution.abstentions, "verdict": verdict}
        if resolution.rule_version:
            votes = f"{votes}（{_('rule version')} {resolution.rule_version}）"
        writer.text(votes)

    writer.heading(_("Study hours"))
    writer.text(_("%(hours)s hours to each member present") % {"hours": format_hours(meeting.study_hours)},
                label=_("Study hours credited"))
    writer.text(meeting.rule_version or "—", label=_("Rule version"))
    if meeting.status != MeetingStatus.RECORDED:
        writer.text(_("This meeting has not been recorded yet: %(status)s.") % {
            "status": MeetingStatus(meeting.status).label})


def meeting_record_docx(meeting: Meeting) -> bytes:
    """The record of one meeting (会议记录) as a Word document."""
    with translation.override(FILE_LANGUAGE):
        meeting = _meeting_queryset().get(pk=meeting.pk)
        writer = DocumentWriter(meeting_title(meeting))
        _write_meeting(writer, meeting)
        return writer.bytes()


def ledger_meetings(organization: Organization, year: int):
    """The recorded meetings of ``organization`` in ``year`` (local time), joint ones included,
    oldest first."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    ids = Meeting.objects.filter(Q(organization=organization) | Q(joint_organizations=organization),
                                 status=MeetingStatus.RECORDED, starts_at__gte=start, starts_at__lt=end).values("pk")
    return _meeting_queryset().filter(pk__in=ids).order_by("starts_at", "id").annotate(
        n_invited=Count("attendances", distinct=True),
        n_present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True),
    )


def meeting_ledger_docx(organization: Organization, year: int) -> bytes:
    """The yearly meeting ledger (会议记录本) of an organization: a cover, a table of the recorded
    meetings, then each meeting's record on its own pages."""
    with translation.override(FILE_LANGUAGE):
        meetings = list(ledger_meetings(organization, year))
        title = _("Meeting ledger")
        writer = DocumentWriter(f"{organization.name} {year} {title}")
        for _blank in range(4):
            writer.blank()
        cover = writer.title(organization.name)
        cover.paragraph_format.space_after = Pt(0)
        writer.title(_("%(year)d meeting ledger") % {"year": year})
        writer.blank()
        counted = writer.text(ngettext("%(count)d meeting recorded", "%(count)d meetings recorded", len(meetings)) % {
            "count": len(meetings)})
        counted.alignment = WD_ALIGN_PARAGRAPH.CENTER
        counted.paragraph_format.first_line_indent = Pt(0)

        writer.title(_("Contents"), page_break=True)
        writer.table(
            [_("No."), _("Date"), _("Kind"), _("Topic"), _("Present / invited")],
            [[str(number), format_date(timezone.localdate(m.starts_at)), str(MeetingKind(m.kind).label), m.topic,
              f"{m.n_present}/{m.n_invited}"] for number, m in enumerate(meetings, start=1)],
            [12, 36, 36, 50, 22],
        )
        if not meetings:
            writer.text(_("No meeting was recorded in %(year)d.") % {"year": year})
        for meeting in meetings:
            _write_meeting(writer, meeting, page_break=True)
        return writer.bytes()


# ---------------------------------------------------------------------------------------------
# The study-hours ledger


def study_hours_columns() -> list[Column]:
    with translation.override(FILE_LANGUAGE):
        return [
            Column(_("Name"), "name", width=12),
            Column(_("Organization"), "organization", width=30),
            Column(_("Secretary or committee member"), "leader", width=14),
            Column(_("Study hours"), "hours", width=10),
            Column(_("Target hours"), "target", width=10),
            Column(_("Hours short"), "short", width=10),
        ]


def study_hours_xlsx(standings, year: int) -> bytes:
    """The study-hours ledger (学时台账) for a list of ``StudyStanding``: one row per member."""
    standings = list(standings)
    prefetch_related_objects([s.member for s in standings], "organization")

    def rows():
        for s in standings:
            yield [s.member.name, s.member.organization.name, bool_label(s.leader),
                   _number(s.hours), s.target, _number(s.short)]

    with translation.override(FILE_LANGUAGE):
        title = _("Study hours %(year)d") % {"year": year}
    out = io.BytesIO()
    write_workbook(out, study_hours_columns(), rows(), title=title[:31], notes=False)
    return out.getvalue()


def _number(value) -> int | float:
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)

