"""Coverage statistics: figures against a hand-built set, the as-of date, the trend, the
spreadsheet and the API (issue 8)."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.coverage import services_firms
from dangjian.organizations.models import Organization

from .fixtures import make_firm
from .fixtures_contacts import make_assignment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FORMED = TODAY - datetime.timedelta(days=60)


@pytest.fixture
def built(personas, org):
    """Six firms of 滨河社区党委's area: two in a joint branch, one with its own, one with an
    instructor only, two not covered (one a social organization)."""
    actor, community = personas["organizer"], org["community"]
    a, b, c, d, e = (make_firm(actor, community, 9600 + n, name=f"统计企业{n}") for n in range(5))
    f = make_firm(actor, community, 9605, name="统计社会组织", kind="social_organization")
    services_firms.joint_branch_form(actor=actor, parent=community, name="统计联合党支部", code="LJSTATJ1",
                                     firms=[a, b], on=FORMED)
    services_firms.firm_branch_form(actor=actor, firm=c, parent=community, name="统计企业2党支部",
                                    code="LJSTATB1", on=FORMED)
    make_assignment(actor, d, appointed_by=community, started_on=TODAY - datetime.timedelta(days=30))
    return {"firms": [a, b, c, d, e, f]}


def test_stats_page_figures_against_hand_computed_values(client_for, built, org):
    page = client_for("organizer").get(reverse("coverage:stats"), {"org": org["community"].pk})
    stats = page.context["stats"]
    assert stats.total == 6
    assert stats.by_coverage == {"own": 1, "joint": 2, "guided": 1, "none": 2}
    assert str(stats.organized_rate) == "50.00" and str(stats.worked_rate) == "66.67"
    kinds = {row["code"]: row for row in page.context["by_kind"]}
    assert kinds["private_enterprise"]["total"] == 5 and kinds["social_organization"]["none"] == 1
    none_cell = next(c for c in kinds["social_organization"]["cells"] if c["code"] == "none")
    assert none_cell["url"].endswith(f"?org={org['community'].pk}&on={TODAY:%Y-%m-%d}&kind=social_organization"
                                     "&coverage=none")
    assert len(page.context["trend"]) == 12 and page.context["trend"][-1]["on"] == TODAY.isoformat()
    street = client_for("organizer").get(reverse("coverage:stats"))  # the organizer's own subtree by default
    assert street.context["org"] == org["street"]
    parent = client_for("organizer").get(reverse("coverage:stats"), {"org": Organization.objects.get_parent(org["community"]).pk})
    row = next(r for r in parent.context["by_area"] if r["organization"] == org["community"].pk)
    assert row["total"] == 6 and row["joint"] == 2


def test_as_of_a_day_before_the_joint_branch_existed(client_for, built, org):
    before = FORMED - datetime.timedelta(days=1)
    page = client_for("organizer").get(reverse("coverage:stats"), {"org": org["community"].pk, "on": before})
    stats = page.context["stats"]
    assert stats.on == before and stats.by_coverage == {"own": 0, "joint": 0, "guided": 0, "none": 6}
    assert str(stats.organized_rate) == "0.00"
    bad = client_for("organizer").get(reverse("coverage:stats"), {"org": org["community"].pk, "on": "2026-02-30"})
    assert bad.status_code == 200 and bad.context["error"] and bad.context["on"] == TODAY


def test_stats_page_permissions(client_for, org):
    assert client_for("sibling").get(reverse("coverage:stats"), {"org": org["community"].pk}).status_code == 404
    assert client_for("branch").get(reverse("coverage:stats"), {"org": org["community"].pk}).status_code in (403, 404)
    assert client_for("member").get(reverse("coverage:stats")).status_code == 403
    assert client_for("auditor").get(reverse("coverage:stats"), {"org": org["community"].pk}).status_code == 200


def test_the_tables_as_a_spreadsheet_are_logged(client_for, built, org):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("community").get(reverse("coverage:stats_xlsx"), {"org": org["community"].pk})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book["汇总"]["B2"].value == 6 and book["按类别"].max_row == 3
    assert AuditEntry.objects.filter(action="coverage_stats.exported", object_id=str(org["community"].pk)).exists()
    assert client_for("auditor").get(reverse("coverage:stats_xlsx")).status_code == 403


def test_api_shape_and_refusals(client_for, built, org, django_assert_max_num_queries):
    client = client_for("organizer")
    url = reverse("v1:coverage-stats")
    with django_assert_max_num_queries(60):
        data = client.get(url, {"org": org["community"].pk}).json()
    assert data["total"] == 6 and data["by_coverage"] == {"own": 1, "joint": 2, "guided": 1, "none": 2}
    assert data["organized_rate"] == "50.00" and data["worked_rate"] == "66.67"
    assert len(data["trend"]) == 12 and data["trend"][0]["organized_rate"] in (None, "0.00", "50.00")
    assert {row["code"] for row in data["by_kind"]} == {"private_enterprise", "social_organization"}
    before = client.get(url, {"org": org["community"].pk, "date": f"{FORMED - datetime.timedelta(days=1):%Y-%m-%d}"})
    assert before.json()["by_coverage"]["joint"] == 0
    assert client.get(url).status_code == 400
    assert "date" in client.get(url, {"org": org["community"].pk, "date": "2026-13-01"}).json()
    assert client.get(url, {"org": "x"}).status_code == 400
    future = client.get(url, {"org": org["community"].pk, "date": f"{TODAY + datetime.timedelta(days=1):%Y-%m-%d}"})
    page = client.get(reverse("coverage:stats"), {"org": org["community"].pk,
                                                  "on": f"{TODAY + datetime.timedelta(days=1):%Y-%m-%d}"})
    assert future.status_code == 400 and future.json()["date"] == [page.context["error"]]
    assert client_for("sibling").get(url, {"org": org["community"].pk}).status_code == 404
    assert client_for(None).get(url, {"org": org["community"].pk}).status_code in (401, 403)


def _listed(client, url) -> int:
    """The rows of the firm list a statistics link leads to."""
    return client.get(url).context["page_obj"].paginator.count


def test_each_count_equals_the_rows_of_the_list_it_links_to(client_for, built, personas, org):
    from dangjian.coverage import services_surveys

    actor = personas["organizer"]
    gone = make_firm(actor, org["community"], 9610, name="已注销企业")
    services_surveys.firm_survey_record(actor=actor, firm=gone, surveyed_on=TODAY - datetime.timedelta(days=10),
                                        surveyor="李网格", status_found="closed")
    make_firm(actor, org["street"], 9611, name="街道直管企业")
    client = client_for("organizer")
    for on in (TODAY, FORMED - datetime.timedelta(days=1), TODAY - datetime.timedelta(days=20)):
        for target in (org["community"], org["street"]):
            page = client.get(reverse("coverage:stats"), {"org": target.pk, "on": f"{on:%Y-%m-%d}"})
            for figure in page.context["figures"][:-1]:
                assert _listed(client, figure["url"]) == figure["value"], (target, on, figure["label"])
            for table in ("by_kind", "by_area", "by_building"):
                for row in page.context[table]:
                    for cell in row["cells"]:
                        assert _listed(client, cell["url"]) == cell["value"], (target, on, table, cell["code"])
    # The closed firm counted before it closed, not after.
    earlier = client.get(reverse("coverage:stats"), {"org": org["community"].pk,
                                                     "on": f"{TODAY - datetime.timedelta(days=20):%Y-%m-%d}"})
    assert earlier.context["stats"].total == 7 and client.get(
        reverse("coverage:stats"), {"org": org["community"].pk}).context["stats"].total == 6


def test_the_stats_page_takes_as_many_queries_for_2n_firms_as_for_n(client_for, personas, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("organizer")

    def measured() -> int:
        client.get(reverse("coverage:stats"), {"org": org["street"].pk})
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("coverage:stats"), {"org": org["street"].pk})
        return len(captured)

    for n in range(3):
        make_firm(personas["organizer"], org["community"], 9620 + n)
    first = measured()
    for n in range(3):
        make_firm(personas["organizer"], org["community"], 9630 + n)
    assert measured() == first
