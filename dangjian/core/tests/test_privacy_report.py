"""The personal-data access report: scoped like the audit log, filtered, counted, exported (and audited)."""
import io

import openpyxl
from django.urls import reverse

from dangjian.core.audit import audit_log
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import member_reveal

URL = reverse("personal_data_report")


def _reveal(personas, org, purpose="核对党员信息"):
    names = {u.get_full_name() for u in personas.values()}
    member = Member.objects.filter(organization=org["branch"]).exclude(name__in=names).exclude(phone_hash="").first()
    member_reveal(actor=personas["branch"], member=member, field="phone", purpose=purpose)
    return member


def test_auditor_sees_reveals_with_purpose_and_masked_names(client_for, personas, org):
    member = _reveal(personas, org, purpose="组织关系转接核对")
    response = client_for("auditor").get(URL, {"kind": "reveal"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "组织关系转接核对" in page
    assert member.name not in page  # the person's name is masked
    assert f"{member.name[:1]}" in page and f"#{member.pk}" in page
    assert member.phone not in page and member.phone_masked not in page
    assert any(row["actor_name"] == personas["branch"].get_full_name() for row in response.context["summary"]["per_actor"])
    assert {"note": "组织关系转接核对", "n": 1} in response.context["summary"]["per_purpose"]


def test_filters_by_actor_kind_period_and_organization(client_for, personas, org):
    _reveal(personas, org)
    audit_log(actor=personas["community"], action="dues.exported", obj=org["sibling"], organization=org["sibling"])
    client = client_for("auditor")
    by_actor = client.get(URL, {"actor": personas["branch"].pk}).context["page_obj"]
    assert by_actor.paginator.count >= 1 and all(e.actor_id == personas["branch"].pk for e in by_actor)
    exports = client.get(URL, {"kind": "export", "org": org["sibling"].pk}).context["page_obj"]
    assert [e.action for e in exports] == ["dues.exported"]
    assert client.get(URL, {"start": "2000-01-01", "end": "2000-01-02"}).context["page_obj"].paginator.count == 0
    bad = client.get(URL, {"start": "yesterday"})
    assert bad.status_code == 200 and bad.context["errors"]


def test_other_actions_are_not_in_the_report(client_for, personas, org):
    audit_log(actor=personas["branch"], action="member.updated", obj=org["branch"], organization=org["branch"])
    actions = {e.action for e in client_for("auditor").get(URL).context["page_obj"]}
    assert "member.updated" not in actions


def test_scope_follows_the_audit_log(client_for, personas, org, django_user_model):
    _reveal(personas, org)
    assert client_for("organizer").get(URL).status_code == 200
    for persona in ("branch", "member", "resident"):
        assert client_for(persona).get(URL).status_code == 403
    # An organization outside the auditor's audit scope answers 404.
    from dangjian.core.access import user_scope

    scope = user_scope(personas["auditor"], "audit")
    if not scope.everything:
        outside = org["town"] if not any(org["town"].path.startswith(p) for p in scope.paths) else None
        if outside is not None:
            assert client_for("auditor").get(URL, {"org": outside.pk}).status_code == 404


def test_xlsx_download_is_audited_and_carries_no_personal_data(client_for, personas, org):
    member = _reveal(personas, org, purpose="走访慰问联系")
    response = client_for("auditor").get(URL, {"format": "xlsx", "kind": "reveal"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "走访慰问联系" in cells
    assert member.name not in cells and member.phone not in cells
    assert AuditEntry.objects.filter(action="audit.exported", actor=personas["auditor"]).exists()
    assert "auditor" in book.worksheets[0].oddHeader.center.text  # watermarked like every download


def test_odd_actor_values_are_ignored_not_an_error(client_for, personas, org):
    _reveal(personas, org)
    client = client_for("auditor")
    everyone = client.get(URL).context["page_obj"].paginator.count
    for odd in ("²", "١٢", "-1", "0", "9" * 30, "1e3", " "):
        response = client.get(URL, {"actor": odd})
        assert response.status_code == 200, odd
        assert response.context["page_obj"].paginator.count == everyone, odd


def test_the_export_service_writes_the_file_and_one_audit_entry(personas, org):
    from dangjian.core.privacy_report import Filters, privacy_report_export, scoped_entries

    _reveal(personas, org, purpose="核对")
    entries = Filters(kind="reveal").apply(scoped_entries(personas["auditor"]))
    content = privacy_report_export(actor=personas["auditor"], entries=entries, organization=org["street"],
                                    filters="kind=reveal")
    assert openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].max_row == entries.count() + 1
    logged = AuditEntry.objects.get(action="audit.exported", actor=personas["auditor"])
    assert (logged.organization_id, logged.changes) == (org["street"].pk, {"filters": "kind=reveal",
                                                                           "count": entries.count()})
