"""Organizations and members figures against hand-computed values, as of days before and after a
transfer, a death, a conversion and a suspension (the subtree of ``builders``)."""
import datetime

import pytest

from dangjian.organizations.models import Organization
from dangjian.organizations.services import organization_move
from dangjian.reports import figures
from dangjian.reports.figures import Scope, members, organizations

from .builders import build

D = datetime.date
MID_2026, END_2025, DEC_2026 = D(2026, 6, 30), D(2025, 12, 31), D(2026, 12, 5)


@pytest.fixture
def tree(org):
    return build(outside=org["sibling"])


def test_members_on_a_day_after_the_transfers_and_the_death(tree):
    got = members.roll(Scope(tree.x, MID_2026))
    assert got["total"] == 5
    assert got["by_status"] == {"probationary": 1, "full": 4, "lost_contact": 0, "suspended": 0}
    assert got["by_gender"] == {"male": 2, "female": 3}
    assert got["by_category"] == {"employed": 3, "retired": 1, "unemployed": 0, "student": 1, "farmer": 0,
                                  "self_employed": 0, "other": 0}
    assert got["by_education"] == {"postgraduate": 0, "undergraduate": 1, "college": 1, "secondary": 2, "junior": 1,
                                   "primary": 0, "unknown": 0}
    assert got["by_ethnicity"] == {"01": 4, "02": 1} and got["minorities"] == 1
    assert got["by_age_band"] == {"to_30": 1, "31_35": 1, "36_40": 0, "41_45": 1, "46_50": 1, "51_55": 0,
                                  "56_60": 0, "61_70": 1, "over_70": 0}


def test_members_before_the_transfers_and_the_death(tree):
    got = members.roll(Scope(tree.x, END_2025))
    assert got["total"] == 6  # m1, m2, m3, m4, m5, m7: m6 is still elsewhere, m4 alive, m5 not yet gone
    assert got["by_status"]["probationary"] == 1 and got["by_status"]["full"] == 5
    assert got["by_age_band"]["over_70"] == 1  # m4, 75


def test_standing_is_read_back_to_the_day(tree):
    """m3 became a full member on 2026-12-01 and m7 was suspended on 2026-07-15: before, they were not."""
    assert members.roll(Scope(tree.x, DEC_2026))["by_status"] == {
        "probationary": 0, "full": 4, "lost_contact": 0, "suspended": 1}
    assert members.roll(Scope(tree.a, MID_2026))["by_status"] == {
        "probationary": 1, "full": 2, "lost_contact": 0, "suspended": 0}  # m1, m3, m7 in A


def test_changes_of_the_year_add_up(tree):
    got = members.changes(Scope(tree.x, MID_2026))
    assert got == {"at_start": 6, "admitted": 0, "transferred_in": 1, "transferred_out": 1,
                   "left": {"died": 1, "resigned": 0, "lapsed": 0, "removed": 0, "expelled": 0,
                            "probation_cancelled": 0},
                   "left_total": 1, "converted": 0, "at_end": 5}
    assert got["at_start"] + got["admitted"] + got["transferred_in"] - got["transferred_out"] - got["left_total"] \
        == got["at_end"]
    assert members.changes(Scope(tree.x, DEC_2026))["converted"] == 1
    before = members.changes(Scope(tree.x, END_2025))
    assert (before["at_start"], before["admitted"], before["at_end"]) == (5, 1, 6)


def test_a_move_inside_the_subtree_is_no_change_but_counts_for_the_branches(tree):
    """m7 went from B to A: for X nothing changed, for A it came in, for B it went out."""
    assert members.changes(Scope(tree.a, MID_2026))["transferred_in"] == 1
    b = members.changes(Scope(tree.b, MID_2026))
    assert (b["transferred_in"], b["transferred_out"]) == (1, 1)  # m6 in, m7 out


def test_organizations_and_secretaries(tree):
    got = organizations.compute(Scope(tree.x, MID_2026))
    assert got["total"] == 4 and got["party_groups"] == 1
    assert got["by_type"]["working_committee"] == 1 and got["by_type"]["branch"] == 3
    assert sum(got["by_type"].values()) == 4
    assert got["by_unit_kind"]["community"] == 3 and got["by_unit_kind"]["private_enterprise"] == 1
    assert got["secretaries"]["total"] == 2
    assert got["secretaries"]["average_age"] == "50.5"  # m1 66, m2 35
    assert got["secretaries"]["women"] == 1
    assert got["secretaries"]["college_or_above"] == 1 and got["secretaries"]["college_or_above_rate"] == "50.00"
    assert organizations.compute(Scope(tree.x, END_2025))["by_type"]["branch"] == 2  # C came in 2026


def test_records_behind_each_figure_are_as_many_as_the_figure(tree):
    for day in (END_2025, MID_2026, DEC_2026):
        scope = Scope(tree.x, day)
        answer = figures.compute(scope, ["members", "organizations"])
        for path in ("by_gender", "by_status", "by_age_band", "by_education", "by_category"):
            for key, n in answer["members"][path].items():
                assert members.records(scope, path, key).count() == n, (day, path, key)
        assert members.records(scope, "total").count() == answer["members"]["total"]
        for part in ("admitted", "transferred_in", "transferred_out", "converted"):
            assert members.records(scope, f"changes.{part}").count() == answer["members"]["changes"][part]
        assert members.records(scope, "changes.left", "died").count() == answer["members"]["changes"]["left"]["died"]
        for key, n in answer["organizations"]["by_type"].items():
            assert organizations.records(scope, "by_type", key).count() == n


def test_a_branch_moved_out_later_still_counts_on_the_days_it_was_inside(tree):
    """B leaves X on 2026-09-01: on 2026-06-30 X still had B's members (m2, m6), walked from the versions."""
    organization_move(actor=None, organization=tree.b, new_parent=Organization.objects.get(depth=1),
                      on=D(2026, 9, 1))
    tree.x.refresh_from_db()
    before = Scope(tree.x, MID_2026)
    assert before.moved
    assert members.roll(before)["total"] == 5
    assert organizations.compute(before)["total"] == 4
    after = Scope(tree.x, DEC_2026)
    assert members.roll(after)["total"] == 3  # m1, m3, m7 in A
    assert organizations.compute(after)["total"] == 3


def test_last_year_is_the_same_day_a_year_before(tree):
    assert Scope(tree.x, D(2024, 2, 29)).a_year_before().on == D(2023, 2, 28)
    assert Scope(tree.x, MID_2026).a_year_before().on == D(2025, 6, 30)


def test_the_overview_takes_few_queries_whatever_the_size(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        figures.compute(Scope(org["city"], D(2026, 6, 30)), ["members", "organizations"])
