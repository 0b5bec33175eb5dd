"""Importing the organization tree from Excel: any row order, loops, unknown and out-of-scope parents."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from dangjian.accounts.services import role_grant
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.core.spreadsheets import ImportRejected, choice_label
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.importing import ORG_COLUMNS, organizations_import
from dangjian.organizations.models import Organization

HEADERS = [c.header for c in ORG_COLUMNS]


def org_row(name, code, parent, org_type=OrgType.BRANCH, **extra):
    row = {"组织名称": name, "组织编码": code, "上级组织编码": parent, "组织类型": choice_label(OrgType, org_type),
           "单位类别": choice_label(UnitKind, UnitKind.COMMUNITY), "成立日期": "2024年7月1日"}
    row.update(extra)
    return row


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("orgs.xlsx", buffer.getvalue())


def rejected(actor, rows) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        organizations_import(actor=actor, upload=xlsx(rows))
    return caught.value


def test_rows_in_any_order_build_the_tree(client_for, personas, org):
    community = org["community"].code
    rows = [
        org_row("滨河社区第五党支部第一党小组", "T-G1", "T-B5", OrgType.PARTY_GROUP),  # before its parent
        org_row("滨河社区第五党支部", "T-B5", "T-GB"),                              # before its own parent
        org_row("滨河社区党总支", "T-GB", community, OrgType.GENERAL_BRANCH, 简称="滨河党总支", 联系人="王五"),
        org_row("滨河社区第六党支部", "T-B6", community),
    ]
    before = Organization.objects.count()
    response = client_for("community").post("/orgs/import/", {"file": xlsx(rows)})
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    assert Organization.objects.count() == before + 4
    parent = {code: Organization.objects.get_parent(Organization.objects.get(code=code)).code
              for code in ("T-G1", "T-B5", "T-GB", "T-B6")}
    assert parent == {"T-G1": "T-B5", "T-B5": "T-GB", "T-GB": community, "T-B6": community}
    general = Organization.objects.get(code="T-GB")
    assert (general.org_type, general.short_name, general.contact_person) == (OrgType.GENERAL_BRANCH, "滨河党总支", "王五")
    assert general.established_on.isoformat() == "2024-07-01" and general.versions.count() == 1
    assert AuditEntry.objects.filter(action="organization.created", object_id__in=[
        str(o.pk) for o in Organization.objects.filter(code__startswith="T-")]).count() == 4
    entry = AuditEntry.objects.get(action="organization.imported")
    assert entry.changes["count"] == 4 and entry.organization == org["community"]
    assert entry.actor == personas["community"]


def test_a_loop_of_parents_is_reported_and_nothing_is_created(personas, org):
    rows = [
        org_row("甲支部", "T-A", "T-C"),
        org_row("乙支部", "T-B", "T-A"),
        org_row("丙支部", "T-C", "T-B"),
        org_row("自己的上级", "T-S", "T-S"),
        org_row("正常支部", "T-OK", org["community"].code),
    ]
    before = Organization.objects.count()
    errors = rejected(personas["community"], rows).row_errors
    assert {(e.row, e.column) for e in errors} == {(2, "上级组织编码"), (3, "上级组织编码"), (4, "上级组织编码"),
                                                   (5, "上级组织编码")}
    by_row = {e.row: e.message for e in errors}
    assert by_row[2] == _("The parent codes form a loop: %(loop)s.") % {"loop": "T-A → T-C → T-B → T-A"}
    assert by_row[5] == _("The parent codes form a loop: %(loop)s.") % {"loop": "T-S → T-S"}
    assert Organization.objects.count() == before
    assert not AuditEntry.objects.filter(action__in=["organization.imported", "organization.created"],
                                         actor=personas["community"]).exists()


def test_unknown_out_of_scope_and_misplaced_parents_and_taken_codes(personas, org):
    group = Organization.objects.filter(org_type=OrgType.PARTY_GROUP, path__startswith=org["branch"].path).first()
    rows = [
        org_row("未知上级", "T-1", "NOPE"),                                   # row 2
        org_row("兄弟支部下", "T-2", org["sibling"].code, OrgType.PARTY_GROUP),   # row 3: not visible to branch
        org_row("小组下的小组", "T-3", group.code, OrgType.PARTY_GROUP),          # row 4: misplaced
        org_row("重复编码", org["branch"].code, org["branch"].code, OrgType.PARTY_GROUP),  # row 5: code taken
        org_row("文件内重复甲", "T-5", org["branch"].code, OrgType.PARTY_GROUP),    # row 6
        org_row("文件内重复乙", "T-5", org["branch"].code, OrgType.PARTY_GROUP),    # row 7
        org_row("", "T-7", org["branch"].code, OrgType.PARTY_GROUP),             # row 8: no name
        org_row("没有上级", "T-8", ""),                                        # row 9: roots are for admins
    ]
    errors = rejected(personas["branch"], rows).row_errors
    by_cell = {(e.row, e.column): e.message for e in errors}
    assert by_cell[(2, "上级组织编码")] == _("No organization with the code %(code)s is visible to you.") % {"code": "NOPE"}
    assert by_cell[(3, "上级组织编码")] == _("No organization with the code %(code)s is visible to you.") % {
        "code": org["sibling"].code}
    assert by_cell[(4, "组织类型")] == _("A Party group cannot have organizations under it.")
    assert by_cell[(5, "组织编码")] == _("Another organization already uses the code %(code)s.") % {
        "code": org["branch"].code}
    assert by_cell[(6, "组织编码")] == _("The same value is also in row %(row)d.") % {"row": 7}
    assert by_cell[(7, "组织编码")] == _("The same value is also in row %(row)d.") % {"row": 6}
    assert by_cell[(8, "组织名称")] == _("This field is required.")
    assert by_cell[(9, "上级组织编码")] == _("Enter the code of the parent organization.")
    assert not Organization.objects.filter(code__startswith="T-").exists()


def test_visible_parent_without_add_is_refused(personas, org):
    # A committee seat over the branch lets sibling see it, not add under it.
    role_grant(actor=None, user=personas["sibling"], role=Role.COMMITTEE_MEMBER, organization=org["branch"])
    sibling = type(personas["sibling"]).objects.get(pk=personas["sibling"].pk)
    errors = rejected(sibling, [org_row("新党小组", "T-9", org["branch"].code, OrgType.PARTY_GROUP)]).row_errors
    assert [e.message for e in errors] == [_("You may not add organizations under %(name)s.") % {
        "name": org["branch"].name}]


def test_admin_may_create_a_new_root(personas):
    result = organizations_import(actor=personas["admin"], upload=xlsx([
        org_row("中共临海市委员会", "T-ROOT", "", OrgType.COMMITTEE), org_row("临海市第一党支部", "T-R1", "T-ROOT")]))
    assert result.created == 2
    root = Organization.objects.get(code="T-ROOT")
    assert root.is_root() and Organization.objects.get_parent(Organization.objects.get(code="T-R1")) == root


def test_rejected_file_is_shown_row_by_row(client_for, org):
    response = client_for("community").post("/orgs/import/", {"file": xlsx([
        org_row("甲", "T-A", "T-B"), org_row("乙", "T-B", "T-A")])})
    assert response.status_code == 200
    html = response.content.decode()
    assert "table-import-errors" in html and "T-A → T-B → T-A" in html


def test_template_and_page_access(client_for):
    client = client_for("community")
    response = client.get("/orgs/import/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(next(workbook.worksheets[0].values)) == HEADERS
    assert workbook.sheetnames[1] == "填写说明"
    assert client.get("/orgs/import/").status_code == 200
    # The unchanged template imports nothing.
    template = b"".join(client.get("/orgs/import/template/").streaming_content)
    response = client.post("/orgs/import/", {"file": SimpleUploadedFile("t.xlsx", template)})
    assert response.status_code == 200 and not response.context["rejected"].row_errors
    for persona in ("auditor", "member"):
        other = client_for(persona)
        assert other.get("/orgs/import/").status_code == 403
        assert other.get("/orgs/import/template/").status_code == 403


def test_wrong_headers_are_refused(personas):
    with pytest.raises(ImportRejected) as caught:
        organizations_import(actor=personas["community"], upload=xlsx([org_row("甲", "T-A", "")], headers=HEADERS[:-1]))
    assert "办公电话" in caught.value.message
