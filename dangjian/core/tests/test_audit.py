"""The audit log records changes and cannot be edited through the application."""
import pytest

from dangjian.core.audit import audit_log
from dangjian.core.models import AuditEntry


def test_entries_cannot_be_changed_or_deleted(personas, org):
    entry = audit_log(actor=personas["branch"], action="member.updated", obj=org["branch"], organization=org["branch"])
    entry.note = "篡改"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_unknown_action_codes_are_refused(org):
    with pytest.raises(ValueError):
        audit_log(actor=None, action="member.teleported", obj=org["branch"])


def test_admin_cannot_edit_the_log_and_role_changes_are_audited(client_for, personas, org):
    client = client_for("admin")
    entry = AuditEntry.objects.first()
    assert client.get(f"/django-admin/core/auditentry/{entry.pk}/change/").status_code == 200  # view only
    assert client.post(f"/django-admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    user = personas["sibling"]
    response = client.post(f"/django-admin/accounts/user/{user.pk}/change/", {
        "username": user.username, "full_name": user.full_name, "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": "committee_member", "role_assignments-0-organization": org["community"].pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action="role.granted", object_id=str(user.pk), changes__role="committee_member").exists()


def test_audit_log_page_is_scoped(client_for, org):
    response = client_for("auditor").get("/audit/")
    assert response.status_code == 200
    orgs = {e.organization_id for e in response.context["page_obj"] if e.organization_id}
    street = set(org["street"].subtree().values_list("pk", flat=True))
    assert orgs and orgs <= street
    assert client_for("branch").get("/audit/").status_code == 403


def test_audit_log_page_query_count_does_not_grow_with_its_entries(client_for, org, django_assert_max_num_queries):
    client = client_for("auditor")
    for i in range(60):  # a full page of entries with changes, each naming its object's type
        audit_log(actor=None, action="member.updated", obj=org["branch"], organization=org["branch"],
                  changes={"name": [f"旧{i}", f"新{i}"]})
    client.get("/audit/")  # content types cached as in a running server
    with django_assert_max_num_queries(12):
        response = client.get("/audit/")
    assert len(response.context["page_obj"]) == 50
    assert "新59" in response.content.decode()


def test_workbench_lists_meetings_still_due_for_a_branch(client_for):
    response = client_for("branch").get("/")
    kinds = {t["kind"] for t in response.context["todos"]}
    assert "meeting" in kinds
    assert "主题党日" in response.content.decode()
