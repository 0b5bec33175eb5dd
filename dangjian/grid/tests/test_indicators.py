"""Request indicators against hand-computed values (golden fixture), the page and the API.

The fixture is a fresh community (金沙社区) with one grid, one team and nine requests filed and
moved through the workflow with explicit times, so the demo data does not disturb the counts.
Every request is "urgent": its deadlines are clock hours (accept, register and dispatch 30
minutes, solve 2 hours from registration, redo 2 hours), so they can be worked out by hand.

October 2026 (the month under test) and September:

====  ==========  ===============================================================================
R1    Oct 12      registered 09:10 (due 11:10), handled 09:30, closed 09:50 (on time), resident
                  rates satisfied; called back Oct 21 "satisfied" (same as the rating)
R2    Oct 13      handled 12:00 (late), closed 12:20 (late); rated "partly" by the grid worker
R3    Oct 14      closed 09:50 on time; resident "not satisfied" at 10:00 → redo; handled 10:30,
                  closed 10:50, resident satisfied 11:00; called back Oct 20 "partly" (differs)
R4    Oct 15      registered, dispatched, still open
R5    Oct 28      handled 09:30 on time, closed Nov 2 (late; first closed in November)
R6    Sep 29      registered Sep 29 (due Sep 29 11:10), handled 09:30, closed Oct 1 (late); sampled
                  for a call-back, none made
R7    Oct 16      registered, merged into R4
R8    Oct 17      declined
R9    Oct 19      registered 09:10, escalated 09:20 to the sub-district team (due 11:20), handled
                  10:00, closed 10:30 (on time)
====  ==========  ===============================================================================
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.grid import indicators
from dangjian.grid.choices import Channel, Satisfaction, TeamLevel, TeamUnitKind, Urgency
from dangjian.grid.models import (
    Building,
    Grid,
    GridVisit,
    Household,
    RequestCategory,
    ServiceRequest,
    ServiceTeam,
    TeamMember,
)
from dangjian.grid.workflow import request_file, request_transition
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.services import organization_create

OCT = datetime.date(2026, 10, 1)
SEP = datetime.date(2026, 9, 1)


def at(month, day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


@pytest.fixture
def golden(org, personas):
    dispatcher = personas["organizer"]
    community = organization_create(actor=None, parent=org["street"], name="金沙社区党委", code="GOLDEN-JS",
                                    org_type=OrgType.COMMITTEE, unit_kind=UnitKind.COMMUNITY, short_name="金沙社区")
    grid = Grid.objects.create(organization=community, name="金沙社区第1网格", code="GOLDEN01")
    building = Building.objects.create(grid=grid, name="金沙1号楼", address="金沙路1号")
    homes = [Household.objects.create(building=building, room=f"1-10{n}") for n in range(1, 5)]
    gone = Household.objects.create(building=building, room="1-105", active=False)
    team = ServiceTeam.objects.create(organization=community, name="金沙社区服务团队", level=TeamLevel.COMMUNITY,
                                      is_default=True)
    team.categories.set(RequestCategory.objects.all())
    TeamMember.objects.create(team=team, name="金队长", unit_kind=TeamUnitKind.SUBDISTRICT, is_leader=True)
    resident = User.objects.create(username="golden-resident", full_name="金居民")
    worker = User.objects.create(username="golden-worker", full_name="金网格")
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, organization=community, grid=grid)
    category = RequestCategory.objects.get(code="environment")

    def visit(household, day):
        GridVisit.objects.create(grid=grid, building=building, household=household, visited_on=day,
                                 visitor_name="金网格")

    visit(homes[0], datetime.date(2026, 10, 3))
    visit(homes[0], datetime.date(2026, 10, 20))
    visit(homes[1], datetime.date(2026, 10, 31))
    visit(gone, datetime.date(2026, 10, 5))
    visit(homes[2], datetime.date(2026, 9, 30))
    visit(homes[3], datetime.date(2026, 11, 1))

    def file(filed, by_resident=False):
        return request_file(actor=resident if by_resident else dispatcher,
                            channel=Channel.RESIDENT if by_resident else Channel.WALK_IN, category=category,
                            description="楼道堆物", building=building, urgency=Urgency.URGENT, at=filed)

    def step(request, action, when, actor=dispatcher, **params):
        params.setdefault("note", "处理说明")
        return request_transition(request=request, action=action, actor=actor, at=when, **params)

    def main_line(request, month, day, *, handle=(9, 30), check=(9, 40), close=None):
        step(request, "accept", at(month, day, 9, 5))
        step(request, "register", at(month, day, 9, 10))
        step(request, "dispatch", at(month, day, 9, 15))
        if handle:
            step(request, "handle", at(month, day, *handle))
            step(request, "check", at(month, day, *check))
        if close:
            step(request, "close", close)
        return request

    r1 = main_line(file(at(10, 12, 9), by_resident=True), 10, 12, close=at(10, 12, 9, 50))
    step(r1, "rate", at(10, 12, 10), actor=resident, satisfaction=Satisfaction.SATISFIED)
    step(r1, "callback", at(10, 21, 15), satisfaction=Satisfaction.SATISFIED)

    r2 = main_line(file(at(10, 13, 9)), 10, 13, handle=(12, 0), check=(12, 10), close=at(10, 13, 12, 20))
    step(r2, "rate", at(10, 13, 13), actor=worker, satisfaction=Satisfaction.PARTLY)

    r3 = main_line(file(at(10, 14, 9), by_resident=True), 10, 14, close=at(10, 14, 9, 50))
    step(r3, "rate", at(10, 14, 10), actor=resident, satisfaction=Satisfaction.NOT_SATISFIED)  # → redo
    step(r3, "handle", at(10, 14, 10, 30))
    step(r3, "check", at(10, 14, 10, 40))
    step(r3, "close", at(10, 14, 10, 50))
    step(r3, "rate", at(10, 14, 11), actor=resident, satisfaction=Satisfaction.SATISFIED)
    step(r3, "callback", at(10, 20, 15), satisfaction=Satisfaction.PARTLY)

    r4 = main_line(file(at(10, 15, 9)), 10, 15, handle=None)
    r5 = main_line(file(at(10, 28, 9)), 10, 28)
    step(r5, "close", at(11, 2, 9))
    r6 = main_line(file(at(9, 29, 9)), 9, 29)
    step(r6, "close", at(10, 1, 10))

    r7 = file(at(10, 16, 9))
    step(r7, "accept", at(10, 16, 9, 5))
    step(r7, "register", at(10, 16, 9, 10))
    step(r7, "merge", at(10, 16, 9, 20), into=r4)
    r8 = file(at(10, 17, 9))
    step(r8, "decline", at(10, 17, 9, 5), note="不属于受理范围")

    r9 = file(at(10, 19, 9))
    step(r9, "accept", at(10, 19, 9, 5))
    step(r9, "register", at(10, 19, 9, 10))
    step(r9, "dispatch", at(10, 19, 9, 15))
    step(r9, "escalate", at(10, 19, 9, 20), note="需要街道协调")
    step(r9, "handle", at(10, 19, 10))
    step(r9, "check", at(10, 19, 10, 10))
    step(r9, "close", at(10, 19, 10, 30))

    # The call-back sample is drawn at random when a request is first closed: fix it here.
    ServiceRequest.objects.filter(grid=grid).update(callback_due=False)
    ServiceRequest.objects.filter(pk__in=[r3.pk, r6.pk]).update(callback_due=True)
    return {"community": community, "grid": grid, "team": team, "requests": [r1, r2, r3, r4, r5, r6, r7, r8, r9]}


def pairs(figures):
    return {code: (f.numerator, f.denominator) for code, f in figures.items()}


OCTOBER = {
    "on_time_closure": (3, 6),     # due in October: R1 R2 R3 R4 R5 R9; on time R1 R3 R9
    "closure": (4, 6),             # registered: R1 R2 R3 R4 R5 R9; closed by Oct 31: R1 R2 R3 R9
    "on_time_handling": (5, 6),    # handle steps: R1 R2(late) R3 R3 R5 R9
    "rework": (1, 6),              # redo R3 ÷ closes R1 R2 R3 R3 R6 R9
    "satisfaction": (2, 4),        # first ratings R1 S, R2 P, R3 N, R3 S
    "satisfaction_own": (2, 3),
    "satisfaction_assisted": (0, 1),
    "partly_satisfied": (1, 4),
    "rated_share": (3, 5),         # first closed in October: R1 R2 R3 R6 R9; rated R1 R2 R3
    "callback_gap": (1, 2),        # R3 partly vs satisfied; R1 satisfied vs satisfied
    "patrol_coverage": (2, 4),     # households 1 and 2 of 4 active (the inactive one does not count)
}


def test_golden_figures_of_the_community(golden):
    figures = indicators.unit_figures(golden["community"], OCT)
    assert pairs(figures) == OCTOBER
    assert figures["on_time_closure"].rate == 0.5
    assert figures["rework"].rate == round(1 / 6, 4)


def test_golden_figures_of_the_grid_match_the_community(golden):
    assert pairs(indicators.unit_figures(golden["grid"], OCT)) == OCTOBER


def test_golden_figures_of_the_team(golden):
    # R9 went to the sub-district team: its request figures and its handling count there.
    assert pairs(indicators.unit_figures(golden["team"], OCT)) == {
        "on_time_closure": (2, 5), "closure": (3, 5), "on_time_handling": (4, 5), "rework": (1, 5),
        "satisfaction": (2, 4), "satisfaction_own": (2, 3), "satisfaction_assisted": (0, 1),
        "partly_satisfied": (1, 4), "rated_share": (3, 4), "callback_gap": (1, 2), "patrol_coverage": (0, 0),
    }
    assert indicators.unit_figures(golden["team"], OCT)["patrol_coverage"].rate is None


def test_golden_previous_month_and_pending_callbacks(golden):
    report = indicators.report(golden["community"], OCT)
    assert pairs(report.previous.figures) == {
        "on_time_closure": (0, 1), "closure": (0, 1), "on_time_handling": (1, 1), "rework": (0, 0),
        "satisfaction": (0, 0), "satisfaction_own": (0, 0), "satisfaction_assisted": (0, 0),
        "partly_satisfied": (0, 0), "rated_share": (0, 0), "callback_gap": (0, 0), "patrol_coverage": (1, 4),
    }
    assert report.previous.figures["rework"].rate is None
    assert report.summary.callbacks_pending == 1  # R6 sampled, never called back; R3 called back
    assert report.previous.callbacks_pending == 0  # R6 was first closed in October
    changes = {figure.code: change for figure, _before, change in report.comparison()}
    assert changes["on_time_handling"] == round((5 / 6 - 1) * 100, 1)
    assert changes["rework"] is None


def test_golden_november(golden):
    figures = pairs(indicators.unit_figures(golden["community"], datetime.date(2026, 11, 1)))
    assert figures["rated_share"] == (0, 1)  # R5 first closed in November, not rated
    assert figures["rework"] == (0, 1)
    assert figures["patrol_coverage"] == (1, 4)


def test_golden_breakdowns(golden, org):
    community = golden["community"]
    by_grid = indicators.report(community, OCT, "grid")
    assert [u.obj for u in by_grid.rows] == [golden["grid"]]
    assert pairs(by_grid.rows[0].figures) == OCTOBER
    by_team = indicators.report(community, OCT, "team")
    assert [u.obj for u in by_team.rows] == [golden["team"]]
    assert by_team.rows[0].figures["on_time_closure"].numerator == 2
    street = org["street"]
    by_community = indicators.report(street, OCT, "community")
    row = next(u for u in by_community.rows if u.obj.pk == community.pk)
    assert pairs(row.figures) == OCTOBER
    assert by_community.rows[0].figures["closure"].url.startswith("/grid/requests/?org=")


def test_street_total_holds_the_community(golden, org):
    street = org["street"]
    total = indicators.unit_figures(street, OCT)
    alone = indicators.unit_figures(golden["community"], OCT)
    for code in OCTOBER:
        assert total[code].numerator >= alone[code].numerator
        assert total[code].denominator >= alone[code].denominator


def test_parse_month():
    assert indicators.parse_month("2026-03") == datetime.date(2026, 3, 1)
    assert indicators.parse_month("", default=datetime.date(2026, 11, 20)) == datetime.date(2026, 11, 1)
    for bad in ("2026-13", "2026/03", "26-03", "abc"):
        with pytest.raises(ValidationError):
            indicators.parse_month(bad)


# ----- page ------------------------------------------------------------------------------------

def test_page_for_the_community_secretary(client_for, org):
    response = client_for("community").get("/grid/indicators/", {"month": "2026-11"})
    assert response.status_code == 200
    assert response.context["org"] == org["community"]
    body = response.content.decode()
    assert 'id="indicators-data"' in body and "grid-indicators.js" in body
    assert "<script>" not in body  # no inline scripts


def test_page_breakdown_and_golden_row(client_for, golden, org):
    response = client_for("organizer").get("/grid/indicators/", {"org": org["street"].pk, "month": "2026-10",
                                                                  "by": "community"})
    assert response.status_code == 200
    rows = {u.obj.pk: u for u in response.context["report"].rows}
    assert pairs(rows[golden["community"].pk].figures) == OCTOBER


def test_page_bad_month_is_a_warning_not_an_error(client_for):
    response = client_for("community").get("/grid/indicators/", {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["errors"]


@pytest.mark.parametrize("persona,status", [("grid", 403), ("resident", 403), ("member", 403), ("team", 403)])
def test_page_refused_without_a_subtree(client_for, persona, status):
    assert client_for(persona).get("/grid/indicators/").status_code == status


def test_page_out_of_sight_org_is_404(client_for, org):
    assert client_for("sibling").get("/grid/indicators/", {"org": org["community"].pk}).status_code == 404


def test_page_query_count_does_not_grow_with_rows(client_for, org, django_assert_max_num_queries):
    client = client_for("organizer")
    client.get("/grid/indicators/", {"org": org["street"].pk})  # warm the session and caches
    for by in ("grid", "community", "team"):
        with django_assert_max_num_queries(30):
            response = client.get("/grid/indicators/", {"org": org["street"].pk, "month": "2026-11", "by": by})
        assert response.status_code == 200
    assert len(response.context["report"].rows) >= 7  # six community teams and the sub-district's


# ----- API -------------------------------------------------------------------------------------

def test_api_golden(client_for, golden):
    response = client_for("organizer").get("/api/v1/request-indicators/",
                                           {"org": golden["community"].pk, "month": "2026-10", "by": "grid"})
    assert response.status_code == 200
    data = response.json()
    assert data["month"] == "2026-10" and data["start"] == "2026-10-01" and data["end"] == "2026-11-01"
    figures = {f["code"]: f for f in data["figures"]}
    assert {code: (f["numerator"], f["denominator"]) for code, f in figures.items()} == OCTOBER
    assert figures["on_time_closure"]["rate"] == 0.5
    assert figures["on_time_closure"]["previous"] == {"numerator": 0, "denominator": 1, "rate": 0.0}
    assert figures["rework"]["previous"]["rate"] is None
    assert data["callbacks_pending"] == 1
    assert [r["id"] for r in data["rows"]] == [golden["grid"].pk]
    row = {f["code"]: f for f in data["rows"][0]["figures"]}
    assert (row["patrol_coverage"]["numerator"], row["patrol_coverage"]["denominator"]) == (2, 4)


def test_api_without_breakdown_has_no_rows(client_for, org):
    data = client_for("community").get("/api/v1/request-indicators/", {"org": org["community"].pk}).json()
    assert data["by"] is None and "rows" not in data
    assert data["month"] == timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("params", [{"month": "2026-13"}, {"month": "11/2026"}, {"by": "building"}])
def test_api_bad_query_is_400(client_for, org, params):
    response = client_for("community").get("/api/v1/request-indicators/", {"org": org["community"].pk, **params})
    assert response.status_code == 400
    assert set(response.json()) & {"month", "by"}


def test_api_needs_org(client_for):
    response = client_for("community").get("/api/v1/request-indicators/")
    assert response.status_code == 400 and "org" in response.json()


def test_api_scope(client_for, org):
    assert client_for("sibling").get("/api/v1/request-indicators/", {"org": org["community"].pk}).status_code == 404
    assert client_for("grid").get("/api/v1/request-indicators/", {"org": org["community"].pk}).status_code == 404
    assert client_for("member").get("/api/v1/request-indicators/", {"org": org["branch"].pk}).status_code == 403
    assert client_for(None).get("/api/v1/request-indicators/", {"org": org["community"].pk}).status_code in (401, 403)
