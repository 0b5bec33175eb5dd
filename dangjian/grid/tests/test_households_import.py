"""Households of a grid from a spreadsheet (helper F): template, all-or-nothing import with every
bad row reported, update mode, buildings, tags, phones, CSV, scope."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangjian.core.models import AuditEntry
from dangjian.core.spreadsheets import ImportRejected
from dangjian.grid.choices import HouseholdTag
from dangjian.grid.importing import HOUSEHOLD_COLUMNS, households_import
from dangjian.grid.models import Building, Grid, Household

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in HOUSEHOLD_COLUMNS]


@pytest.fixture
def first_grid():
    """The grid the ``grid`` persona works in (滨河第1网格)."""
    return Grid.objects.get(code="JB0101")


@pytest.fixture
def other_grid():
    return Grid.objects.get(code="JB0102")


@pytest.fixture
def building(first_grid):
    return first_grid.buildings.order_by("name").first()


def row(building, room, **cells) -> dict:
    return {"楼栋": building, "单元及房号": room, "人数": 2, "联系人": "李阿姨", "联系电话": "13912345678", **cells}


def xlsx(rows, headers=HEADERS, name="households.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, encoding="utf-8-sig", name="households.csv") -> SimpleUploadedFile:
    lines = [",".join(HEADERS)] + [",".join(str(values.get(h, "")) for h in HEADERS) for values in rows]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))


def rejected(actor, grid, upload, **kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        households_import(actor=actor, grid=grid, upload=upload, **kwargs)
    return caught.value


def test_template_has_headers_and_an_example_that_is_skipped(client_for, first_grid, building):
    client = client_for("community")
    response = client.get(reverse("grid:households_template", args=[first_grid.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].values)
    assert list(rows[0]) == HEADERS
    assert rows[1][0] == building.name and rows[1][2] == "1-101" and rows[1][6] == "高龄独居"
    response = client.post(reverse("grid:households_import", args=[first_grid.pk]),
                           {"file": SimpleUploadedFile("t.xlsx", content)})
    assert response.status_code == 200 and response.context["rejected"] is not None
    assert not response.context["rejected"].row_errors  # the unchanged example is no data


def test_good_file_imports_every_row_with_one_audit_entry(client_for, first_grid, building):
    before = Household.objects.filter(building__grid=first_grid).count()
    upload = xlsx([
        row(building.name, "8-801", 标签="高龄独居、残疾人", 备注="行动不便"),
        row(building.name, "8-802", 人数="3人", 联系电话=13800138001),  # Excel numbers and 3人 are read
        row("新建小区1号楼", "1-101", 楼栋地址="滨河路88号", 标签="空巢老人,低保/低收入"),
        row("新建小区1号楼", "1-102", 人数=None, 联系电话=None, 联系人=None),
    ])
    response = client_for("community").post(reverse("grid:households_import", args=[first_grid.pk]),
                                            {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("grid:households", args=[first_grid.pk])
    assert Household.objects.filter(building__grid=first_grid).count() == before + 4
    new_building = Building.objects.get(grid=first_grid, name="新建小区1号楼")
    assert new_building.address == "滨河路88号"
    h1 = Household.objects.get(building=building, room="8-801")
    assert h1.tag_list == [HouseholdTag.ELDERLY_ALONE, HouseholdTag.DISABLED] and h1.note == "行动不便"
    h2 = Household.objects.get(building=building, room="8-802")
    assert h2.size == 3 and h2.contact_phone == "13800138001" and h2.phone_masked == "138****8001"
    h3 = Household.objects.get(building=new_building, room="1-101")
    assert set(h3.tag_list) == {HouseholdTag.EMPTY_NEST, HouseholdTag.LOW_INCOME}
    h4 = Household.objects.get(building=new_building, room="1-102")
    assert (h4.size, h4.contact_name, h4.contact_phone, h4.phone_masked) == (1, "", "", "")
    entry = AuditEntry.objects.get(action="household.imported", object_id=str(first_grid.pk))
    assert entry.changes["created"] == 4 and entry.changes["updated"] == 0
    assert entry.changes["buildings_created"] == ["新建小区1号楼"]


def test_phone_is_stored_encrypted_and_shown_masked(client_for, personas, first_grid, building):
    households_import(actor=personas["grid"], grid=first_grid, upload=xlsx([row(building.name, "8-803")]))
    household = Household.objects.get(building=building, room="8-803")
    assert (household.phone_last4, household.phone_masked) == ("5678", "139****5678")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_phone FROM {Household._meta.db_table} WHERE id = %s", [household.pk])
        stored = cursor.fetchone()[0]
    assert stored and "13912345678" not in stored
    page = client_for("grid").get(reverse("grid:households", args=[first_grid.pk]), {"q": "8-803"}).content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_bad_rows_are_all_reported_and_nothing_is_written(personas, first_grid, building):
    existing = Household.objects.filter(building=building).order_by("room").first()
    before = (Household.objects.count(), Building.objects.count(), AuditEntry.objects.count())
    problem = rejected(personas["community"], first_grid, xlsx([
        row(building.name, "8-801"),  # 2: fine
        row("没有这栋楼", "1-101"),  # 3: unknown building without an address
        row(building.name, "8-802", 联系电话="12345"),  # 4: bad phone
        row(building.name, "8-803", 标签="高龄独居、外星人"),  # 5: unknown tag
        row(building.name, "8-804", 人数=0),  # 6: size out of range
        row(building.name, "8-801"),  # 7: same as row 2
        row(building.name, existing.room),  # 8: already in the grid
        row(building.name, None),  # 9: no room
        row(building.name, datetime.datetime(2026, 2, 3)),  # 10: Excel made 2-3 a date
        row("新楼", "1-101", 楼栋地址="甲路1号"),  # 11: a new building...
        row("新楼", "1-102", 楼栋地址="乙路2号"),  # 12: ...with another address
    ]))
    assert {(e.row, e.column) for e in problem.row_errors} == {
        (2, "单元及房号"), (3, "楼栋"), (4, "联系电话"), (5, "标签"), (6, "人数"), (7, "单元及房号"),
        (8, "单元及房号"), (9, "单元及房号"), (10, "单元及房号"), (12, "楼栋地址"),
    }
    assert all(e.message for e in problem.row_errors)
    assert "外星人" in next(e.message for e in problem.row_errors if e.row == 5)
    assert "7" in next(e.message for e in problem.row_errors if e.row == 2)
    assert (Household.objects.count(), Building.objects.count(), AuditEntry.objects.count()) == before


def test_rejected_file_lists_every_error_on_the_page(client_for, first_grid, building):
    response = client_for("community").post(reverse("grid:households_import", args=[first_grid.pk]), {
        "file": xlsx([row(building.name, "8-801", 联系电话="12"), row("没有这栋楼", "1-1")])})
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["rejected"].row_errors] == [(2, "联系电话"), (3, "楼栋")]
    body = response.content.decode()
    assert "没有这栋楼" in body and "table-import-errors" in body


def test_update_mode_updates_existing_and_blank_cells_keep_values(personas, first_grid, building):
    household = Household.objects.filter(building=building).order_by("room").first()
    phone_hash, name = household.phone_hash, household.contact_name
    upload = xlsx([row(building.name, household.room, 人数=5, 联系人=None, 联系电话=None, 标签="需特殊关照"),
                   row(building.name, "8-801"),
                   row(building.name, household.room.replace("-", "-9"), 人数=None)])
    result = households_import(actor=personas["grid"], grid=first_grid, upload=upload, update=True)
    assert (result.created, result.updated) == (2, 1)
    household.refresh_from_db()
    assert household.size == 5 and household.tag_list == [HouseholdTag.SPECIAL_CARE]
    assert household.phone_hash == phone_hash and household.contact_name == name  # blank cells keep
    # The same file again: nothing changes (the rooms now exist), a new phone is written.
    again = households_import(actor=personas["grid"], grid=first_grid, update=True, upload=xlsx([
        row(building.name, household.room, 人数=5, 联系人=None, 联系电话="13700001111", 标签="需特殊关照"),
        row(building.name, "8-801")]))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    household.refresh_from_db()
    assert household.contact_phone == "13700001111" and household.phone_masked == "137****1111"
    entries = AuditEntry.objects.filter(action="household.imported", object_id=str(first_grid.pk)).order_by("pk")
    assert [e.changes["updated"] for e in entries] == [1, 1]
    assert entries.last().changes["update_existing"] is True


def test_without_update_an_existing_room_is_an_error(client_for, first_grid, building):
    household = Household.objects.filter(building=building).order_by("room").first()
    response = client_for("grid").post(reverse("grid:households_import", args=[first_grid.pk]),
                                       {"file": xlsx([row(building.name, household.room, 人数=9)])})
    assert [(e.row, e.column) for e in response.context["rejected"].row_errors] == [(2, "单元及房号")]
    response = client_for("grid").post(reverse("grid:households_import", args=[first_grid.pk]),
                                       {"file": xlsx([row(building.name, household.room, 人数=9)]), "update": "on"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.size == 9


def test_tags_accept_labels_codes_and_separators(personas, first_grid, building):
    households_import(actor=personas["community"], grid=first_grid, upload=xlsx([
        row(building.name, "8-801", 标签="高龄独居，残疾人"),
        row(building.name, "8-802", 标签="disabled; Empty-nest elderly"),
        row(building.name, "8-803", 标签="Elderly, living alone"),
        row(building.name, "8-804", 标签=" 低保/低收入 、 需特殊关照 "),
    ]))
    tags = dict(Household.objects.filter(building=building, room__startswith="8-80").values_list("room", "tags"))
    assert tags == {"8-801": ",elderly_alone,disabled,", "8-802": ",empty_nest,disabled,",
                    "8-803": ",elderly_alone,", "8-804": ",low_income,special_care,"}


def test_grid_staff_cannot_add_buildings(personas, first_grid, building):
    problem = rejected(personas["grid"], first_grid, xlsx([row("新楼", "1-101", 楼栋地址="甲路1号")]))
    assert [(e.row, e.column) for e in problem.row_errors] == [(2, "楼栋")]
    assert not Building.objects.filter(name="新楼").exists()


def test_grid_worker_of_another_grid_gets_404(client_for, other_grid):
    building = other_grid.buildings.first()
    client = client_for("grid")
    assert client.get(reverse("grid:households_import", args=[other_grid.pk])).status_code == 404
    assert client.get(reverse("grid:households_template", args=[other_grid.pk])).status_code == 404
    response = client.post(reverse("grid:households_import", args=[other_grid.pk]),
                           {"file": xlsx([row(building.name, "8-801")])})
    assert response.status_code == 404
    assert not Household.objects.filter(building=building, room="8-801").exists()


def test_auditor_sees_the_grid_but_cannot_import(client_for, first_grid):
    client = client_for("auditor")
    assert client.get(reverse("grid:households_import", args=[first_grid.pk])).status_code == 403
    page = client.get(reverse("grid:households", args=[first_grid.pk])).content.decode()
    assert reverse("grid:households_import", args=[first_grid.pk]) not in page


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_files_are_read(personas, first_grid, building, encoding):
    result = households_import(actor=personas["community"], grid=first_grid, upload=csv_file([
        row(building.name, "8-801", 联系电话="0571-88001234", 标签="高龄独居、残疾人"),
        row(building.name, "8-802")], encoding=encoding))
    assert result.created == 2
    household = Household.objects.get(building=building, room="8-801")
    assert household.contact_phone == "0571-88001234" and household.tags == ",elderly_alone,disabled,"


@pytest.mark.parametrize(("name", "content"), [("h.xls", b"\xd0\xcf\x11\xe0"), ("h.xlsx", b"not a zip"),
                                               ("h.csv", b"\xff\xfe\x00\x00\x81")])
def test_unreadable_files_are_refused(personas, first_grid, name, content):
    problem = rejected(personas["community"], first_grid, SimpleUploadedFile(name, content))
    assert problem.message and not problem.row_errors


def test_wrong_headers_are_refused(personas, first_grid):
    problem = rejected(personas["community"], first_grid, xlsx([{"楼栋": "x"}], headers=["楼栋", "房号"]))
    assert "单元及房号" in problem.message


def test_import_page_renders_with_button_on_the_list(client_for, first_grid):
    client = client_for("grid")
    page = client.get(reverse("grid:households", args=[first_grid.pk])).content.decode()
    assert reverse("grid:households_import", args=[first_grid.pk]) in page
    response = client.get(reverse("grid:households_import", args=[first_grid.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("grid:households_template", args=[first_grid.pk]) in body and 'name="update"' in body


def test_300_rows_in_a_few_queries(personas, first_grid, building, django_assert_max_num_queries):
    upload = xlsx([row(building.name, f"20-{i:03d}", 标签="残疾人" if i % 7 == 0 else None) for i in range(300)])
    with django_assert_max_num_queries(20):
        result = households_import(actor=personas["community"], grid=first_grid, upload=upload)
    assert result.created == 300
