"""Importing members from Excel: the template, a clean 500-row file, and files refused row by row."""
import datetime
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.core.spreadsheets import ImportRejected, bool_label, choice_label
from dangjian.core.validators import id_number_check_char, id_number_gender
from dangjian.members.choices import Category, Education, Ethnicity, Gender, MemberStatus
from dangjian.members.importing import MEMBER_COLUMNS, members_import
from dangjian.members.models import Member, Membership

HEADERS = [c.header for c in MEMBER_COLUMNS]


def make_id(birth: datetime.date, seq: int, region: str = "330102") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def member_row(i: int, org_code: str, **overrides) -> dict:
    """One valid row as {header: cell}; dates alternate between Excel dates and the text forms."""
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=20 * i)
    if (birth.month, birth.day) == (2, 29):
        birth -= datetime.timedelta(days=1)
    id_number = make_id(birth, i)
    joined = birth.replace(year=birth.year + 25)
    full = joined.replace(year=joined.year + 1)
    joined_cell = [joined, f"{joined:%Y/%m/%d}".replace("/0", "/"), f"{joined.year}年{joined.month}月{joined.day}日",
                   joined.isoformat()][i % 4]
    row = {
        "姓名": f"测试{i:04d}", "性别": choice_label(Gender, id_number_gender(id_number)),
        "民族": choice_label(Ethnicity, Ethnicity.HAN), "出生日期": birth, "身份证号": id_number,
        "手机号": f"139{i:08d}", "家庭住址": f"临江市江滨街道测试路{i}号", "学历": choice_label(Education, Education.COLLEGE),
        "入党日期": joined_cell, "转正日期": full, "党员状态": choice_label(MemberStatus, MemberStatus.FULL),
        "党员类别": choice_label(Category, Category.RETIRED), "困难党员": bool_label(i % 10 == 0),
        "所在党组织编码": org_code, "党小组编码": "", "工作单位": "", "职务": "",
    }
    row.update(overrides)
    return row


def xlsx(rows, headers=HEADERS, name="members.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def errors_of(actor, upload) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        members_import(actor=actor, upload=upload)
    return caught.value


def test_template_has_headers_example_lists_and_notes(client_for, org):
    response = client_for("branch").get("/members/import/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS
    assert rows[1][HEADERS.index("所在党组织编码")] == org["branch"].code  # an example in the user's own branch
    listed = {str(dv.sqref).split(":")[0][:-1] for dv in sheet.data_validations.dataValidation}
    # Drop-downs on 性别 (B), 民族 (C), 学历 (H), 党员状态 (K), 党员类别 (L), 困难党员 (M).
    assert listed == {"B", "C", "H", "K", "L", "M"}
    assert sheet.column_dimensions["E"].number_format == "@"  # ID numbers stay text
    assert workbook.sheetnames[1] == "填写说明"
    assert [r[0] for r in list(workbook.worksheets[1].values)[1:len(HEADERS) + 1]] == HEADERS
    assert workbook["选项"].sheet_state == "hidden"


def test_unchanged_template_example_is_not_imported(client_for, org):
    client = client_for("branch")
    template = b"".join(client.get("/members/import/template/").streaming_content)
    response = client.post("/members/import/", {"file": SimpleUploadedFile("t.xlsx", template)})
    assert response.status_code == 200
    assert str(_("The file has no data rows below the headers.")) in response.content.decode()


def test_500_valid_rows_are_imported_in_bulk(client_for, personas, org, django_assert_max_num_queries):
    code = org["branch"].code
    upload = xlsx([member_row(i, code) for i in range(500)])
    before, periods = Member.objects.count(), Membership.objects.count()
    client = client_for("branch")
    started = time.monotonic()
    with django_assert_max_num_queries(60):
        response = client.post("/members/import/", {"file": upload})
    elapsed = time.monotonic() - started
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert Member.objects.count() == before + 500
    assert Membership.objects.count() == periods + 500
    imported = Member.objects.filter(name__startswith="测试")
    assert imported.count() == 500 and set(imported.values_list("organization_id", flat=True)) == {org["branch"].pk}
    assert Membership.objects.filter(member__in=imported, organization=org["branch"], ended_on__isnull=True).count() == 500
    sample = Member.objects.get(name="测试0010")
    expected = member_row(10, code)
    assert sample.id_number == expected["身份证号"] and sample.id_number_masked.endswith(expected["身份证号"][-4:])
    assert sample.in_hardship and sample.category == Category.RETIRED and sample.education == Education.COLLEGE
    assert sample.joined_on == sample.birth_date.replace(year=sample.birth_date.year + 25)
    entry = AuditEntry.objects.get(action="member.imported")
    assert entry.changes["count"] == 500 and entry.organization == org["branch"]
    assert entry.actor == personas["branch"]
    assert elapsed < 20, f"500 rows took {elapsed:.1f}s"


def test_bad_rows_write_nothing_and_each_is_reported(personas, org):
    code = org["branch"].code
    existing = Member.objects.values_list("id_number", flat=True).get(pk=org["branch"].members.first().pk)
    good_id = member_row(1, code)["身份证号"]
    bad_check = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    wrong_birth = member_row(3, code)
    wrong_birth["出生日期"] = datetime.date(1961, 2, 3)
    rows = [
        member_row(0, code),                                          # row 2: fine
        member_row(1, code, 身份证号=bad_check),                       # row 3: check digit
        wrong_birth,                                                  # row 4: birth date mismatch
        member_row(4, code),                                          # row 5: same ID as row 6
        member_row(5, code, 身份证号=member_row(4, code)["身份证号"],
                   性别=member_row(4, code)["性别"], 出生日期=member_row(4, code)["出生日期"]),  # row 6
        member_row(6, code, 身份证号=existing, 性别="", 出生日期=None),     # row 7: already on the register
        member_row(7, "NOPE-404"),                                    # row 8: unknown organization
        member_row(8, org["sibling"].code),                           # row 9: out of scope for branch
        member_row(9, code, 姓名=""),                                  # row 10: required value missing
        member_row(10, code, 入党日期="去年"),                           # row 11: not a date
        member_row(11, code, 党员状态="老党员"),                          # row 12: not a choice
    ]
    before = Member.objects.count()
    with translation.override("zh-hans"):
        rejected = errors_of(personas["branch"], xlsx(rows))
        found = {(e.row, e.column): e.message for e in rejected.row_errors}
        assert found[(3, "身份证号")] == _("The check digit of the ID number is wrong; please check the last character.")
        assert found[(4, "出生日期")] == _("The birth date does not match the ID number.")
        assert found[(5, "身份证号")] == _("The same value is also in row %(row)d.") % {"row": 6}
        assert found[(6, "身份证号")] == _("The same value is also in row %(row)d.") % {"row": 5}
        assert found[(7, "身份证号")] == _("A member with this ID number is already on the register.")
        assert found[(8, "所在党组织编码")] == _("No organization with the code %(code)s is visible to you.") % {
            "code": "NOPE-404"}
        assert found[(9, "所在党组织编码")] == _("No organization with the code %(code)s is visible to you.") % {
            "code": org["sibling"].code}
        assert found[(10, "姓名")] == _("This field is required.")
        assert (11, "入党日期") in found and "去年" in found[(11, "入党日期")]
        assert (12, "党员状态") in found
        assert {e.row for e in rejected.row_errors} == set(range(3, 13))
        assert "10" in rejected.message
    assert Member.objects.count() == before
    assert not AuditEntry.objects.filter(action="member.imported").exists()


def test_rejected_file_lists_every_error_on_the_page(client_for, org):
    code = org["branch"].code
    rows = [member_row(0, code), member_row(1, code, 姓名=""), member_row(2, "NOPE-404")]
    response = client_for("branch").post("/members/import/", {"file": xlsx(rows)})
    assert response.status_code == 200
    rejected = response.context["rejected"]
    assert [(e.row, e.column) for e in rejected.row_errors] == [(3, "姓名"), (4, "所在党组织编码")]
    html = response.content.decode()
    assert "table-import-errors" in html and "所在党组织编码" in html and "NOPE-404" in html
    assert not Member.objects.filter(name__startswith="测试").exists()


def test_row_numbers_are_those_excel_shows_despite_blank_rows(personas, org):
    rows = [member_row(0, org["branch"].code), {}, {}, member_row(1, org["branch"].code, 姓名="")]
    [error] = errors_of(personas["branch"], xlsx(rows)).row_errors
    assert (error.row, error.column) == (5, "姓名")
    assert str(error) == _("Row %(row)d, column %(column)s: %(message)s") % {
        "row": 5, "column": "姓名", "message": error.message}


def test_id_number_stored_as_a_number_is_explained(personas, org):
    row = member_row(0, org["branch"].code)
    row["身份证号"] = int(row["身份证号"][:17])  # what Excel does to a long number typed into a General cell
    rejected = errors_of(personas["branch"], xlsx([row]))
    assert [(e.row, e.column) for e in rejected.row_errors] == [(2, "身份证号")]
    assert "Excel" in rejected.row_errors[0].message


def test_gender_and_birth_date_are_read_from_the_id_number(personas, org):
    row = member_row(0, org["branch"].code, 性别=None, 出生日期=None, 民族=None)
    result = members_import(actor=personas["branch"], upload=xlsx([row]))
    assert result.created == 1
    member = Member.objects.get(name="测试0000")
    assert member.birth_date == datetime.date(1960, 1, 1) and member.gender == id_number_gender(row["身份证号"])
    assert member.ethnicity == Ethnicity.HAN


@pytest.mark.parametrize("name, content", [
    ("notes.xlsx", "姓名,身份证号\n张三,1234\n".encode()),  # a text file renamed
    ("members.csv", "姓名,身份证号\n".encode()),
])
def test_files_that_are_not_xlsx_are_refused(personas, name, content):
    rejected = errors_of(personas["branch"], SimpleUploadedFile(name, content))
    assert rejected.row_errors == [] and ".xlsx" in rejected.message


def test_wrong_headers_empty_files_and_too_many_rows_are_refused(personas, org, monkeypatch):
    branch = personas["branch"]
    wrong = [h for h in HEADERS if h != "身份证号"] + ["备注"]
    rejected = errors_of(branch, xlsx([member_row(0, org["branch"].code)], headers=wrong))
    assert "身份证号" in rejected.message and "备注" in rejected.message
    assert "身份证号" in errors_of(branch, xlsx([], headers=HEADERS[:3])).message
    assert errors_of(branch, xlsx([])).message == _("The file has no data rows below the headers.")
    monkeypatch.setattr("dangjian.core.spreadsheets.MAX_ROWS", 3)
    rejected = errors_of(branch, xlsx([member_row(i, org["branch"].code) for i in range(4)]))
    assert "3" in rejected.message and not rejected.row_errors


def test_sibling_cannot_import_into_branch(client_for, personas, org):
    rows = [member_row(0, org["branch"].code)]
    response = client_for("sibling").post("/members/import/", {"file": xlsx(rows)})
    assert response.status_code == 200
    [error] = response.context["rejected"].row_errors
    assert (error.row, error.column) == (2, "所在党组织编码")
    assert not Member.objects.filter(name="测试0000").exists()
    # Seeing the branch is not enough: adding members needs the add action there.
    role_grant(actor=None, user=personas["sibling"], role=Role.COMMITTEE_MEMBER, organization=org["branch"])
    sibling = User.objects.get(username="sibling")
    [error] = errors_of(sibling, xlsx(rows)).row_errors
    assert error.message == _("You may not add members to %(name)s.") % {"name": org["branch"].name}


@pytest.mark.parametrize("persona", ["auditor", "member"])
def test_personas_without_add_cannot_import(client_for, org, persona):
    client = client_for(persona)
    assert client.get("/members/import/").status_code == 403
    assert client.get("/members/import/template/").status_code == 403
    response = client.post("/members/import/", {"file": xlsx([member_row(0, org["branch"].code)])})
    assert response.status_code == 403
    assert not Member.objects.filter(name="测试0000").exists()


def test_import_page_renders_for_secretary(client_for):
    response = client_for("branch").get("/members/import/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and "/members/import/template/" in html
    assert "<script>" not in html and "style=" not in html


def test_choice_cells_accept_english_labels_codes_and_short_ethnic_names(personas, org):
    row = member_row(0, org["branch"].code, 党员状态="full", 党员类别="Retired", 学历="college",
                     民族=choice_label(Ethnicity, Ethnicity.MANCHU)[:-1] if choice_label(
                         Ethnicity, Ethnicity.MANCHU).endswith("族") else "Manchu")
    assert members_import(actor=personas["branch"], upload=xlsx([row])).created == 1
    member = Member.objects.get(name="测试0000")
    assert (member.status, member.category, member.education, member.ethnicity) == (
        MemberStatus.FULL, Category.RETIRED, Education.COLLEGE, Ethnicity.MANCHU)
