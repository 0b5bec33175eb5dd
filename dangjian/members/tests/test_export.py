"""Exporting the filtered roster: scope, masking, full data with a purpose, background exports."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from dangjian.accounts.models import User
from dangjian.core.access import ROLE_ACTIONS, Role
from dangjian.core.models import AuditEntry, Export
from dangjian.core.spreadsheets import ImportRejected, choice_label
from dangjian.members.choices import Category
from dangjian.members.importing import MEMBER_COLUMNS, members_import
from dangjian.members.models import Member

HEADERS = [c.header for c in MEMBER_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    values = list(sheet.values)
    assert list(values[0]) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in values[1:]], content


def plain(member_ids, field="id_number"):
    return set(Member.objects.filter(pk__in=member_ids).values_list(field, flat=True))


def test_get_shows_options_and_count_but_never_data(client_for, org):
    response = client_for("branch").get("/members/export/", {"org": org["branch"].pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["count"] == org["branch"].members.on_roll().count()
    html = response.content.decode()
    assert 'name="full"' in html and 'name="purpose"' in html
    assert not AuditEntry.objects.filter(action="member.exported").exists()


def test_branch_export_has_only_its_members_masked_and_is_logged(client_for, personas, org):
    response = client_for("branch").post("/members/export/", {})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows, content = rows_of(response)
    on_roll = org["branch"].members.on_roll()
    assert len(rows) == on_roll.count()
    assert {r["所在党组织编码"] for r in rows} == {org["branch"].code}
    assert {r["身份证号"] for r in rows} == set(on_roll.values_list("id_number_masked", flat=True))
    assert all("*" in r["身份证号"] and "*" in r["手机号"] for r in rows)
    for secret in plain(on_roll.values("pk")) | plain(on_roll.values("pk"), "phone"):
        assert secret.encode() not in content
    entry = AuditEntry.objects.get(action="member.exported")
    assert entry.actor == personas["branch"] and entry.organization == org["branch"]
    assert entry.changes["rows"] == len(rows) and entry.changes["full"] is False


def test_export_follows_the_roster_filters(client_for, org):
    client = client_for("community")
    query = f"?org={org['community'].pk}&category=retired&q="
    response = client.post("/members/export/" + query, {})
    rows, _content = rows_of(response)
    expected = Member.objects.filter(organization__path__startswith=org["community"].path, category="retired").on_roll()
    assert len(rows) == expected.count() > 0
    assert {r["党员类别"] for r in rows} == {choice_label(Category, Category.RETIRED)}
    entry = AuditEntry.objects.get(action="member.exported")
    assert QueryDict(entry.changes["filters"]) == QueryDict(f"org={org['community'].pk}&category=retired")
    assert entry.organization == org["community"]


def test_filters_outside_the_users_sight_export_nothing(client_for, org):
    client = client_for("branch")
    response = client.get("/members/export/", {"org": org["sibling"].pk})
    assert response.status_code == 200 and response.context["valid"] is False
    response = client.post(f"/members/export/?org={org['sibling'].pk}", {})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action="member.exported").exists()


def test_full_export_needs_a_purpose_and_is_logged(client_for, personas, org):
    client = client_for("branch")
    response = client.post("/members/export/", {"full": "on", "purpose": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["purpose"] == [_("State why you need the full personal data.")]
    assert not AuditEntry.objects.filter(action="member.exported").exists()
    response = client.post("/members/export/", {"full": "on", "purpose": "换届选举资格审查"})
    rows, _content = rows_of(response)
    on_roll = org["branch"].members.on_roll()
    assert {r["身份证号"] for r in rows} == plain(on_roll.values("pk"))
    assert {r["家庭住址"] for r in rows} == plain(on_roll.values("pk"), "address")
    entry = AuditEntry.objects.get(action="member.exported")
    assert entry.note == "换届选举资格审查" and entry.changes["full"] is True and entry.changes["rows"] == len(rows)


def test_full_export_needs_reveal_on_every_row(client_for, org, monkeypatch):
    monkeypatch.setitem(ROLE_ACTIONS, Role.SECRETARY, ROLE_ACTIONS[Role.SECRETARY] - {"reveal"})
    client = client_for("branch")
    response = client.post("/members/export/", {"full": "on", "purpose": "核对信息"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["full"]
    assert not AuditEntry.objects.filter(action="member.exported").exists()
    rows, _content = rows_of(client.post("/members/export/", {}))  # masked is still allowed
    assert len(rows) == org["branch"].members.on_roll().count()


@pytest.mark.parametrize("persona", ["auditor", "member"])
def test_personas_without_export_are_forbidden(client_for, persona):
    client = client_for(persona)
    assert client.get("/members/export/").status_code == 403
    assert client.post("/members/export/", {}).status_code == 403
    assert not AuditEntry.objects.filter(action="member.exported").exists()


def test_large_export_runs_in_the_background_for_the_requester_only(
        client_for, personas, org, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_LIMIT = 5
    settings.MEDIA_ROOT = tmp_path
    client = client_for("branch")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/export/", {"full": "on", "purpose": "年度统计"})
    assert response.status_code == 302 and response["Location"] == "/members/exports/"
    export = Export.objects.get()
    count = org["branch"].members.on_roll().count()
    assert (export.requested_by, export.kind, export.status, export.row_count) == (
        personas["branch"], Export.Kind.MEMBERS, Export.Status.DONE, count)
    assert export.full and export.purpose == "年度统计" and export.finished_at
    assert export.file.name.startswith("exports/") and (tmp_path / export.file.name).exists()
    entry = AuditEntry.objects.get(action="member.exported")
    assert entry.changes["rows"] == count and entry.changes["background"] is True and entry.note == "年度统计"
    listing = client.get("/members/exports/")
    assert f"/members/exports/{export.pk}/download/" in listing.content.decode()
    download = client.get(f"/members/exports/{export.pk}/download/")
    assert download.status_code == 200
    rows, _content = rows_of(download)
    assert {r["身份证号"] for r in rows} == plain(org["branch"].members.on_roll().values("pk"))
    for other in ("sibling", "community", "admin"):
        assert client_for(other).get(f"/members/exports/{export.pk}/download/").status_code == 404
        assert f"/members/exports/{export.pk}/" not in client_for(other).get("/members/exports/").content.decode()


def test_a_failed_background_export_is_kept_as_failed(client_for, settings, tmp_path, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_LIMIT = 1
    settings.MEDIA_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("dangjian.members.exporting.write_rows", broken)
    client = client_for("branch")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/members/export/", {})
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED and "disk full" in export.error and not export.file
    page = client.get(f"/members/exports/{export.pk}/download/")  # says it failed; no file
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert page.context["focus"] == export and "alert-danger" in page.content.decode()
    assert not list(tmp_path.glob("exports/*"))


def test_a_full_export_goes_back_in_through_the_import(client_for, org):
    """An export has the import's columns: re-importing it trips only on the ID numbers already there."""
    response = client_for("branch").post("/members/export/", {"full": "on", "purpose": "迁移测试"})
    _rows, content = rows_of(response)
    with pytest.raises(ImportRejected) as caught:
        members_import(actor=User.objects.get(username="branch"), upload=SimpleUploadedFile("x.xlsx", content))
    errors = caught.value.row_errors
    assert len(errors) == org["branch"].members.on_roll().count()
    assert {(e.column, e.message) for e in errors} == {
        ("身份证号", _("A member with this ID number is already on the register."))}
