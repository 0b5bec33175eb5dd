"""Administration of the working-day calendar: the year page, setting days, importing a year."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from dangjian.core.models import AuditEntry, CalendarDay, CalendarYear
from dangjian.core.workdays import WorkCalendar

D = datetime.date


def xlsx(rows, header=("日期", "类型", "名称")) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    target = io.BytesIO()
    book.save(target)
    return SimpleUploadedFile("2027年节假日.xlsx", target.getvalue())


GOOD_2027 = [
    ("2027-01-01", "放假", "元旦"), (D(2027, 2, 6), "放假", "春节"), ("2027/2/7", "放假", "春节"),
    ("2027年2月8日", "放假", "春节"), ("2027-02-09", "放假", "春节"), ("2027-02-20", "调休上班", "春节"),
    ("2027-10-01", "holiday", "国庆节"), ("2027-10-09", "班", "国庆节"),
]


def test_import_a_year_then_its_dates_are_final(client_for):
    client = client_for("admin")
    before = WorkCalendar()
    assert not before.known(D(2027, 2, 8)) and before.add_working_days(D(2027, 2, 5), 1).provisional
    response = client.post("/calendar/import/", {"year": 2027, "file": xlsx(GOOD_2027)})
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2027"
    assert CalendarDay.objects.filter(date__year=2027).count() == 8
    after = WorkCalendar()
    assert after.known(D(2027, 2, 8))
    assert after.add_working_days(D(2027, 2, 5), 1).date == D(2027, 2, 10)  # 6–9 off
    assert not after.add_working_days(D(2027, 2, 5), 1).provisional
    assert after.is_working_day(D(2027, 2, 20)) and after.is_working_day(D(2027, 10, 9))
    entry = AuditEntry.objects.get(action="calendar.year_imported")
    assert entry.changes["count"] == 8
    page = client.get("/calendar/", {"year": 2027})
    assert page.context["known"].year == 2027 and page.context["holidays"] == 6


def test_a_bad_file_lists_every_bad_row_and_writes_nothing(client_for):
    client = client_for("admin")
    before = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name"))
    rows = [
        ("2026-01-01", "放假", "元旦"),
        ("2026-13-01", "放假", "x"),          # not a date
        ("2026-05-01", "请假", "劳动节"),      # unknown kind
        ("2025-10-01", "放假", "国庆节"),      # another year
        ("2026-01-01", "放假", "元旦"),        # twice
        ("2026-11-23", "调休上班", "测试"),    # a Monday cannot be a make-up workday
        ("2026-06-19", "放假", ""),            # a holiday needs its name
    ]
    response = client.post("/calendar/import/", {"year": 2026, "file": xlsx(rows)})
    assert response.status_code == 200
    rejected = response.context["rejected"]
    assert [e.row for e in rejected.row_errors] == [3, 4, 5, 6, 7, 8]
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name")) == before
    assert not AuditEntry.objects.filter(action="calendar.year_imported").exists()
    wrong_columns = client.post("/calendar/import/", {"year": 2026, "file": xlsx(rows, header=("日期", "种类"))})
    assert wrong_columns.context["rejected"] and not wrong_columns.context["rejected"].row_errors


def test_csv_in_gbk_is_read(client_for):
    text = "日期,类型,名称\n2028-01-01,放假,元旦\n2028-01-29,调休上班,春节\n"
    upload = SimpleUploadedFile("2028.csv", text.encode("gb18030"), content_type="text/csv")
    response = client_for("admin").post("/calendar/import/", {"year": 2028, "file": upload})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2028).exists()
    assert CalendarDay.objects.get(date=D(2028, 1, 29)).kind == CalendarDay.Kind.WORKDAY


def test_setting_a_day_changes_working_day_results(client_for):
    client = client_for("admin")
    monday = D(2026, 11, 23)
    assert WorkCalendar().add_working_days(D(2026, 11, 20), 1).date == monday
    page = client.get("/calendar/day/", {"date": monday.isoformat()})
    assert page.status_code == 200 and page.context["form"].initial["kind"] == "holiday"
    response = client.post("/calendar/day/", {"date": monday.isoformat(), "kind": "holiday", "name": "临时假日"})
    assert response.status_code == 302
    assert WorkCalendar().add_working_days(D(2026, 11, 20), 1).date == D(2026, 11, 24)
    refused = client.post("/calendar/day/", {"date": "2026-11-25", "kind": "workday", "name": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["kind"]
    assert client.post("/calendar/day/delete/", {"date": monday.isoformat()}).status_code == 302
    assert WorkCalendar().add_working_days(D(2026, 11, 20), 1).date == monday
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="calendar.").order_by("pk")] == [
        "calendar.day_saved", "calendar.day_deleted"]


@pytest.mark.parametrize("persona", ["branch", "organizer", "auditor", "member"])
def test_only_administrators_change_the_calendar(client_for, persona):
    client = client_for(persona)
    assert client.get("/calendar/").status_code == 200
    assert client.get("/calendar/day/").status_code == 403
    assert client.get("/calendar/import/").status_code == 403
    assert client.get("/calendar/template/").status_code == 403
    assert client.post("/calendar/day/", {"date": "2026-11-23", "kind": "holiday", "name": "x"}).status_code == 403
    assert client.post("/calendar/load/").status_code == 403
    assert not CalendarDay.objects.filter(date=D(2026, 11, 23)).exists()


def test_a_year_without_data_shows_the_banner(client_for):
    client = client_for("member")
    response = client.get("/calendar/", {"year": 2027})
    assert response.context["known"] is None
    assert 'class="alert alert-warning"' in response.content.decode()
    known = client.get("/calendar/", {"year": 2026})
    assert known.context["known"].year == 2026 and 'class="alert alert-warning"' not in known.content.decode()
    assert len(known.context["months"]) == 12


def test_a_year_entered_by_hand_can_be_marked_complete(client_for):
    client = client_for("admin")
    client.post("/calendar/day/", {"date": "2029-01-01", "kind": "holiday", "name": "元旦"})
    assert not WorkCalendar().known(D(2029, 1, 1))
    assert client.post("/calendar/confirm/", {"year": 2029}).status_code == 302
    assert WorkCalendar().known(D(2029, 1, 1))
    assert AuditEntry.objects.filter(action="calendar.year_confirmed").exists()


def test_template_and_package_load(client_for):
    client = client_for("admin")
    response = client.get("/calendar/template/", {"year": 2027})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["日期", "类型", "名称"]
    # The example row imports as it is.
    upload = SimpleUploadedFile("t.xlsx", response.content)
    assert client.post("/calendar/import/", {"year": 2027, "file": upload}).status_code == 302
    CalendarDay.objects.filter(date=D(2026, 10, 1)).delete()
    assert client.post("/calendar/load/").status_code == 302
    assert not CalendarDay.objects.filter(date=D(2026, 10, 1)).exists(), "loaded years keep their edits"
    client.post("/calendar/load/", {"replace": "1"})
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).exists()
    assert AuditEntry.objects.filter(action="calendar.package_loaded").count() == 1
    out = io.StringIO()
    call_command("load_calendar", stdout=out)
    assert "nothing was changed" in out.getvalue()
