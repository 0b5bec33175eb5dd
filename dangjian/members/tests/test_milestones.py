"""Milestones: political birthdays of a month (in SQL), 50 years in the Party (rule pack), export."""
import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.dates import add_years
from dangjian.core.models import AuditEntry
from dangjian.members.choices import ON_ROLL, MemberStatus
from dangjian.members.milestones import fifty_years, fifty_years_rule
from dangjian.members.models import Member


def test_anniversaries_of_a_month_by_day(client_for, org, django_assert_max_num_queries):
    today = timezone.localdate()
    branch = list(org["branch"].members.filter(status__in=ON_ROLL))
    month = max(range(1, 13), key=lambda m: sum(1 for x in branch if x.joined_on.month == m))
    expected = {m.pk for m in branch if m.joined_on.month == month}
    client = client_for("branch")
    with django_assert_max_num_queries(14):
        response = client.get("/members/anniversaries/", {"month": month})
    rows = list(response.context["page_obj"])
    assert {m.pk for m in rows} == expected and len(expected) >= 2
    assert [m.day for m in rows] == sorted(m.joined_on.day for m in rows)
    assert all(m.years == today.year - m.joined_on.year and m.joined_on.month == month for m in rows)
    # Another month, the whole community: more rows, the same number of queries.
    client = client_for("community")
    with django_assert_max_num_queries(14):
        response = client.get("/members/anniversaries/", {"month": month, "org": org["community"].pk})
    assert len(response.context["page_obj"]) > len(rows)
    # The default is this month; a member sees the branch's list, the sibling cannot ask for it.
    assert client_for("member").get("/members/anniversaries/").context["month"] == today.month
    assert client_for("sibling").get("/members/anniversaries/", {"org": org["branch"].pk}).status_code == 404


def test_anniversaries_api(client_for, org):
    branch = list(org["branch"].members.filter(status__in=ON_ROLL))
    month = branch[0].joined_on.month
    client = client_for("branch")
    response = client.get("/api/v1/members/anniversaries/", {"month": month, "page_size": 200})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {m.pk for m in branch if m.joined_on.month == month}
    row = response.json()["results"][0]
    assert {"day", "years", "party_standing", "joined_on"} <= set(row)
    assert client.get("/api/v1/members/anniversaries/", {"month": 13}).status_code == 400
    response = client_for("sibling").get("/api/v1/members/anniversaries/", {"month": month, "organization": org["branch"].pk})
    assert response.json()["results"] == []


def test_fifty_years_boundary_from_the_rule_pack(org):
    today = timezone.localdate()
    rules = fifty_years_rule(org["branch"], today)
    assert rules.years == 50 and rules.field == "full_member_on" and rules.version.startswith("national-members")
    a, b, c = org["branch"].members.filter(status=MemberStatus.FULL).order_by("id")[:3]
    exactly = add_years(today, -50)
    almost = exactly + datetime.timedelta(days=1)  # 49 years and 364 (or 365) days
    for member, full_on in ((a, exactly), (b, almost), (c, datetime.date(today.year - 49, 1, 1))):
        Member.objects.filter(pk=member.pk).update(joined_on=full_on - datetime.timedelta(days=365), full_member_on=full_on)
    rows = {m.pk: m.group for m in fifty_years(Member.objects.filter(organization=org["branch"]), today=today, rules=rules)}
    assert rows[a.pk] == "reached"
    assert rows[b.pk] == ("this_year" if almost.year == today.year - 50 else "next_year")
    assert rows[c.pk] == "next_year"
    a.refresh_from_db(), b.refresh_from_db()
    assert a.party_standing(today) == 50 and b.party_standing(today) == 49
    # Suspended members are not proposed.
    Member.objects.filter(pk=a.pk).update(status=MemberStatus.SUSPENDED)
    assert a.pk not in {m.pk for m in fifty_years(Member.objects.filter(organization=org["branch"]), today=today, rules=rules)}


def test_fifty_years_page_and_audited_export(client_for, org):
    today = timezone.localdate()
    member = org["branch"].members.filter(status=MemberStatus.FULL).order_by("id").first()
    Member.objects.filter(pk=member.pk).update(joined_on=datetime.date(1970, 5, 1), full_member_on=datetime.date(1971, 5, 1))
    client = client_for("branch")
    response = client.get("/members/fifty-years/")
    assert response.status_code == 200 and member.pk in {m.pk for m in response.context["page_obj"]}
    assert response.context["counts"]["reached"] >= 1
    response = client.get("/members/fifty-years/", {"group": "next_year"})
    assert member.pk not in {m.pk for m in response.context["page_obj"]}
    response = client.get("/members/fifty-years/export/", {"org": org["branch"].pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert member.name in names
    entry = AuditEntry.objects.get(action="member.fifty_years_exported", object_id=str(org["branch"].pk))
    assert entry.changes["count"] == len(names)
    assert client_for("sibling").get("/members/fifty-years/export/", {"org": org["branch"].pk}).status_code == 404
    assert client_for("member").get("/members/fifty-years/").status_code == 403
    assert client_for("auditor").get("/members/fifty-years/export/", {"org": org["branch"].pk}).status_code == 403
    assert today  # the lists are as of today
