"""/api/v1/assessment-cycles/: fields, the grade distribution and results, scoping, filters, query counts."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.assessment.models import CriterionResult
from dangjian.assessment.services_cycles import cycle_open, recompute
from dangjian.organizations.models import Organization

from .fixtures_cycles import judged_scheme, walk_to_approval

COMMUNITIES = ["滨河社区党委", "望江社区党委", "新华社区党委", "柳岸社区党委", "朝阳社区党委", "石化社区党委"]
URL = "/api/v1/assessment-cycles/"


def tier_cycle(actor, street, names, *, year, scheme, met=("secretary", "team", "venue", "funds", "mechanism"),
               approve=True):
    organizations = [Organization.objects.get(name=name) for name in names]
    cycle = cycle_open(actor=actor, scheme=scheme, organization=street, name=f"{year}年度社区分类定级", year=year,
                       period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                       organizations=organizations)
    for assessment in cycle.assessments.all():
        assessment.results.update(met=False)
        assessment.results.filter(criterion__code__in=met).update(met=True)
        recompute(assessment)
        if approve:
            walk_to_approval(assessment, actor=actor)
    return cycle


@pytest.fixture
def cycles(personas, org):
    scheme = judged_scheme("community-tiers")
    organizer = personas["organizer"]
    # 2025: all 70 points (standard); 2026: 80 (improved) for all: everyone promoted.
    first = tier_cycle(organizer, org["street"], COMMUNITIES, year=2025, scheme=scheme,
                       met=("secretary", "team", "venue", "funds", "mechanism", "organization_life"))
    second = tier_cycle(organizer, org["street"], COMMUNITIES, year=2026, scheme=scheme,
                        met=("secretary", "team", "venue", "funds", "mechanism", "organization_life",
                             "requests_on_time"))
    small = tier_cycle(organizer, org["street"], COMMUNITIES[:1], year=2024, scheme=scheme, approve=False)
    return {"scheme": scheme, "first": first, "second": second, "small": small}


def test_list_and_detail_fields(client_for, cycles):
    client = client_for("organizer")
    body = client.get(URL, {"scheme": cycles["scheme"].code}).json()
    assert [row["year"] for row in body["results"]] == [2026, 2025, 2024]
    row = body["results"][0]
    scheme = cycles["scheme"]
    assert row == {
        "id": cycles["second"].pk, "name": "2026年度社区分类定级", "year": 2026,
        "period": {"start": "2026-01-01", "end": "2026-12-31"}, "status": "open",
        "scheme": {"id": scheme.pk, "code": scheme.code, "version": 1, "name": scheme.name, "kind": "tier"},
        "organization": {"id": cycles["second"].organization_id, "name": "中共临江市江滨街道工作委员会"},
    }
    detail = client.get(f"{URL}{cycles['second'].pk}/").json()
    distribution = detail["distribution"]
    assert {k: distribution[k] for k in ("total", "approved", "vetoed", "stars_earned", "stars_possible")} == {
        "total": 6, "approved": 6, "vetoed": 0, "stars_earned": 42, "stars_possible": 54}
    assert distribution["star_rate"] == "77.78"
    assert distribution["grades"] == [
        {"code": "model", "name": "示范型", "count": 0, "percent": "0.00"},
        {"code": "improved", "name": "提高型", "count": 6, "percent": "100.00"},
        {"code": "standard", "name": "达标型", "count": 0, "percent": "0.00"},
        {"code": "basic", "name": "基础型", "count": 0, "percent": "0.00"},
    ]
    assert detail["movement_counts"] == {"new": 0, "promoted": 6, "same": 0, "demoted": 0, "turned_around": 0}
    assert len(detail["results"]) == 6
    binhe = next(r for r in detail["results"] if r["organization"]["name"] == "滨河社区党委")
    assert {k: binhe[k] for k in ("step", "step_name", "status", "points", "stars", "vetoed", "grade", "grade_name",
                                  "target_grade", "movement")} == {
        "step": 2, "step_name": "市委组织部审核确定", "status": "approved", "points": "80.00", "stars": 7,
        "vetoed": False, "grade": "improved", "grade_name": "提高型", "target_grade": "improved",
        "movement": "promoted"}
    criteria = {c["code"]: c for c in binhe["criteria"]}
    assert len(criteria) == 9
    assert criteria["secretary"] == {"code": "secretary", "name": "有一个好书记", "is_veto": False, "measured": False,
                                     "met": True, "value": None, "records_url": ""}
    assert criteria["service"]["met"] is False


def test_scoping(client_for, cycles, org):
    second = cycles["second"]
    # The sibling branch's secretary sees nothing of the street's cycle.
    client = client_for("sibling")
    assert second.pk not in {row["id"] for row in client.get(URL).json()["results"]}
    assert client.get(f"{URL}{second.pk}/").status_code == 404
    assert client_for("member").get(f"{URL}{second.pk}/").status_code == 404
    # The community's secretary sees the cycle 滨河 is rated in, with 滨河's results only, and the whole distribution.
    detail = client_for("community").get(f"{URL}{second.pk}/").json()
    assert [r["organization"]["name"] for r in detail["results"]] == ["滨河社区党委"]
    assert detail["distribution"]["total"] == 6
    assert client_for(None).get(URL).status_code in (401, 403)


def test_filters(client_for, cycles, org):
    client = client_for("city")

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    mine = {cycles[k].pk for k in ("first", "second", "small")}
    assert ids(year=2025) & mine == {cycles["first"].pk}
    assert ids(scheme=cycles["scheme"].code) == mine
    assert ids(scheme="no-such-scheme") == set()
    assert ids(organization=org["street"].pk) >= mine  # run by it
    wangjiang = Organization.objects.get(name="望江社区党委")
    assert ids(organization=wangjiang.pk) & mine == {cycles["first"].pk, cycles["second"].pk}  # rated in them
    assert ids(organization=org["town"].pk) & mine == set()
    assert client.get(URL, {"organization": "x"}).status_code == 400


def test_no_queries_per_cycle_or_per_organization(client_for, cycles, django_assert_max_num_queries):
    client = client_for("organizer")
    with django_assert_max_num_queries(10):
        assert len(client.get(URL).json()["results"]) >= 3

    def count(cycle):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}{cycle.pk}/").status_code == 200
        return len(queries)

    count(cycles["small"])  # warm the session and scope caches alike
    small, large = count(cycles["small"]), count(cycles["second"])
    assert large == small  # six organizations cost what one does
    with django_assert_max_num_queries(20):
        client.get(f"{URL}{cycles['second'].pk}/")


def test_a_measured_value_shows_in_the_api(client_for, personas, org):
    scheme = judged_scheme("community-tiers")
    cycle = tier_cycle(personas["organizer"], org["street"], COMMUNITIES[:1], year=2026, scheme=scheme, approve=False)
    CriterionResult.objects.filter(assessment__cycle=cycle, criterion__code="secretary").update(
        value=Decimal("0.9500"), records_url="/orglife/?org=1")
    detail = client_for("organizer").get(f"{URL}{cycle.pk}/").json()
    secretary = next(c for c in detail["results"][0]["criteria"] if c["code"] == "secretary")
    assert (secretary["value"], secretary["records_url"]) == ("0.9500", "/orglife/?org=1")


def test_cycle_rows_take_a_fixed_number_of_queries(cycles, personas, django_assert_max_num_queries):
    from dangjian.assessment.models import Cycle
    from dangjian.assessment.selectors_cycles import cycle_rows

    for key, size in (("small", 1), ("second", 6)):
        cycle = Cycle.objects.select_related("scheme").get(pk=cycles[key].pk)
        with django_assert_max_num_queries(5):
            rows = cycle_rows(cycle)
        assert len(rows) == size
        assert {row.movement for row in rows} == ({"promoted"} if key == "second" else {"new"})
    organizer = personas["organizer"]
    cycle_rows(Cycle.objects.select_related("scheme").get(pk=cycles["small"].pk), organizer)  # scope cached on the user
    cycle = Cycle.objects.select_related("scheme").get(pk=cycles["second"].pk)
    with django_assert_max_num_queries(5):
        assert len(cycle_rows(cycle, personas["organizer"])) == 6
    assert [row.organization.name for row in cycle_rows(cycle, personas["community"])] == ["滨河社区党委"]


def test_movement_counts_count_only_approved_assessments_like_the_page(client_for, cycles, personas):
    from dangjian.assessment.choices import AssessmentAction
    from dangjian.assessment.services_cycles import assessment_transition

    second = cycles["second"]
    reopened = second.assessments.order_by("organization__path").first()
    assessment_transition(actor=personas["organizer"], assessment=reopened, action=AssessmentAction.REOPEN)
    client = client_for("organizer")
    detail = client.get(f"{URL}{second.pk}/").json()
    assert detail["movement_counts"] == {"new": 0, "promoted": 5, "same": 0, "demoted": 0, "turned_around": 0}
    page = client.get(f"/assessment/cycles/{second.pk}/")
    assert {code: n for code, _label, n, _icon in page.context["movements"]} == detail["movement_counts"]
