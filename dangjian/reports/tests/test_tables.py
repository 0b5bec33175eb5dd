"""Report tables as data: the shipped tables computed for a small subtree of known members, the
spreadsheet, definitions added or refused through the admin form and the loader, and the
collection table of members masked unless asked for in full."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.exports import export_run
from dangjian.core.models import AuditEntry, Export
from dangjian.core.validators import id_number_check_char
from dangjian.members import services as member_services
from dangjian.members.standing import member_status_change
from dangjian.organizations import services as org_services
from dangjian.reports import tables
from dangjian.reports.admin import ReportTableForm
from dangjian.reports.loading import load_table_text
from dangjian.reports.models import ReportTable

D = datetime.date
# The year of the events: last year, so that its tables are as of 31 December and nothing is in the future.
Y = timezone.localdate().year - 1


def _id(birth: D, seq: str) -> str:
    first17 = f"330106{birth:%Y%m%d}{seq}"
    return first17 + id_number_check_char(first17)


def _member(actor, org, name, *, female=False, birth=None, seq="91", ethnicity="01", joined=None, status="full",
            on=None):
    birth, joined, on = birth or D(1975, 3, 1), joined or D(2000, 7, 1), on or D(2023, 6, 1)
    seq = seq + ("2" if female else "1")
    return member_services.member_create(actor=actor, on=on, data={
        "name": name, "gender": "female" if female else "male", "ethnicity": ethnicity, "birth_date": birth,
        "id_number": _id(birth, seq), "phone": "13912345678", "joined_on": joined,
        "full_member_on": None if status == "probationary" else D(joined.year + 1, joined.month, joined.day),
        "status": status, "category": "employed", "organization": org,
    })


@pytest.fixture
def subtree(personas, org):
    """测试党委 (C) under the street, with branches A and B; C holds m7 itself. In year Y: m2 moves A → B,
    m3 moves from B out of the subtree, m4 (B) dies, m5 is admitted in A, m6 comes into A from outside."""
    actor = personas["city"]
    made = D(2023, 1, 1)
    c = org_services.organization_create(actor=actor, parent=org["street"], name="测试党委", code="T-RPT-C",
                                         org_type="committee", unit_kind="community", on=made)
    a = org_services.organization_create(actor=actor, parent=c, name="测试第一支部", code="T-RPT-A",
                                         org_type="branch", unit_kind="community", on=made)
    b = org_services.organization_create(actor=actor, parent=c, name="测试第二支部", code="T-RPT-B",
                                         org_type="branch", unit_kind="community", on=made)
    m = {
        "m1": _member(actor, a, "甲一", female=True, seq="11"),
        "m2": _member(actor, a, "甲二", seq="21"),
        "m3": _member(actor, b, "乙三", seq="31"),
        "m4": _member(actor, b, "乙四", female=True, seq="41", ethnicity="03"),
        "m5": _member(actor, a, "甲五", female=True, birth=D(2000, 5, 1), seq="51", joined=D(Y, 3, 1),
                      status="probationary", on=D(Y, 3, 1)),
        "m6": _member(actor, org["sibling"], "外六", birth=D(1992, 1, 1), seq="61", ethnicity="03",
                      joined=D(2015, 7, 1)),
        "m7": _member(actor, c, "丙七", seq="71"),
    }
    member_services.member_move(actor=actor, member=m["m2"], organization=b, on=D(Y, 5, 1))
    member_services.member_move(actor=actor, member=m["m3"], organization=org["sibling"], on=D(Y, 6, 1))
    member_status_change(actor=actor, member=m["m4"], to="died", effective_on=D(Y, 7, 1), reason="病故")
    member_services.member_move(actor=actor, member=m["m6"], organization=a, on=D(Y, 4, 1))
    return {"c": c, "a": a, "b": b, **m}


def _grid(built):
    """label → list of cell values."""
    return {row.label: [cell.value for cell in row.cells] for row in built.rows}


MEMBER_COUNTS_Y = {
    # 年初, 增加小计, 发展, 转入, 减少小计, 转出, 死亡, 其他出党, 年末, 女, 少数民族, 预备, 35岁及以下, 转正
    "测试第一支部": [2, 2, 1, 1, 1, 1, 0, 0, 3, 2, 1, 1, 2, 0],
    "测试第二支部": [2, 1, 0, 1, 2, 1, 1, 0, 1, 0, 0, 0, 0, 0],
    "直属": [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    # The total is the committee's own: m2's move is no change for it.
    "合计": [5, 2, 1, 1, 2, 1, 1, 0, 5, 2, 1, 1, 2, 0],
}


def test_member_counts_for_the_year_of_the_changes(subtree, django_assert_max_num_queries):
    table = ReportTable.objects.get(code="member-counts")
    with django_assert_max_num_queries(80):
        built = tables.build(table, subtree["c"], tables.table_day(Y))
    assert built.on == D(Y, 12, 31)
    assert [row.label for row in built.rows] == ["测试第一支部", "测试第二支部", "直属", "合计"]
    assert _grid(built) == MEMBER_COUNTS_Y
    # Two header rows: groups span their columns, ungrouped columns span both rows.
    top, bottom = built.header
    assert [(h.text, h.colspan, h.rowspan) for h in top] == [
        ("单位名称", 1, 2), ("年初党员数", 1, 2), ("本年增加", 3, 1), ("本年减少", 4, 1), ("年末党员数", 1, 2),
        ("年末党员中", 5, 1)]
    assert [h.text for h in bottom][:3] == ["小计", "发展党员", "组织关系转入"]
    # Numbers link to the records behind them, for the row's own subtree.
    a_row = built.rows[0]
    admitted = a_row.cells[2].url
    assert admitted.startswith(reverse("reports:members")) and f"org={subtree['a'].pk}" in admitted
    assert "figure=changes.admitted" in admitted
    assert a_row.cells[1].url is None  # a sum has no single list behind it
    assert built.rows[2].cells[0].url is None  # nor has the row 直属


def test_member_counts_a_year_before_the_transfers(subtree):
    built = tables.build(ReportTable.objects.get(code="member-counts"), subtree["c"], tables.table_day(Y - 1))
    grid = _grid(built)
    assert grid["测试第一支部"][:9] == [2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert grid["测试第二支部"][:9] == [2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert grid["直属"][:9] == [1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert grid["合计"][:10] == [5, 0, 0, 0, 0, 0, 0, 0, 5, 2]  # m1 and m4 are the women
    assert grid["合计"][10] == 1  # m4, of the Hui, had not died yet


def test_members_leaving(subtree):
    built = tables.build(ReportTable.objects.get(code="members-leaving"), subtree["c"], tables.table_day(Y))
    # 减少合计, 转出, 出党小计, 死亡, 退党, 自行脱党, 除名, 开除, 取消预备
    assert _grid(built) == {
        "测试第一支部": [1, 1, 0, 0, 0, 0, 0, 0, 0],
        "测试第二支部": [2, 1, 1, 1, 0, 0, 0, 0, 0],
        "合计": [2, 1, 1, 1, 0, 0, 0, 0, 0],
    }


def test_spreadsheet_has_the_paper_layout_and_the_same_numbers(subtree, personas):
    table = ReportTable.objects.get(code="member-counts")
    target, name = tables.aggregate_export(actor=personas["city"], table=table, organization=subtree["c"], year=Y)
    assert name == f"党员数量及变化情况-测试党委-{Y}年.xlsx"
    sheet = load_workbook(io.BytesIO(target.read())).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:O1" in merged  # the title across the 15 columns
    assert {"A3:A4", "B3:B4", "C3:E3", "F3:I3", "J3:J4", "K3:O3"} <= merged
    assert sheet["A1"].value == "党员数量及变化情况"
    assert sheet["A2"].value == "填报单位：测试党委"
    assert sheet["C3"].value == "本年增加" and sheet["D4"].value == "发展党员"
    rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, 16)] for r in range(5, 9)}
    assert rows == MEMBER_COUNTS_Y
    assert sheet.cell(8, 1).font.b and sheet.cell(5, 2).border.left.style == "thin"
    assert sheet.freeze_panes == "B5"
    entry = AuditEntry.objects.get(action="report_table.exported", object_id=str(table.pk))
    assert entry.organization == subtree["c"] and entry.changes["year"] == Y


def test_pages_show_the_table_and_refuse_a_bad_year(subtree, client_for):
    client = client_for("city")
    url = reverse("reports:table", args=["member-counts"])
    page = client.get(url, {"org": subtree["c"].pk, "year": Y})
    assert page.status_code == 200
    html = page.content.decode()
    assert "测试第一支部" in html and "合计" in html and 'colspan="3"' in html
    bad = client.get(url, {"org": subtree["c"].pk, "year": "明年"})
    assert bad.status_code == 200 and bad.context["year"] == timezone.localdate().year and bad.context["year_error"]
    listing = client.get(reverse("reports:tables"), {"org": subtree["c"].pk, "year": Y})
    assert listing.status_code == 200 and "党员基本信息采集表" in listing.content.decode()
    xlsx = client.get(reverse("reports:table_xlsx", args=["member-counts"]), {"org": subtree["c"].pk, "year": Y})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # The auditor sees the statistical tables but may not export the records of the collection tables.
    auditor = client_for("auditor")
    assert auditor.get(reverse("reports:table", args=["member-counts"])).status_code == 200
    assert auditor.get(reverse("reports:table", args=["member-collection"])).status_code == 403
    assert auditor.get(reverse("reports:table_xlsx", args=["member-collection"])).status_code == 403
    client = client_for("city")
    assert client.get(reverse("reports:table", args=["no-such-table"])).status_code == 404
    # A collection table shows its first rows, masked.
    preview = client.get(reverse("reports:table", args=["member-collection"]), {"org": subtree["c"].pk, "year": Y})
    assert preview.status_code == 200 and preview.context["count"] == 5
    assert subtree["m5"].id_number_masked in preview.content.decode()
    assert _id(D(2000, 5, 1), "512") not in preview.content.decode()


NEW_TABLE = """
code = "men-and-women"
title = "男女党员"
version = "1"
rows = "children"

[[columns]]
heading = "男"
path = "members.by_gender.male"

[[columns]]
heading = "女"
path = "members.by_gender.female"

[[columns]]
heading = "男减女"
difference = ["members.by_gender.male", "members.by_gender.female"]
"""


def test_a_table_added_in_the_admin_works_without_code(subtree):
    form = ReportTableForm(data={"source": NEW_TABLE, "active": True})
    assert form.is_valid(), form.errors
    table = form.save()
    assert (table.code, table.origin, table.kind) == ("men-and-women", "site", "aggregate")
    built = tables.build(table, subtree["c"], tables.table_day(Y))
    assert _grid(built) == {"测试第一支部": [1, 2, -1], "测试第二支部": [1, 0, 1], "直属": [1, 0, 1],
                            "合计": [3, 2, 1]}
    # The shipped files never overwrite a table of the site, even one with a shipped code.
    assert load_table_text(NEW_TABLE.replace('version = "1"', 'version = "2"')) == ("men-and-women", "site")
    table.refresh_from_db()
    assert table.version == "1"


def test_loader_updates_a_shipped_table_when_its_version_changes(db):
    text = NEW_TABLE.replace("men-and-women", "shipped-test")
    assert load_table_text(text) == ("shipped-test", "created")
    assert load_table_text(text) == ("shipped-test", "kept")
    changed = text.replace('version = "1"', 'version = "2"').replace('heading = "男减女"', 'heading = "差"')
    assert load_table_text(changed) == ("shipped-test", "updated")
    table = ReportTable.objects.get(code="shipped-test")
    assert (table.version, table.origin, table.spec["columns"][2]["heading"]) == ("2", "file", "差")


@pytest.mark.parametrize(("text", "words"), [
    ("code = [", ["TOML"]),
    (NEW_TABLE.replace("members.by_gender.male\"\n", "members.by_gendre.male\"\n", 1), ["members.by_gendre.male"]),
    (NEW_TABLE.replace("members.by_gender.female\"\n", "members.by_gender.femal\"\n", 1), ["femal", "by_gender"]),
    (NEW_TABLE.replace('heading = "男"', 'heading = "男"\ncolour = "red"'), ["colour"]),
    (NEW_TABLE.replace('rows = "children"', 'rowz = "children"'), ["rowz"]),
    (NEW_TABLE.replace('rows = "children"', 'rows = "children"\nkind = "records"\nsource = "members"'), ["rows"]),
    ('code = "x"\ntitle = "x"\nversion = "1"\nkind = "records"\nsource = "members"\n[[columns]]\nheading = "x"\n'
     'field = "password"\n', ["password"]),
])
def test_a_bad_definition_is_refused_with_a_message_naming_it(db, text, words):
    form = ReportTableForm(data={"source": text, "active": True})
    assert not form.is_valid()
    message = " ".join(form.errors["source"])
    for word in words:
        assert word in message
    with pytest.raises(ValueError, match="broken.toml"):
        load_table_text(text, name="broken.toml")


def _rows_of(export):
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    sheet = load_workbook(export.file.open("rb")).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def test_member_collection_is_masked_unless_asked_in_full(subtree, personas, monkeypatch):
    table = ReportTable.objects.get(code="member-collection")
    actor = personas["city"]
    masked = tables.records_export(actor=actor, table=table, organization=subtree["c"], year=Y)
    assert (masked.kind, masked.full, masked.row_count) == (Export.Kind.REPORT_TABLE, False, 5)
    rows = _rows_of(export_run(export_id=masked.pk))
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"甲一", "甲五", "外六", "甲二", "丙七"}
    assert by_name["甲五"][2] == subtree["m5"].id_number_masked and "*" in by_name["甲五"][2]
    assert by_name["甲五"][12] == "139****5678" and by_name["甲五"][6] == "预备党员"
    with pytest.raises(ValidationError) as caught:
        tables.records_export(actor=actor, table=table, organization=subtree["c"], year=Y, full=True)
    assert "purpose" in caught.value.message_dict
    full = tables.records_export(actor=actor, table=table, organization=subtree["c"], year=Y, full=True,
                                 purpose="报送全国党员管理信息系统")
    by_name = {row[0]: row for row in _rows_of(export_run(export_id=full.pk))}
    assert by_name["甲五"][2] == _id(D(2000, 5, 1), "512") and by_name["甲五"][12] == "13912345678"
    entry = AuditEntry.objects.filter(action="report_table.exported", object_id=str(table.pk)).latest("id")
    assert entry.note == "报送全国党员管理信息系统" and entry.changes["full"] is True
    # Without the right to reveal in the subtree, no full file.
    monkeypatch.setattr(tables, "can", lambda user, action, obj: action != "reveal")
    with pytest.raises(ValidationError) as caught:
        tables.records_export(actor=actor, table=table, organization=subtree["c"], year=Y, full=True,
                              purpose="报送")
    assert "full" in caught.value.message_dict


def test_records_export_page_queues_and_sends_to_the_export_list(subtree, client_for):
    client = client_for("city")
    url = reverse("reports:table_xlsx", args=["org-collection"])
    assert client.get(url, {"org": subtree["c"].pk, "year": Y}).status_code == 200
    answer = client.post(f"{url}?org={subtree['c'].pk}&year={Y}", {"year": Y})
    assert answer.status_code == 302 and answer["Location"] == reverse("members:exports")
    export = Export.objects.filter(kind=Export.Kind.REPORT_TABLE).latest("id")
    assert export.params["table"] == "org-collection" and export.row_count == 3
    rows = _rows_of(export_run(export_id=export.pk))
    assert [row[0] for row in rows] == ["测试党委", "测试第一支部", "测试第二支部"]
    assert [row[6] for row in rows] == [1, 3, 1]  # members held by each on 31 December
    exports = client.get(reverse("members:exports"))
    assert "报表" in exports.content.decode() or "Report table" in exports.content.decode()


def test_every_shipped_table_loads(db):
    from dangjian.reports.loading import load_report_tables

    outcomes = load_report_tables()
    assert "invalid" not in outcomes.values()
    assert {"member-counts", "member-structure", "organizations", "members-leaving", "appraisals", "training",
            "org-collection", "member-collection", "recruitment"} <= set(outcomes)


def test_admin_site_adds_and_refuses_definitions(client_for):
    client = client_for("admin")
    add = reverse("admin:reports_reporttable_add")
    assert client.get(add).status_code == 200
    bad = client.post(add, {"source": NEW_TABLE.replace("members.by_gender.male\"\n", "members.nothing\"\n", 1),
                            "active": "on"})
    assert bad.status_code == 200 and "members.nothing" in bad.content.decode()
    good = client.post(add, {"source": NEW_TABLE, "active": "on"})
    assert good.status_code == 302
    table = ReportTable.objects.get(code="men-and-women")
    assert table.origin == "site" and [c["heading"] for c in table.spec["columns"]] == ["男", "女", "男减女"]
    assert client.get(reverse("admin:reports_reporttable_change", args=[table.pk])).status_code == 200


def test_rows_by_the_keys_of_a_breakdown(subtree):
    text = """
code = "ages"
title = "年龄"
version = "1"
rows = { keys = "members.by_age_band", labels = { to_30 = "30岁及以下" } }

[[columns]]
heading = "人数"
path = "members.by_age_band.{key}"
"""
    form = ReportTableForm(data={"source": text, "active": True})
    assert form.is_valid(), form.errors
    built = tables.build(form.save(), subtree["c"], tables.table_day(Y))
    grid = _grid(built)
    # On 31 December: m5 is 25, m6 33; m1, m2 and m7 are 50.
    assert grid["30岁及以下"] == [1] and grid["31–35"] == [1] and grid["46–50"] == [3]
    assert sum(values[0] for values in grid.values()) == 5
    assert "figure=by_age_band" in built.rows[0].cells[0].url and "key=to_30" in built.rows[0].cells[0].url
