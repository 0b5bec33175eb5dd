"""The meeting record and the meeting ledger as Word files, the study-hours ledger as Excel."""
import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from dangjian.core.spreadsheets import FILE_LANGUAGE, bool_label
from dangjian.orglife import documents, selectors, services
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting

TZ = ZoneInfo("Asia/Shanghai")


def _(text):
    with translation.override(FILE_LANGUAGE):
        return str(translation.gettext(text))


def at(y, m, d, h=9):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def record_theme_day(personas, branch, when=None, topic="学习党的二十届四中全会精神"):
    meeting = services.meeting_plan(actor=personas["branch"], organization=branch, kind=MeetingKind.THEME_DAY,
                                    topic=topic, starts_at=when or at(2026, 3, 5), place="社区党群服务中心",
                                    agenda="一、领学全会公报\n二、讨论楼道清洁志愿服务")
    invited = list(meeting.attendances.select_related("member"))
    attendance = {a.member_id: (AttendanceStatus.PRESENT, "") for a in invited[:20]}
    attendance[invited[20].member_id] = (AttendanceStatus.LEAVE, "住院治疗")
    for a in invited[21:]:
        attendance[a.member_id] = (AttendanceStatus.ABSENT, "")
    voting_present = sum(1 for a in invited[:20] if a.voting)
    services.meeting_record(actor=personas["branch"], meeting=meeting, attendance=attendance,
                            minutes="书记领学全会公报。\n党员交流学习体会。",
                            resolutions=[{"text": "开展楼道清洁志愿服务", "votes_for": voting_present - 1,
                                          "votes_against": 1, "abstentions": 0}],
                            host=invited[0].member, recorder=invited[1].member)
    meeting.refresh_from_db()
    return meeting, invited


def open_docx(data: bytes):
    assert data[:4] == b"PK\x03\x04"
    return docx.Document(io.BytesIO(data))


def full_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_meeting_record_has_everything_recorded_in_the_official_layout(personas, org):
    meeting, invited = record_theme_day(personas, org["branch"])
    document = open_docx(documents.meeting_record_docx(meeting))
    text = full_text(document)

    title = document.paragraphs[0]
    assert org["branch"].name in title.text and _("Theme day") in title.text
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert "2026年3月5日 星期四 09:00" in text and "社区党群服务中心" in text
    assert f"{_('Host')}：{invited[0].member.name}" in text
    assert f"{_('Recorder')}：{invited[1].member.name}" in text
    # Every invited member is named under their attendance; the one on leave with the reason.
    for a in invited[:20]:
        assert a.member.name in text
    present_line = next(p.text for p in document.paragraphs if p.text.startswith(_("Present") + "："))
    assert all(a.member.name in present_line for a in invited[:20])
    assert not any(a.member.name in present_line for a in invited[20:]
                   if a.member.name not in {b.member.name for b in invited[:20]})
    assert f"{invited[20].member.name}（住院治疗）" in text
    absent_line = next(p.text for p in document.paragraphs if p.text.startswith(_("Absent") + "："))
    assert all(a.member.name in absent_line for a in invited[21:])
    assert f"{_('Invited')}：" in text and str(len(invited)) in text
    # Agenda and minutes, one paragraph per line; the resolution with its votes and verdict.
    paragraphs = [p.text for p in document.paragraphs]
    assert "书记领学全会公报。" in paragraphs and "党员交流学习体会。" in paragraphs
    assert "二、讨论楼道清洁志愿服务" in paragraphs
    assert "1. 开展楼道清洁志愿服务" in paragraphs
    resolution = meeting.resolutions.get()
    assert resolution.passed
    votes = next(p for p in paragraphs if p.startswith(_("For %(for)d, against %(against)d, abstentions %(abstentions)d: "
                                                         "%(verdict)s").split("%")[0]))
    assert str(resolution.votes_for) in votes and _("passed") in votes and _("not passed") not in votes
    # Hours credited and the rule version.
    assert meeting.study_hours == Decimal(2)
    assert _("%(hours)s hours to each member present") % {"hours": "2"} in text
    assert "national 2018.1" in text

    # GB/T 9704: A4, margins 37 / 35 / 28 / 26 mm.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [getattr(section, f"{side}_margin") for side in ("top", "bottom", "left", "right")]
    assert all(abs(m - Mm(mm)) < Mm(0.1) for m, mm in zip(margins, (37, 35, 28, 26), strict=True))
    # Body paragraphs: 仿宋_GB2312 16 pt, exact 28 pt line spacing (and so is the Normal style).
    body = [p for p in document.paragraphs if p.text in ("书记领学全会公报。", "党员交流学习体会。", "1. 开展楼道清洁志愿服务")
            or p.text.startswith(_("Present") + "：")]
    assert len(body) == 4
    for paragraph in body:
        assert paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert paragraph.paragraph_format.line_spacing == Pt(28)
        for run in paragraph.runs:
            assert east_asia(run) == "仿宋_GB2312" and run.font.size == Pt(16)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.line_spacing == Pt(28)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # The font table names a fallback for each Chinese font.
    fonts = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable").blob.decode()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:val="仿宋"' in fonts and 'w:val="小标宋"' in fonts


def test_ledger_holds_every_recorded_meeting_of_the_year_and_nothing_else(personas, org):
    branch = org["branch"]
    march, _invited = record_theme_day(personas, branch, at(2026, 3, 5), topic="三月主题党日学习")
    lecture = services.meeting_plan(actor=None, organization=branch, kind=MeetingKind.PARTY_LECTURE,
                                    topic="七月党课：党章学习", starts_at=at(2026, 7, 1, 15))
    rows = list(lecture.attendances.all())
    services.meeting_record(actor=None, meeting=lecture, minutes="书记讲党课。",
                            attendance={a.member_id: (AttendanceStatus.PRESENT, "") for a in rows[:10]})
    # Not in the ledger: another year, another branch, a meeting only planned.
    record_theme_day(personas, branch, at(2025, 12, 31, 20), topic="去年的主题党日")
    record_theme_day(personas, org["sibling"], at(2026, 4, 2), topic="第二支部的主题党日")
    services.meeting_plan(actor=None, organization=branch, kind=MeetingKind.THEME_DAY, topic="只计划未记录",
                          starts_at=at(2026, 5, 8))

    expected = list(Meeting.objects.filter(organization=branch, status=MeetingStatus.RECORDED,
                                           starts_at__gte=at(2026, 1, 1, 0), starts_at__lt=at(2027, 1, 1, 0))
                    .order_by("starts_at", "id"))
    assert march in expected and lecture in expected
    document = open_docx(documents.meeting_ledger_docx(branch, 2026))
    text = full_text(document)

    assert branch.name in document.paragraphs[4].text and "2026" in document.paragraphs[5].text
    contents = document.tables[0]
    assert len(contents.rows) == 1 + len(expected)
    assert [row.cells[3].text for row in contents.rows[1:]] == [m.topic for m in expected]
    lecture_row = next(row for row in contents.rows if row.cells[3].text == "七月党课：党章学习")
    assert lecture_row.cells[1].text == "2026年7月1日"
    assert lecture_row.cells[2].text == _("Party lecture")
    assert lecture_row.cells[4].text == f"10/{len(rows)}"
    # Each meeting's record follows on a new page, oldest first.
    starts = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(starts) == 1 + len(expected)  # the contents, then each record
    assert [p.text for p in starts[1:]] == [documents.meeting_title(m) for m in expected]
    assert "书记讲党课。" in text and "书记领学全会公报。" in text
    for missing in ("去年的主题党日", "第二支部的主题党日", "只计划未记录"):
        assert missing not in text
    # The sibling branch's ledger has its meeting and none of the branch's.
    sibling = full_text(open_docx(documents.meeting_ledger_docx(org["sibling"], 2026)))
    assert "第二支部的主题党日" in sibling and "七月党课：党章学习" not in sibling
    # A year without records still gives a ledger, with an empty contents table.
    empty = open_docx(documents.meeting_ledger_docx(branch, 2019))
    assert len(empty.tables[0].rows) == 1


def test_study_hours_ledger_has_one_row_per_member_with_numbers(personas, org):
    branch = org["branch"]
    record_theme_day(personas, branch, at(2026, 3, 5))
    members = list(selectors.members_for_study(branch).select_related("organization").order_by("id"))
    standings = selectors.study_standings(members, 2026, organization=branch)
    sheet = load_workbook(io.BytesIO(documents.study_hours_xlsx(standings, 2026))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == tuple(_(h) for h in ("Name", "Organization", "Secretary or committee member", "Study hours",
                                           "Target hours", "Hours short"))
    assert len(rows) == 1 + len(standings) == 1 + len(members)
    assert "2026" in sheet.title
    by_name = {}
    for row in rows[1:]:
        by_name.setdefault(row[0], []).append(row)
    for standing in standings:
        row = next(r for r in by_name[standing.member.name] if r[3] == float(standing.hours))
        assert row[1] == branch.name
        assert row[2] == bool_label(standing.leader)
        assert isinstance(row[3], (int, float)) and isinstance(row[4], int) and isinstance(row[5], (int, float))
        assert (Decimal(str(row[3])), row[4], Decimal(str(row[5]))) == (standing.hours, standing.target,
                                                                          standing.short)
    assert any(s.leader for s in standings) and {s.target for s in standings} >= {32, 56}
    assert any(r[3] >= 2 for r in rows[1:])


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="libreoffice not installed")
def test_meeting_record_converts_to_an_image(personas, org, tmp_path):
    meeting, _invited = record_theme_day(personas, org["branch"])
    source = tmp_path / "record.docx"
    source.write_bytes(documents.meeting_record_docx(meeting))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, "--headless", "--convert-to", "png", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    assert (tmp_path / "record.png").stat().st_size > 0
