"""/api/v1/hardship-cases/: scoped like the pages, read only."""
from decimal import Decimal

from django.utils import timezone

from dangjian.care import services
from dangjian.members.models import Member

TODAY = timezone.localdate()
URL = "/api/v1/hardship-cases/"


def make_cases(org):
    members = Member.objects.on_roll().filter(organization__in=[org["branch"], org["sibling"]]).order_by("pk")
    branch_member = members.filter(organization=org["branch"]).first()
    sibling_member = members.filter(organization=org["sibling"]).first()
    mine = services.hardship_case_open(actor=None, member=branch_member, kinds=["illness", "elderly_alone"],
                                       situation="独居且患病", since=TODAY)
    services.support_record(actor=None, case=mine, given_on=TODAY, kind="money", amount=Decimal("600.00"),
                            given_by="支部书记")
    other = services.hardship_case_open(actor=None, member=sibling_member, kinds=["unemployment"], situation="失业",
                                        since=TODAY)
    return mine, other


def test_list_is_scoped_and_filterable(client_for, org):
    mine, other = make_cases(org)
    ids = {row["id"] for row in client_for("branch").get(URL).json()["results"]}
    assert mine.pk in ids and other.pk not in ids
    assert client_for("member").get(URL).json()["count"] == 0
    community = client_for("community")
    assert {r["id"] for r in community.get(URL).json()["results"]} >= {mine.pk, other.pk}
    assert [r["id"] for r in community.get(URL, {"kind": "elderly_alone"}).json()["results"]] == [mine.pk]
    assert [r["id"] for r in community.get(URL, {"organization": org["sibling"].pk}).json()["results"]] == [other.pk]
    assert community.get(URL, {"status": "closed"}).json()["count"] == 0
    assert community.get(URL, {"organization": "x"}).status_code == 400
    row = next(r for r in community.get(URL).json()["results"] if r["id"] == mine.pk)
    assert row["kinds"] == ["illness", "elderly_alone"] and row["money_total"] == "600.00" and row["support_count"] == 1
    assert "situation" not in row


def test_detail_has_the_support_and_no_writes(client_for, org):
    mine, _other = make_cases(org)
    client = client_for("branch")
    data = client.get(f"{URL}{mine.pk}/").json()
    assert data["situation"] == "独居且患病" and data["supports"][0]["amount"] == "600.00"
    assert client.post(URL, {}).status_code == 405
    assert client.patch(f"{URL}{mine.pk}/", {}, content_type="application/json").status_code == 405
    assert client_for(None).get(URL).status_code == 401
