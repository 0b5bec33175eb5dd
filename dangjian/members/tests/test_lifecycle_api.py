"""Read-only endpoints: /api/v1/reserve-cadres/ and /api/v1/lost-contact-cases/, scoped."""
import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.core.dates import add_months
from dangjian.members.cadres import cadre_training_add, reserve_cadre_add
from dangjian.members.choices import MemberStatus
from dangjian.members.lost_contact import lost_contact_open, lost_contact_search
from dangjian.organizations.models import PostKind


def full(org, key="branch", n=0):
    return org[key].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True).order_by("id")[n]


def test_reserve_cadres_endpoint(client_for, org, personas, django_assert_max_num_queries):
    today = timezone.localdate()
    secretary = PostKind.objects.get(code="secretary")
    cadres = [reserve_cadre_add(actor=None, organization=org["branch"], member=full(org, n=n), intended_kind=secretary,
                                added_on=today) for n in range(3)]
    cadre_training_add(actor=None, cadre=cadres[0], on=today, course="培训班", hours=Decimal("8"))
    other = reserve_cadre_add(actor=None, organization=org["sibling"], member=full(org, "sibling"), intended_kind=secretary,
                              added_on=today)
    own = reserve_cadre_add(actor=None, organization=org["branch"], member=personas["member"].member,
                            intended_kind=secretary, added_on=today)
    client = client_for("branch")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/reserve-cadres/")
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {c.pk for c in cadres} | {own.pk}
    detail = client.get(f"/api/v1/reserve-cadres/{cadres[0].pk}/").json()
    assert detail["trainings"][0]["course"] == "培训班" and detail["intended_kind"] == "secretary"
    assert client.get(f"/api/v1/reserve-cadres/{other.pk}/").status_code == 404
    assert client.post("/api/v1/reserve-cadres/", {}).status_code == 405
    response = client_for("community").get("/api/v1/reserve-cadres/", {"organization": org["sibling"].pk})
    assert {row["id"] for row in response.json()["results"]} == {other.pk}
    # An ordinary member sees their own entry only.
    response = client_for("member").get("/api/v1/reserve-cadres/")
    assert {row["id"] for row in response.json()["results"]} == {own.pk}
    assert client_for(None).get("/api/v1/reserve-cadres/").status_code == 401


def test_lost_contact_cases_endpoint(client_for, org):
    today = timezone.localdate()
    member = full(org)
    case = lost_contact_open(actor=None, member=member, since=add_months(today, -7))
    lost_contact_search(actor=None, case=case, on=today - datetime.timedelta(days=3), method="relatives", result="不知去向",
                        searched_by="书记")
    client = client_for("branch")
    rows = client.get("/api/v1/lost-contact-cases/", {"open": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [case.pk]
    row = rows[0]
    assert row["search_count"] == 1 and row["last_search"] == (today - datetime.timedelta(days=3)).isoformat()
    assert row["deadlines"]["handle_from"] == add_months(case.since, 6).isoformat()
    assert row["deadlines"]["searches_short"] == 1 and row["deadlines"]["rule_version"].startswith("national-members")
    detail = client.get(f"/api/v1/lost-contact-cases/{case.pk}/").json()
    assert detail["searches"][0]["method"] == "relatives"
    assert client_for("sibling").get(f"/api/v1/lost-contact-cases/{case.pk}/").status_code == 404
    assert client_for("member").get("/api/v1/lost-contact-cases/").json()["results"] == []
    assert client.get("/api/v1/lost-contact-cases/", {"open": "false"}).json()["results"] == []
