"""The transfer API: scoped lists for both sides, actions only for the side that may act."""
import datetime

from dangjian.core.testing import api_ids
from dangjian.members.models import Member
from dangjian.transfers import services

URL = "/api/v1/transfers/"


def send(member, personas, to, on, **extra):
    return services.transfer_send(actor=personas["branch"], member=member, to_organization=to, reason="employer",
                                  dues_paid_until=datetime.date(2026, 9, 1), sent_on=on, **extra)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_both_sides_see_a_transfer_and_only_the_receiver_receives(client_for, personas, org, branch_members, today):
    member, other = branch_members(2)
    to_sibling = send(member, personas, org["sibling"], today)
    to_town = send(other, personas, org["town"], today)

    branch = client_for("branch")
    assert {to_sibling.pk, to_town.pk} <= set(api_ids(branch, URL))
    row = branch.get(f"{URL}{to_sibling.pk}/").json()
    assert row["letter_number"] == to_sibling.letter_number and row["dues_paid_until"] == "2026-09"
    assert row["member_id_number_masked"] == member.id_number_masked and "id_number" not in row
    assert [s["to_status"] for s in row["steps"]] == ["pending"]
    assert post(branch, f"{URL}{to_sibling.pk}/receive/").status_code == 403

    sibling = client_for("sibling")
    seen = set(api_ids(sibling, URL))
    assert to_sibling.pk in seen and to_town.pk not in seen
    assert set(api_ids(sibling, URL, direction="incoming", status="pending")) == {to_sibling.pk}
    assert api_ids(sibling, URL, direction="outgoing") == []
    assert sibling.get(f"{URL}{to_town.pk}/").status_code == 404
    assert post(sibling, f"{URL}{to_town.pk}/receive/").status_code == 404
    assert post(sibling, f"{URL}{to_sibling.pk}/cancel/", {"reason": "不要"}).status_code == 403
    response = post(sibling, f"{URL}{to_sibling.pk}/receive/", {"on": today.isoformat()})
    assert response.status_code == 200 and response.json()["status"] == "received"
    assert Member.objects.get(pk=member.pk).organization == org["sibling"]

    # Rejecting needs a reason; the answer is a 400 with the service's message.
    assert post(client_for("city"), f"{URL}{to_town.pk}/reject/", {"reason": ""}).status_code == 400
    assert post(client_for("city"), f"{URL}{to_town.pk}/reject/", {"reason": "查无此人"}).json()["status"] == "rejected"
    assert post(client_for("auditor"), f"{URL}{to_town.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert client_for(None).get(URL).status_code == 401


def test_send_through_the_api(client_for, personas, org, branch_members, today):
    member, = branch_members(1)
    body = {"member": member.pk, "kind": "outgoing", "destination": "中共杭州市某支部", "reason": "employer",
            "dues_paid_until": "2026-10", "sent_on": today.isoformat()}
    assert post(client_for("sibling"), URL, body).status_code == 400  # the member is out of its sight
    response = post(client_for("branch"), URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "outgoing" and data["to_organization"] is None and data["to_organization_name"] == body[
        "destination"]
    assert post(client_for("branch"), URL, body).status_code == 400  # already pending
    assert post(client_for("member"), URL, {**body, "member": personas["member"].member.pk}).status_code == 403
    assert set(api_ids(client_for("branch"), URL, org=org["branch"].pk, kind="outgoing")) == {data["id"]}


def test_the_list_takes_a_fixed_number_of_queries(client_for, personas, org, branch_members, today,
                                                  django_assert_max_num_queries):
    for i, member in enumerate(branch_members(10)):
        send(member, personas, org["sibling"] if i % 2 else org["town"], today)
    client = client_for("branch")
    client.get(URL)  # the session and the user's roles
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"direction": "outgoing"})
    assert response.json()["count"] == 10
