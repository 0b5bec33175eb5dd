"""Inspection packs: the zip of a period holds the meetings recorded then, their records, the study
hours, dues, activities and ratings; the pages ask for a pack, poll it and give it to its requester only."""
import datetime
import io
import zipfile

import docx
import openpyxl
import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry, Export
from dangjian.orglife import services
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.reports.packs import FILES, pack_request

D = datetime.date


def at(y, m, d, h=9):
    return timezone.make_aware(datetime.datetime(y, m, d, h))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def record_meeting(personas, branch, when):
    meeting = services.meeting_plan(actor=personas["branch"], organization=branch, kind=MeetingKind.THEME_DAY,
                                    topic="迎检测试主题党日", starts_at=when, place="党群服务中心")
    invited = list(meeting.attendances.select_related("member").order_by("id"))
    attendance = {a.member_id: (AttendanceStatus.PRESENT, "") for a in invited[:3]}
    attendance[invited[3].member_id] = (AttendanceStatus.LEAVE, "外出务工")
    for a in invited[4:]:
        attendance[a.member_id] = (AttendanceStatus.ABSENT, "")
    services.meeting_record(actor=personas["branch"], meeting=meeting, attendance=attendance,
                            minutes="书记领学。\n交流体会。", host=invited[0].member, recorder=invited[1].member)
    meeting.refresh_from_db()
    return meeting, invited


def open_pack(export):
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    assert export.progress == 100
    with export.file.open("rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_pack_of_a_period_holds_its_meeting_and_opens(personas, org, media, django_capture_on_commit_callbacks,
                                                      django_assert_max_num_queries):
    branch = org["branch"]
    meeting, invited = record_meeting(personas, branch, at(2020, 3, 5))
    # A meeting the day after the period is left out.
    record_meeting(personas, branch, at(2020, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        export = pack_request(actor=personas["branch"], organization=branch, start=D(2020, 3, 1),
                              end=D(2020, 3, 31))
    archive = open_pack(export)
    assert archive.namelist() == list(FILES.values())
    assert AuditEntry.objects.filter(action="inspection_pack.requested", object_id=str(export.pk)).count() == 1

    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(FILES["meetings"]))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    row = rows[0]
    assert row[1] == branch.name and row[3] == "迎检测试主题党日" and row[4] == "党群服务中心"
    assert row[5] == invited[0].member.name
    assert row[6:10] == (len(invited), 3, 1, len(invited) - 4)

    minutes = docx.Document(io.BytesIO(archive.read(FILES["minutes"])))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "书记领学。" in text and "外出务工" in text and invited[1].member.name in text
    assert "迎检测试主题党日" in text

    study = openpyxl.load_workbook(io.BytesIO(archive.read(FILES["study"]))).worksheets[0]
    header = [c.value for c in study[1]]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in study.iter_rows(min_row=2, values_only=True)}
    present = invited[0].member.name
    period_column = header[2]  # the first source: meetings
    assert by_name[present][period_column] == float(meeting.study_hours)
    # Those absent (and on the roll at the period's end) got no hours for it.
    absent = [a.member.name for a in invited[4:] if a.member.name in by_name]
    assert absent and all(by_name[name][period_column] == 0 for name in absent)

    for name in (FILES["dues"], FILES["activities"], FILES["ratings"]):
        openpyxl.load_workbook(io.BytesIO(archive.read(name)))
    activities = openpyxl.load_workbook(io.BytesIO(archive.read(FILES["activities"])))
    theme_rows = list(activities.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[4]) for r in theme_rows] == [("迎检测试主题党日", 3)]
    cover = docx.Document(io.BytesIO(archive.read(FILES["cover"])))
    cover_text = "\n".join([p.text for p in cover.paragraphs] +
                           [c.text for t in cover.tables for r in t.rows for c in r.cells])
    assert branch.name in cover_text and FILES["study"] in cover_text
    # No ID numbers or phones in any part.
    member = invited[0].member
    for name in archive.namelist():
        assert member.id_number.encode() not in archive.read(name)

    with django_assert_max_num_queries(120):
        from dangjian.reports.packs import write_export

        write_export(export, io.BytesIO())


def test_pages_request_poll_and_download(personas, org, media, client_for, django_capture_on_commit_callbacks):
    client = client_for("branch")
    page = client.get("/reports/packs/")
    assert page.status_code == 200 and page.context["form"].fields["organization"].queryset.filter(
        pk=org["branch"].pk).exists()
    today = timezone.localdate()
    bad = client.post("/reports/packs/", {"organization": org["branch"].pk, "date_from": "2020-03-31",
                                          "date_to": "2020-03-01"})
    assert bad.status_code == 200 and bad.context["form"].errors["date_to"]
    future = client.post("/reports/packs/", {"organization": org["branch"].pk, "date_from": today.isoformat(),
                                             "date_to": (today + datetime.timedelta(days=1)).isoformat()})
    assert future.context["form"].errors["date_to"]
    outside = client.post("/reports/packs/", {"organization": org["community"].pk, "date_from": "2020-03-01",
                                              "date_to": "2020-03-31"})
    assert outside.context["form"].errors["organization"]
    assert not Export.objects.filter(kind=Export.Kind.INSPECTION_PACK, requested_by=personas["branch"]).exists()

    waiting = Export.objects.create(requested_by=personas["branch"], kind=Export.Kind.INSPECTION_PACK,
                                    params={"org": org["branch"].pk, "from": "2020-01-01", "to": "2020-02-01"},
                                    status=Export.Status.RUNNING, progress=40)
    row = client.get(f"/reports/packs/{waiting.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in row and 'value="40"' in row
    assert client.get(f"/reports/packs/{waiting.pk}/download/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/packs/", {"organization": org["branch"].pk, "date_from": "2020-03-01",
                                                   "date_to": "2020-03-31"})
    assert response.status_code == 302
    pack = Export.objects.filter(kind=Export.Kind.INSPECTION_PACK).exclude(pk=waiting.pk).get()
    assert pack.params == {"org": org["branch"].pk, "from": "2020-03-01", "to": "2020-03-31"}
    row = client.get(f"/reports/packs/{pack.pk}/status/").content.decode()
    assert "every 2s" not in row and f"/reports/packs/{pack.pk}/download/" in row
    download = client.get(f"/reports/packs/{pack.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip()
    assert "filename" in download["Content-Disposition"]

    sibling = client_for("sibling")
    assert sibling.get(f"/reports/packs/{pack.pk}/status/").status_code == 404
    assert sibling.get(f"/reports/packs/{pack.pk}/download/").status_code == 404
