"""The statistics API: the overview as the issue names it, the breakdown by children on the day,
the definitions, and refusals in Chinese."""
import datetime

from dangjian.reports.figures import Scope, compute, overview

from .builders import build

URL = "/api/v1/stats/overview/"


def test_overview_has_the_named_keys_and_every_section(client_for, org):
    answer = client_for("organizer").get(URL, {"org": org["street"].pk, "date": "2026-11-20"}).json()
    assert answer["organization"]["id"] == org["street"].pk and answer["date"] == "2026-11-20"
    assert set(answer["organizations"]) >= {"total", "by_type", "by_unit_kind"}
    assert set(answer["members"]) >= {"total", "by_status", "by_category", "by_gender", "by_education"}
    assert set(answer) >= {"orglife", "recruitment", "dues", "grid", "volunteers", "services", "coverage",
                           "assessment", "computed_at"}
    expected = compute(Scope(org["street"], datetime.date(2026, 11, 20)), ["members"])["members"]
    assert answer["members"] == expected
    assert answer["organizations"]["by_type"]["branch"] == sum(
        1 for _ in org["street"].subtree().filter(org_type="branch", status="active"))


def test_only_some_sections(client_for, org):
    answer = client_for("organizer").get(URL, {"org": org["street"].pk, "sections": "members"}).json()
    assert "members" in answer and "orglife" not in answer
    bad = client_for("organizer").get(URL, {"org": org["street"].pk, "sections": "members,nope"})
    assert bad.status_code == 400 and "nope" in str(bad.json()["sections"])


def test_bad_days_are_refused_in_chinese(client_for, org):
    client = client_for("organizer")
    for day, words in (("2026-13-01", "yyyy-mm-dd"), ("2999-01-01", "2999-01-01"), ("1900-01-01", "1921-07-01")):
        response = client.get(URL, {"org": org["street"].pk, "date": day})
        assert response.status_code == 400, day
        assert words in response.json()["date"][0], (day, response.json())


def test_out_of_sight_is_404_and_outside_the_subtree_403(client_for, org):
    assert client_for("sibling").get(URL, {"org": org["branch"].pk}).status_code == 404
    assert client_for("branch").get(URL, {"org": org["community"].pk}).status_code in (403, 404)


def test_breakdown_lists_the_children_of_the_day_and_the_organization_itself(client_for, org):
    tree = build(outside=org["sibling"])
    client = client_for("admin")
    url = "/api/v1/stats/breakdown/"
    early = client.get(url, {"org": tree.x.pk, "date": "2026-01-15", "figure": "members.total"}).json()
    assert [row["organization"]["name"] for row in early["children"]] == ["甲支部", "乙支部"]  # 丙 came in February
    late = client.get(url, {"org": tree.x.pk, "date": "2026-06-30", "figure": "members.changes.transferred_in"}).json()
    assert late["value"] == 1 and late["itself"] == 0
    assert {row["organization"]["name"]: row["value"] for row in late["children"]} == {"甲支部": 1, "乙支部": 1, "丙支部": 0}
    assert overview(tree.x, datetime.date(2026, 6, 30), ["members"], direct=True)["members"]["total"] == 0


def test_figures_are_described(client_for):
    sections = client_for("member").get("/api/v1/stats/figures/").json()
    members = next(s for s in sections if s["code"] == "members")
    total = next(f for f in members["figures"] if f["path"] == "members.total")
    assert total["definition"] and total["unit"] == "count"
