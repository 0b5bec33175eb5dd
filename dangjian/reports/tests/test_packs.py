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


def make_export(user, organization, start, end, **extra):
    return Export.objects.create(requested_by=user, kind=Export.Kind.INSPECTION_PACK,
                                 params={"org": organization.pk, "from": start.isoformat(), "to": end.isoformat()},
                                 **extra)


def dues_detail(pack):
    from django.utils import translation

    from dangjian.core.spreadsheets import FILE_LANGUAGE

    with translation.override(FILE_LANGUAGE):
        pack.write_dues(45, 80)
    book = openpyxl.load_workbook(io.BytesIO(pack.files[FILES["dues"]]))
    return [list(r) for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]


def dues_paid(organization, member, month, paid="30.00", extra="0"):
    from dangjian.dues.services import payments_record

    payments_record(actor=None, organization=organization, month=month,
                    entries=[{"member": member, "amount_paid": paid, "extra": extra,
                              "paid_on": month + datetime.timedelta(days=4)}])


def test_dues_part_reads_the_subtree_in_the_same_queries_for_a_branch_and_a_street(personas, org):
    """The per-member sheet holds each organization's branch ledger (a member who moved shows at both),
    read in the same number of queries for one branch as for the street's many organizations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from django.utils.translation import gettext

    from dangjian.core.spreadsheets import FILE_LANGUAGE
    from dangjian.dues.choices import CellState, DuesBasis
    from dangjian.dues.models import DuesDeclaration
    from dangjian.dues.selectors import branch_ledger, subtree_ledger
    from dangjian.members.models import Member
    from dangjian.reports.packs import Pack

    branch, sibling = org["branch"], org["sibling"]
    stayer, mover = Member.objects.filter(organization=branch, status="full").order_by("pk")[:2]
    for member in (stayer, mover):
        DuesDeclaration.objects.create(member=member, basis=DuesBasis.WAGE, base=3000, effective_from=D(2026, 1, 1))
    dues_paid(branch, stayer, D(2026, 1, 1))
    dues_paid(branch, stayer, D(2026, 2, 1), extra="10")
    dues_paid(branch, mover, D(2026, 1, 1))
    Member.objects.filter(pk=mover.pk).update(organization=sibling)
    dues_paid(sibling, mover, D(2026, 3, 1))

    start, end = D(2025, 1, 1), D(2026, 11, 20)
    used, detail = {}, {}
    for key in ("branch", "street"):
        pack = Pack(make_export(personas["city"], org[key], start, end))
        with CaptureQueriesContext(connection) as queries:
            detail[key] = dues_detail(pack)
        used[key] = len(queries)
    assert used["street"] == used["branch"], used
    with translation.override(FILE_LANGUAGE):
        left = gettext("left")

    def months(row):
        return {n: v for n, v in enumerate(row[3:15], start=1) if v not in ("", None)}

    mine = {(r[0], r[1], r[2]): r for r in detail["branch"]}
    assert months(mine[2026, branch.name, stayer.name]) == {1: 30, 2: 40}
    assert mine[2026, branch.name, stayer.name][16:18] == [60, 10]
    assert months(mine[2026, branch.name, f"{mover.name}（{left}）"]) == {1: 30}
    assert not any(r[1] == sibling.name for r in detail["branch"])
    theirs = {(r[0], r[1], r[2]): r for r in detail["street"]}
    assert months(theirs[2026, sibling.name, mover.name]) == {3: 30}  # January counts at the branch
    assert {k: v for k, v in theirs.items() if k[1] == branch.name} == mine

    # Every organization of the street appears as its own branch ledger shows it.
    expected = []
    lines = {year: [line.organization for line in subtree_ledger(org["street"], year, as_of=min(
        end, D(year, 12, 31))).rows] for year in (2025, 2026)}
    assert len(lines[2026]) > 3
    for year, organizations in lines.items():
        for organization in organizations:
            ledger = branch_ledger(organization, year, as_of=min(end, D(year, 12, 31)))
            for row in ledger.rows:
                name = row.member.name if row.current else f"{row.member.name}（{left}）"
                cells = tuple(float(c.paid + c.extra) if c.state == CellState.PAID and c.counted else ""
                              for c in row.cells)
                expected.append((year, organization.name, name, *cells, float(row.due), float(row.paid),
                                 float(row.extra)))
    got = [tuple("" if v is None else v for v in r) for r in detail["street"]]
    assert sorted(got, key=repr) == sorted(expected, key=repr)


def test_register_and_minutes_hold_meetings_held_jointly_with_the_subtree(personas, org):
    """A meeting the sibling branch holds jointly with the branch counts for the branch, as in the figures."""
    sibling, branch = org["sibling"], org["branch"]
    meeting = services.meeting_plan(actor=personas["sibling"], organization=sibling, kind=MeetingKind.THEME_DAY,
                                    topic="联合主题党日", starts_at=at(2020, 5, 6), place="广场",
                                    joint_organizations=[branch])
    invited = list(meeting.attendances.order_by("id"))
    services.meeting_record(actor=personas["sibling"], meeting=meeting,
                            attendance={a.member_id: (AttendanceStatus.PRESENT, "") for a in invited},
                            minutes="联合学习。", host=invited[0].member, recorder=invited[1].member)
    from django.utils import translation

    from dangjian.core.spreadsheets import FILE_LANGUAGE
    from dangjian.reports.packs import Pack

    with translation.override(FILE_LANGUAGE):
        pack = Pack(make_export(personas["branch"], branch, D(2020, 5, 1), D(2020, 5, 31)))
        ids = pack.write_meetings()
        pack.write_minutes(ids, 8, 35)
        pack.write_activities()
    assert ids == [meeting.pk]
    rows = list(openpyxl.load_workbook(io.BytesIO(pack.files[FILES["meetings"]])).worksheets[0]
                .iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[11]) for r in rows] == [(sibling.name, "联合主题党日", branch.name)]
    minutes = docx.Document(io.BytesIO(pack.files[FILES["minutes"]]))
    assert "联合学习。" in "\n".join(p.text for p in minutes.paragraphs)
    theme = openpyxl.load_workbook(io.BytesIO(pack.files[FILES["activities"]])).worksheets[0]
    assert [r[2] for r in theme.iter_rows(min_row=2, values_only=True)] == ["联合主题党日"]
    # The sibling's own pack has it too; the town's has not.
    assert Pack(make_export(personas["city"], sibling, D(2020, 5, 1), D(2020, 5, 31))).held().count() == 1
    assert not Pack(make_export(personas["city"], org["town"], D(2020, 5, 1), D(2020, 5, 31))).held().exists()


def test_a_requester_who_lost_the_right_to_export_gets_no_file(personas, org, media, client_for):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.core.exports import export_run

    user = personas["branch"]
    export = pack_request(actor=user, organization=org["branch"], start=D(2020, 3, 1), end=D(2020, 3, 31))
    RoleAssignment.objects.filter(user=user).delete()  # before the worker gets to it
    export = export_run(export_id=export.pk)
    assert export.status == Export.Status.FAILED and not export.file
    assert org["branch"].name in export.error
    row = client_for("branch").get(f"/reports/packs/{export.pk}/status/").content.decode()
    assert "您已无权导出该组织的记录。" in row


def test_download_is_refused_once_the_organization_is_out_of_sight(personas, org, media, client_for,
                                                                   django_capture_on_commit_callbacks):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.core.access import can

    user = personas["community"]
    with django_capture_on_commit_callbacks(execute=True):
        export = pack_request(actor=user, organization=org["branch"], start=D(2020, 3, 1), end=D(2020, 3, 31))
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    client = client_for("community")
    assert client.get(f"/reports/packs/{export.pk}/download/").status_code == 200
    RoleAssignment.objects.filter(user=user).delete()
    assert not can(type(user).objects.get(pk=user.pk), "view", org["branch"])
    assert client.get(f"/reports/packs/{export.pk}/download/").status_code == 404
    assert AuditEntry.objects.filter(action="inspection_pack.downloaded", object_id=str(export.pk)).count() == 1


def test_period_cannot_start_before_the_first_day(org, client_for):
    from dangjian.reports.figures import FIRST_DAY

    client = client_for("branch")
    before = FIRST_DAY - datetime.timedelta(days=1)
    response = client.post("/reports/packs/", {"organization": org["branch"].pk, "date_from": before.isoformat(),
                                               "date_to": "1921-12-31"})
    assert response.status_code == 200 and response.context["form"].errors["date_from"]
    assert not Export.objects.filter(kind=Export.Kind.INSPECTION_PACK).exists()


def test_whole_pack_of_the_street_takes_the_queries_of_a_branch(personas, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.reports.packs import write_export

    used = {}
    for key in ("branch", "street"):
        export = make_export(personas["city"], org[key], D(2026, 1, 1), D(2026, 3, 31))
        with CaptureQueriesContext(connection) as queries:
            write_export(export, io.BytesIO())
        used[key] = len(queries)
    assert used["street"] == used["branch"] <= 120, used


def test_rights_lost_while_the_pack_is_written_leave_no_file(personas, org, media, monkeypatch):
    from dangjian.accounts.models import RoleAssignment
    from dangjian.core.exports import export_run
    from dangjian.reports.packs import Pack

    user = personas["branch"]
    export = pack_request(actor=user, organization=org["branch"], start=D(2020, 3, 1), end=D(2020, 3, 31))
    real = Pack.write_cover

    def cover_then_lose_the_role(pack):
        real(pack)
        RoleAssignment.objects.filter(user=user).delete()

    monkeypatch.setattr(Pack, "write_cover", cover_then_lose_the_role)
    export = export_run(export_id=export.pk)
    assert export.status == Export.Status.FAILED and not export.file and org["branch"].name in export.error
