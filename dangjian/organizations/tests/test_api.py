"""The organization API (/api/v1/organizations/): scope per persona, filters, counts, create and edit."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.core.testing import api_ids
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

LIST = "/api/v1/organizations/"


def detail_url(pk):
    return f"{LIST}{pk}/"


def all_ids(client, url=LIST, **params):
    return api_ids(client, url, **params)


def subtree_ids(org):
    return set(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


@pytest.mark.parametrize("persona, scope", [
    ("admin", "city"), ("city", "city"), ("organizer", "street"), ("auditor", "street"),
    ("community", "community"), ("branch", "branch"), ("sibling", "sibling"),
])
def test_list_is_exactly_the_personas_subtree(client_for, org, persona, scope):
    ids = all_ids(client_for(persona))
    assert len(ids) == len(set(ids))
    assert set(ids) == subtree_ids(org[scope])


def test_member_sees_own_branch_and_group_only(client_for, personas, org):
    record = personas["member"].member
    expected = {org["branch"].pk} | ({record.party_group_id} if record.party_group_id else set())
    assert set(all_ids(client_for("member"))) == expected


def test_sibling_cannot_read_the_other_branch(client_for, org):
    client = client_for("sibling")
    assert client.get(detail_url(org["branch"].pk)).status_code == 404
    assert client.get(detail_url(org["community"].pk)).status_code == 404
    assert client.get(detail_url(org["sibling"].pk)).status_code == 200


def test_anonymous_is_refused(client_for, org):
    client = client_for(None)
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert client.get(detail_url(org["branch"].pk)).status_code == 401
    assert client.post(LIST, {"name": "x"}, content_type="application/json").status_code == 401


def test_list_is_in_tree_order_with_place_in_tree(client_for, org):
    rows = client_for("organizer").get(LIST, {"page_size": 200}).json()["results"]
    paths = dict(Organization.objects.values_list("pk", "path"))
    assert [paths[r["id"]] for r in rows] == sorted(paths[r["id"]] for r in rows)
    by_id = {r["id"]: r for r in rows}
    street = by_id[org["street"].pk]
    assert street["parent"] == org["city"].pk
    assert street["depth"] == 2
    assert "member_count" not in street
    assert by_id[org["branch"].pk]["parent"] == org["community"].pk
    assert by_id[org["branch"].pk]["org_type_display"]


def test_detail_counts_members_on_the_roll_in_the_subtree(client_for, org):
    community = org["community"]
    body = client_for("community").get(detail_url(community.pk)).json()
    expected = Member.objects.on_roll().filter(organization__path__startswith=community.path).count()
    assert expected > 0
    assert body["member_count"] == expected
    assert body["children_count"] == Organization.objects.filter(
        path__startswith=community.path, depth=community.depth + 1).count()
    # The community secretary cannot see the parent, but learns only its id.
    assert body["parent"] == Organization.objects.get_parent(community).pk


def test_root_has_no_parent(client_for, org):
    assert client_for("city").get(detail_url(org["city"].pk)).json()["parent"] is None


def test_filters(client_for, org):
    client = client_for("organizer")
    community = org["community"]
    children = set(all_ids(client, parent=community.pk))
    assert children == set(Organization.objects.filter(
        path__startswith=community.path, depth=community.depth + 1).values_list("pk", flat=True))
    assert org["branch"].pk in children and community.pk not in children
    assert set(all_ids(client, root=community.pk)) == subtree_ids(community)
    branches = all_ids(client, org_type="branch")
    assert branches and all(Organization.objects.get(pk=pk).org_type == "branch" for pk in branches)
    assert set(all_ids(client, q="滨河")) == set(
        Organization.objects.filter(path__startswith=org["street"].path, name__contains="滨河").values_list("pk", flat=True))
    assert all_ids(client, root=org["town"].pk) == []  # out of scope: nothing, not an error
    assert client.get(LIST, {"parent": "abc"}).status_code == 400


def test_list_queries_do_not_grow_with_the_page(client_for, db):
    client = client_for("organizer")
    counts = []
    for size in (5, 60):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(LIST, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_branch_sets_up_a_party_group_under_its_branch(client_for, personas, org):
    branch = org["branch"]
    payload = {"parent": branch.pk, "name": "滨河社区9号楼党小组", "code": "API-PG-1", "org_type": "party_group",
               "unit_kind": "community", "short_name": "9号楼"}
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    created = Organization.objects.get(code="API-PG-1")
    assert body["id"] == created.pk and body["parent"] == branch.pk
    assert body["depth"] == branch.depth + 1 and body["member_count"] == 0
    assert created.path.startswith(branch.path)
    entry = AuditEntry.objects.get(action="organization.created", object_id=str(created.pk))
    assert entry.actor == personas["branch"]


def test_cannot_create_under_an_organization_out_of_sight(client_for, org):
    payload = {"parent": org["community"].pk, "name": "新支部", "code": "API-NEW-1", "org_type": "branch",
               "unit_kind": "community"}
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 400
    assert "parent" in response.json()
    assert not Organization.objects.filter(code="API-NEW-1").exists()


def test_seen_but_not_in_charge_answers_403(client_for, personas, org, db):
    """A committee member of one branch who is secretary of another may add only in the latter."""
    user = User.objects.create(username="two-hats")
    role_grant(actor=None, user=user, role=Role.COMMITTEE_MEMBER, organization=org["branch"])
    role_grant(actor=None, user=user, role=Role.SECRETARY, organization=org["sibling"])
    client = client_for("two-hats")
    payload = {"name": "小组", "code": "API-PG-2", "org_type": "party_group", "unit_kind": "community"}
    assert client.post(LIST, {**payload, "parent": org["branch"].pk}, content_type="application/json").status_code == 403
    assert client.post(LIST, {**payload, "parent": org["sibling"].pk}, content_type="application/json").status_code == 201


@pytest.mark.parametrize("persona", ["auditor", "member"])
def test_readers_cannot_create(client_for, org, persona):
    payload = {"parent": org["branch"].pk, "name": "小组", "code": "API-PG-3", "org_type": "party_group",
               "unit_kind": "community"}
    assert client_for(persona).post(LIST, payload, content_type="application/json").status_code == 403
    assert not Organization.objects.filter(code="API-PG-3").exists()


def test_only_an_administrator_creates_a_root(client_for, db):
    payload = {"parent": None, "name": "中共某市委员会", "code": "API-ROOT", "org_type": "committee", "unit_kind": "organ"}
    assert client_for("city").post(LIST, payload, content_type="application/json").status_code == 403
    response = client_for("admin").post(LIST, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["parent"] is None and response.json()["depth"] == 1


def test_duplicate_code_answers_the_services_message(client_for, org):
    branch, sibling = org["branch"], org["sibling"]
    response = client_for("community").patch(detail_url(branch.pk), {"code": sibling.code},
                                             content_type="application/json")
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = gettext("Another organization already uses the code %(code)s.") % {"code": sibling.code}
    assert response.json() == {"code": [expected]}
    branch.refresh_from_db()
    assert branch.code != sibling.code


def test_branch_renames_its_branch(client_for, personas, org):
    branch = org["branch"]
    response = client_for("branch").patch(detail_url(branch.pk), {"name": "滨河社区第一党支部（新）"},
                                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "滨河社区第一党支部（新）"
    branch.refresh_from_db()
    assert branch.name == "滨河社区第一党支部（新）"
    entry = AuditEntry.objects.filter(action="organization.renamed", object_id=str(branch.pk)).first()
    assert entry.actor == personas["branch"]
    assert entry.changes == {"name": ["滨河社区第一党支部", "滨河社区第一党支部（新）"]}


def test_patch_ignores_structure_and_status(client_for, org):
    branch = org["branch"]
    response = client_for("branch").patch(
        detail_url(branch.pk), {"status": "dissolved", "parent": org["sibling"].pk, "contact_person": "王明"},
        content_type="application/json")
    assert response.status_code == 200
    branch.refresh_from_db()
    assert branch.status == "active" and branch.contact_person == "王明"
    assert Organization.objects.get_parent(branch) == org["community"]


def test_service_rule_errors_answer_400(client_for, org):
    """A branch under a community committee cannot become a Party group (a non-field rule)."""
    branch = org["branch"]
    response = client_for("community").patch(detail_url(branch.pk), {"org_type": "party_group"},
                                             content_type="application/json")
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = gettext("A Party group must sit under a branch or general branch.")
    assert response.json() == {"non_field_errors": [expected]}
    branch.refresh_from_db()
    assert branch.org_type == "branch"


@pytest.mark.parametrize("persona, status", [("sibling", 404), ("auditor", 403), ("member", 403)])
def test_patch_out_of_charge(client_for, org, persona, status):
    branch = org["branch"]
    response = client_for(persona).patch(detail_url(branch.pk), {"name": "改名"}, content_type="application/json")
    assert response.status_code == status
    branch.refresh_from_db()
    assert branch.name == "滨河社区第一党支部"


def test_no_put_and_no_delete(client_for, org):
    client = client_for("admin")
    assert client.delete(detail_url(org["branch"].pk)).status_code == 405
    assert client.put(detail_url(org["branch"].pk), {}, content_type="application/json").status_code == 405
