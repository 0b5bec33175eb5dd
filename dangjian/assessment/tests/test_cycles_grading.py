"""The pure grading rules: points, stars, veto items, grades and movements (no database)."""
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.assessment.choices import Movement
from dangjian.assessment.grading import Tally, grade_above, grade_for, movement, reached, tally


@dataclass(frozen=True)
class C:
    points: Decimal = Decimal(1)
    is_veto: bool = False


@dataclass(frozen=True)
class G:
    code: str
    min_points: Decimal
    rank: int


STARS = [G("advanced", Decimal(8), 3), G("average", Decimal(5), 2), G("lagging", Decimal(0), 1)]
TIERS = [G("basic", Decimal(0), 1), G("model", Decimal(90), 4), G("standard", Decimal(60), 2),
         G("improved", Decimal(75), 3)]  # any order: ranked by the rules


def test_met_criteria_give_points_and_stars_undecided_and_unmet_give_nothing():
    rows = [(C(Decimal(15)), True), (C(Decimal(10)), False), (C(Decimal(10)), None), (C(Decimal("2.5")), True)]
    assert tally(rows) == Tally(Decimal("17.5"), 2, False)


def test_a_triggered_veto_cancels_points_and_stars():
    rows = [(C(), True)] * 9 + [(C(is_veto=True), False), (C(is_veto=True), True)]
    assert tally(rows) == Tally(Decimal(0), 0, True)


def test_an_undecided_veto_item_does_not_veto_and_a_veto_item_carries_no_points():
    assert tally([(C(), True), (C(Decimal(5), is_veto=True), None)]) == Tally(Decimal(1), 1, False)
    assert tally([(C(), True), (C(Decimal(5), is_veto=True), True)]) == Tally(Decimal(1), 1, False)


def test_grade_is_the_highest_reached_with_boundaries_inclusive():
    assert grade_for(STARS, Tally(Decimal(8), 8, False), "lagging") == "advanced"
    assert grade_for(STARS, Tally(Decimal(7), 7, False), "lagging") == "average"
    assert grade_for(STARS, Tally(Decimal(5), 5, False), "lagging") == "average"
    assert grade_for(STARS, Tally(Decimal("4.99"), 4, False), "lagging") == "lagging"
    assert grade_for(TIERS, Tally(Decimal("89.5"), 0, False), "basic") == "improved"
    assert grade_for(TIERS, Tally(Decimal(90), 0, False), "basic") == "model"


def test_vetoed_gets_the_veto_grade_or_else_the_lowest():
    vetoed = Tally(Decimal(0), 0, True)
    assert grade_for(TIERS, vetoed, "standard") == "standard"
    assert grade_for(TIERS, vetoed, "") == "basic"
    assert grade_for([], vetoed, "") == ""


def test_below_every_threshold_falls_to_the_lowest_grade():
    grades = [G("passed", Decimal(6), 2), G("failed", Decimal(1), 1)]
    assert grade_for(grades, Tally(Decimal(0), 0, False), "") == "failed"


def test_next_grade_up_stays_at_the_top():
    assert grade_above(TIERS, "basic") == "standard"
    assert grade_above(TIERS, "improved") == "model"
    assert grade_above(TIERS, "model") == "model"
    assert grade_above(TIERS, "unknown") is None


def test_movements():
    assert movement(None, 2, 1) == Movement.NEW
    assert movement(2, 3, 1) == Movement.PROMOTED
    assert movement(1, 2, 1) == Movement.TURNED_AROUND  # up from the lowest: turned around, not promoted
    assert movement(1, 3, 1) == Movement.TURNED_AROUND
    assert movement(3, 3, 1) == Movement.SAME
    assert movement(1, 1, 1) == Movement.SAME
    assert movement(3, 1, 1) == Movement.DEMOTED


def test_target_reached():
    assert reached(TIERS, "improved", "improved") is True
    assert reached(TIERS, "model", "improved") is True
    assert reached(TIERS, "standard", "improved") is False
    assert reached(TIERS, "standard", "") is None


criteria = st.lists(st.tuples(st.builds(C, points=st.decimals(0, 20, places=2), is_veto=st.booleans()),
                              st.sampled_from([True, False, None])), max_size=15)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(criteria)
def test_tally_properties(rows):
    result = tally(rows)
    vetoed = any(c.is_veto and met is False for c, met in rows)
    assert result.vetoed == vetoed
    if vetoed:
        assert (result.points, result.stars) == (0, 0)
    else:
        assert result.stars == sum(1 for c, met in rows if not c.is_veto and met)
        assert result.points == sum((c.points for c, met in rows if not c.is_veto and met), Decimal(0))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.decimals(0, 120, places=2))
def test_more_points_never_give_a_lower_grade(points):
    rank = {g.code: g.rank for g in TIERS}
    lower = grade_for(TIERS, Tally(points, 0, False), "basic")
    higher = grade_for(TIERS, Tally(points + 1, 0, False), "basic")
    assert rank[higher] >= rank[lower]
