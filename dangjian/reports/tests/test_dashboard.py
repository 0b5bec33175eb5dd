"""The statistics dashboard, the figure page by organization, the records behind the figures and the
大屏 (reports app, pages)."""
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.members import services as member_services
from dangjian.members.tests.test_services import data as member_data
from dangjian.members.tests.test_services import valid_id
from dangjian.organizations.choices import OrgType
from dangjian.reports import figures
from dangjian.reports.figures.base import Scope

pytestmark = pytest.mark.django_db
PAST = datetime.date(2025, 6, 1)


def cards(response, section):
    """The dashboard's cards of one section: figure path → card (scalars and breakdowns)."""
    chosen = next(s for s in response.context["sections"] if s["code"] == section)
    return {card["path"]: card for card in chosen["scalars"] + chosen["breakdowns"]}


def rows(card):
    return {row["code"]: row for row in card["rows"]}


def test_dashboard_shows_the_figures_of_the_community(client_for, org):
    client = client_for("organizer")
    today = timezone.localdate()
    response = client.get("/reports/", {"org": org["community"].pk})
    assert response.status_code == 200
    expected = figures.compute(Scope(org["community"], today), ["organizations", "members"])
    members = cards(response, "members")
    organizations = cards(response, "organizations")
    assert members["members.total"]["value"] == expected["members"]["total"] > 0
    assert organizations["organizations.total"]["value"] == expected["organizations"]["total"] > 0
    by_gender = rows(members["members.by_gender"])
    assert {code: row["value"] for code, row in by_gender.items()} == expected["members"]["by_gender"]
    assert by_gender["female"]["label"] == "女"
    html = response.content.decode()
    assert "滨河社区党委" in html
    # The number links to the members it counts; the figure links to its page by organization.
    assert members["members.total"]["url"] in html.replace("&amp;", "&")
    assert "/reports/figures/members.by_gender/?org=" in html
    # Every chart of a breakdown is in the island, with its table's numbers.
    charts = json.loads(html.split('id="reports-charts" type="application/json">')[1].split("</script>")[0])
    gender_chart = next(c for c in charts if c["id"] == "chart-members-by_gender")
    assert sum(gender_chart["values"]) == expected["members"]["total"]
    # Sections without an answer yet are skipped; the level shows its children.
    assert all(s["scalars"] or s["breakdowns"] for s in response.context["sections"])
    assert [c["org"].name for c in response.context["children"]][:2] == ["滨河社区第一党支部", "滨河社区第二党支部"]
    ancestors = [a["org"] for a in response.context["ancestors"]]
    assert ancestors[0] == org["street"]  # the organizer sees from the street down, not the city
    assert f'href="/reports/?org={org["street"].pk}"' in html  # walk up to the street's dashboard


def test_comparison_with_the_same_day_a_year_before(client_for, org):
    client = client_for("organizer")
    on = datetime.date(2026, 6, 1)
    response = client.get("/reports/", {"org": org["community"].pk, "date": on.isoformat()})
    last = figures.compute(Scope(org["community"], datetime.date(2025, 6, 1)), ["members"])["members"]
    now = figures.compute(Scope(org["community"], on), ["members"])["members"]
    members = cards(response, "members")
    assert response.context["last_on"] == datetime.date(2025, 6, 1)
    assert members["members.total"]["last"] == str(last["total"])
    delta = now["total"] - last["total"]
    change = members["members.total"]["change"]
    assert change["direction"] == ("up" if delta > 0 else "down" if delta < 0 else "same")
    if delta:
        assert change["text"] == str(abs(delta))
    by_category = rows(members["members.by_category"])
    assert {code: row["last"] for code, row in by_category.items()} == {
        code: str(n) for code, n in last["by_category"].items()}


def test_a_bad_or_future_date_falls_back_to_today_with_a_message(client_for, org):
    client = client_for("organizer")
    today = timezone.localdate()
    response = client.get("/reports/", {"org": org["community"].pk, "date": "2025-13-45"})
    assert response.status_code == 200
    assert response.context["on"] == today
    assert "2025-13-45" in response.context["error"]
    assert response.context["error"] in response.content.decode()
    future = (today + datetime.timedelta(days=3)).isoformat()
    response = client.get("/reports/", {"org": org["community"].pk, "date": future})
    assert response.context["on"] == today and future in response.context["error"]


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["count"]


def test_numbers_link_to_records_that_count_the_same(client_for, org):
    client = client_for("organizer")
    # Members by gender today.
    response = client.get("/reports/", {"org": org["community"].pk})
    female = rows(cards(response, "members")["members.by_gender"])["female"]
    assert female["value"] > 0
    page = client.get(female["url"])
    assert page.context["count"] == female["value"]
    heading = page.context["heading"]
    assert "滨河社区党委" in heading and "女" in heading
    # Members by age band on a past day: the ages are the ages on that day.
    response = client.get("/reports/", {"org": org["community"].pk, "date": PAST.isoformat()})
    expected = figures.compute(Scope(org["community"], PAST), ["members"])["members"]["by_age_band"]
    bands = rows(cards(response, "members")["members.by_age_band"])
    assert {code: row["value"] for code, row in bands.items()} == expected
    for code, row in bands.items():
        assert _count(client, row["url"]) == expected[code], code
    assert "2025-06-01" in client.get(bands[next(iter(bands))]["url"]).context["heading"]
    # Organizations by type, and the total, of the street.
    response = client.get("/reports/", {"org": org["street"].pk})
    organizations = cards(response, "organizations")
    for code, row in rows(organizations["organizations.by_type"]).items():
        if row["value"]:
            assert _count(client, row["url"]) == row["value"], code
    assert _count(client, organizations["organizations.total"]["url"]) == organizations["organizations.total"]["value"]


def test_records_of_members_are_masked_and_paginated(client_for, org):
    client = client_for("organizer")
    response = client.get("/reports/members/", {"org": org["street"].pk, "figure": "total"})
    total = figures.compute(Scope(org["street"], timezone.localdate()), ["members"])["members"]["total"]
    assert response.context["count"] == total
    assert len(response.context["rows"]) == min(total, 50)
    html = response.content.decode()
    first = response.context["rows"][0]
    assert f'/members/{first["member"].pk}/' in html and f'/orgs/{first["organization"].pk}/' in html
    assert first["member"].id_number_masked not in html or "*" in first["member"].id_number_masked
    assert "id_number" not in html
    if total > 50:
        assert client.get("/reports/members/", {"org": org["street"].pk, "page": 2}).status_code == 200


def test_records_refuse_unknown_figures_and_keys(client_for, org):
    client = client_for("organizer")
    base = {"org": org["community"].pk}
    assert client.get("/reports/members/", {**base, "figure": "nonsense"}).status_code == 404
    assert client.get("/reports/members/", {**base, "figure": "by_gender", "key": "other"}).status_code == 404
    assert client.get("/reports/members/", {**base, "figure": "minorities"}).status_code == 404  # no records behind
    assert client.get("/reports/organizations/", {**base, "figure": "by_type", "key": "x"}).status_code == 404
    assert client.get("/reports/organizations/", {**base, "figure": "by_type", "key": OrgType.BRANCH}).status_code \
        == 200
    assert client.get("/reports/figures/members.nonsense/", base).status_code == 404
    assert client.get("/reports/figures/nowhere.total/", base).status_code == 404
    assert client.get("/reports/figures/members.by_gender.female/", base).status_code == 404


def test_the_figure_page_breaks_the_figure_down_by_children(client_for, org):
    client = client_for("organizer")
    response = client.get("/reports/figures/members.by_gender/", {"org": org["street"].pk})
    assert response.status_code == 200
    expected = figures.compute(Scope(org["street"], timezone.localdate()), ["members"])["members"]["by_gender"]
    columns = list(expected)
    total = [int(cell["shown"]) for cell in response.context["total"]]
    assert total == [expected[code] for code in columns]
    children = response.context["rows"]
    assert len(children) >= 2
    sums = [sum(int(row["cells"][i]["shown"]) for row in children) for i in range(len(columns))]
    itself = response.context["itself"]
    own = [int(cell["shown"]) for cell in itself] if itself else [0] * len(columns)
    assert [a + b for a, b in zip(sums, own, strict=True)] == total
    # A row links down to the same figure for the child, a cell to the child's records.
    first = children[0]
    assert first["url"].startswith("/reports/figures/members.by_gender/?org=")
    female = columns.index("female")
    assert _count(client, first["cells"][female]["url"]) == first["cells"][female]["value"]


def test_the_figure_page_shows_the_organization_itself(client_for, org):
    """The street's own organizations count in its total but in none of its children."""
    client = client_for("organizer")
    response = client.get("/reports/figures/organizations.total/", {"org": org["community"].pk})
    children = response.context["rows"]
    total = int(response.context["total"][0]["shown"])
    assert total == sum(int(row["cells"][0]["shown"]) for row in children) + 1
    assert [cell["shown"] for cell in response.context["itself"]] == ["1"]
    # Percentages do not add up: no row of the organization itself.
    response = client.get("/reports/figures/organizations.secretaries.college_or_above_rate/",
                          {"org": org["community"].pk})
    assert response.status_code == 200 and response.context["itself"] is None


def _dashboard_queries(client, org_pk):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reports/", {"org": org_pk}).status_code == 200
    return len(queries)


def test_the_dashboard_takes_a_bounded_number_of_queries(client_for, org, django_assert_max_num_queries):
    """The page costs the sections' own queries for the day and the day a year before, plus a few of its
    own (user, level, children), and no more as the data grows (the statistics cache is a dummy here)."""
    client = client_for("organizer")
    on = timezone.localdate()
    with CaptureQueriesContext(connection) as sections:
        figures.compute(Scope(org["street"], on))
        figures.compute(Scope(org["street"], on).a_year_before())
    with django_assert_max_num_queries(len(sections) + 15):
        assert client.get("/reports/", {"org": org["street"].pk}).status_code == 200
    before = _dashboard_queries(client, org["street"].pk)
    for n in range(3):
        member_services.member_create(actor=None, data=member_data(
            org["branch"], name=f"测试{n}", id_number=valid_id(seq=f"9{n}1"), phone=""))
    assert _dashboard_queries(client, org["street"].pk) == before


def test_the_large_screen_draws_from_the_overview(client_for, org):
    client = client_for("organizer")
    response = client.get("/reports/screen/", {"org": org["community"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "app-sidebar" not in html  # its own page, no navigation
    data = json.loads(html.split('id="screen-data" type="application/json">')[1].split("</script>")[0])
    expected = figures.compute(Scope(org["community"], timezone.localdate()), ["members"])
    assert data["organization"]["id"] == org["community"].pk
    assert data["members"]["total"] == expected["members"]["total"]
    panels = response.context["panels"]
    assert 6 <= len(panels) <= 9
    assert panels[0]["path"] == "members.by_category" and panels[0]["kind"] == "pie"
    numbers = {n["path"]: n["shown"] for n in response.context["numbers"]}
    assert numbers["members.total"] == str(expected["members"]["total"])
