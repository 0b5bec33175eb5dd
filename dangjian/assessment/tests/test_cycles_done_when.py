"""The issue's "done when" for cycles: 61 villages graded with exact counts and percentages (veto items
included), and a tiering cycle showing promotions and the rectification tasks for the shortfalls."""
import datetime
import time
from decimal import Decimal

from django.utils.translation import gettext

from dangjian.assessment.choices import AssessmentAction, AssessmentStatus, Movement
from dangjian.assessment.models import Assessment, CriterionResult, Rectification
from dangjian.assessment.selectors_cycles import cycle_rows, distribution, history, movement_counts, movements
from dangjian.assessment.services_cycles import assessment_transition, cycle_close, cycle_open, recompute
from dangjian.organizations.models import Organization

from .fixtures_cycles import FakeIndicator, fake_indicator, judged_scheme, villages_under, walk_to_approval

__all__ = ["fake_indicator"]  # the fixture, used by name

STARS = ["leadership", "organization_life", "study", "members", "venue", "economy", "democracy", "service",
         "stability", "satisfaction"]
VETOES = ["veto_incident", "veto_discipline", "veto_election"]


def village_plan() -> list[tuple[int, str | None]]:
    """(stars met, veto item triggered) for each of the 61 villages.

    21 advanced: 3 × 10, 15 × 9, 3 × 8 stars = 189; 35 average: 33 × 7, 6, 5 = 242; 5 lagging: 3 × 4 = 12
    and 2 vetoed (one with 9 stars met, one with 6: both count 0). Stars earned 443 of 61 × 10 = 610.
    """
    plan = [(10, None)] * 3 + [(9, None)] * 15 + [(8, None)] * 3
    plan += [(7, None)] * 33 + [(6, None), (5, None)]
    plan += [(4, None)] * 3 + [(9, "veto_incident"), (6, "veto_discipline")]
    assert len(plan) == 61
    return plan


def test_61_villages_give_the_2012_grade_counts_and_percentages(personas, org):
    started = time.monotonic()
    town = org["town"]
    existing = list(Organization.objects.filter(path__startswith=town.path, unit_kind="village").order_by("path"))
    villages = existing + villages_under(town, 61 - len(existing))
    assert len(villages) == 61
    scheme = judged_scheme("village-stars")
    cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="2012年度嘎查村星级评定",
                       year=2012, period_start=datetime.date(2012, 1, 1), period_end=datetime.date(2012, 12, 31),
                       organizations=villages)
    assessments = {a.organization_id: a for a in cycle.assessments.select_related("cycle__scheme")}
    results = list(CriterionResult.objects.filter(assessment__cycle=cycle).select_related("criterion"))
    by_assessment: dict[int, list[CriterionResult]] = {}
    for result in results:
        by_assessment.setdefault(result.assessment_id, []).append(result)
    for village, (stars, veto) in zip(villages, village_plan(), strict=True):
        met_codes = set(STARS[:stars])
        for result in by_assessment[assessments[village.pk].pk]:
            code = result.criterion.code
            result.met = code != veto if result.criterion.is_veto else code in met_codes
    CriterionResult.objects.bulk_update(results, ["met"])
    last = cycle.scheme.steps.order_by("-order").first().order
    Assessment.objects.filter(cycle=cycle).update(step=last)  # fast path to the county's approval
    for assessment in assessments.values():
        assessment.step = last
        recompute(assessment)
        assessment_transition(actor=personas["city"], assessment=assessment, action=AssessmentAction.APPROVE)

    result = distribution(cycle)
    assert (result.total, result.approved) == (61, 61)
    shares = {row.code: (row.name, row.count, row.percent) for row in result.rows}
    assert shares == {"advanced": ("先进", 21, Decimal("34.43")), "average": ("一般", 35, Decimal("57.38")),
                      "lagging": ("后进", 5, Decimal("8.20"))}
    assert [row.code for row in result.rows] == ["advanced", "average", "lagging"]  # best first
    assert abs(sum(row.percent for row in result.rows) - 100) <= Decimal("0.02")
    assert result.vetoed == 2
    assert (result.stars_earned, result.stars_possible, result.star_rate) == (443, 610, Decimal("72.62"))
    # The vetoed village that met 9 stars is lagging with no stars or points.
    vetoed = Assessment.objects.get(cycle=cycle, organization=villages[59])
    assert (vetoed.vetoed, vetoed.grade, vetoed.stars, vetoed.points) == (True, "lagging", 0, Decimal(0))
    cycle_close(actor=personas["city"], cycle=cycle)
    assert time.monotonic() - started < 30


TIER_SCHEME = "community-tiers"
JUDGED = ["secretary", "team", "venue", "funds", "mechanism"]  # 15, 10, 10, 10, 10 points
# Measured (bound to the fake indicator): organization_life 15 (≥ 0.9), requests_on_time 10 (≥ 0.85),
# satisfaction 10 (≥ 0.9), service 10 (≥ 4 hours). A value of 0.95 meets the first three (35 points).


def rate_year(*, actor, scheme, street, communities, year, plan, fake: FakeIndicator, targets=None):
    """Open a tiering cycle, record the judged results, walk each community to approval."""
    for community, (value, _met) in zip(communities, plan, strict=True):
        fake.values[community.pk] = value
    cycle = cycle_open(actor=actor, scheme=scheme, organization=street, name=f"{year}年度社区分类定级", year=year,
                       period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                       organizations=communities, targets=targets)
    for community, (_value, met) in zip(communities, plan, strict=True):
        assessment = cycle.assessments.get(organization=community)
        CriterionResult.objects.filter(assessment=assessment, criterion__indicator="").update(met=False)
        CriterionResult.objects.filter(assessment=assessment, criterion__code__in=met).update(met=True)
        recompute(assessment)
        walk_to_approval(assessment, actor=actor)
    return cycle


def test_tiering_shows_promotions_targets_and_rectification_tasks(personas, org, fake_indicator):
    actor = personas["organizer"]  # organizer of the street: performs every step of its communities
    street = org["street"]
    names = ["滨河社区党委", "望江社区党委", "新华社区党委", "柳岸社区党委"]
    communities = [Organization.objects.get(name=name) for name in names]
    binhe, wangjiang, xinhua, liuan = communities
    scheme = judged_scheme(TIER_SCHEME, indicator_code=FakeIndicator.code)
    year1 = rate_year(actor=actor, scheme=scheme, street=street, communities=communities, year=2025,
                      fake=fake_indicator, plan=[
                          (Decimal("0.95"), JUDGED[:2]),   # 35 + 25 = 60: standard
                          (Decimal("0.95"), JUDGED[:4]),   # 35 + 45 = 80: improved
                          (Decimal("0.95"), JUDGED[:2]),   # 60: standard
                          (None, JUDGED[:3]),              # no records: 0 + 35 = 35: basic
                      ])
    grades1 = dict(year1.assessments.values_list("organization_id", "grade"))
    assert grades1 == {binhe.pk: "standard", wangjiang.pk: "improved", xinhua.pk: "standard", liuan.pk: "basic"}
    assert set(movements(year1).values()) == {Movement.NEW}
    # The measured criterion shows the indicator's value and the link to the records behind it.
    measured = CriterionResult.objects.get(assessment__cycle=year1, assessment__organization=binhe,
                                           criterion__code="organization_life")
    assert (measured.value, measured.met) == (Decimal("0.95"), True)
    assert measured.records_url.startswith(f"/orglife/?org={binhe.pk}&from=2025-01-01&to=2025-12-31")

    before = set(Rectification.objects.values_list("pk", flat=True))
    year2 = rate_year(actor=actor, scheme=scheme, street=street, communities=communities, year=2026,
                      fake=fake_indicator, plan=[
                          (Decimal("0.95"), JUDGED[:4]),   # 80: improved (promoted, target reached)
                          (Decimal("0.95"), JUDGED[:4]),   # 80: improved (unchanged, target model missed)
                          (Decimal("0.5"), JUDGED),        # 0 + 55: basic (demoted, target improved missed)
                          (Decimal("0.95"), JUDGED[:2]),   # 60: standard (turned around, target reached)
                      ])
    rows = {row.organization.pk: row for row in cycle_rows(year2)}
    # Targets defaulted from the previous year: the next grade up (the same at the top).
    assert {pk: row.assessment.target_grade for pk, row in rows.items()} == {
        binhe.pk: "improved", wangjiang.pk: "model", xinhua.pk: "improved", liuan.pk: "standard"}
    assert {pk: (row.grade_name, row.movement, row.target_reached) for pk, row in rows.items()} == {
        binhe.pk: ("提高型", Movement.PROMOTED, True),
        wangjiang.pk: ("提高型", Movement.SAME, False),
        xinhua.pk: ("基础型", Movement.DEMOTED, False),
        liuan.pk: ("达标型", Movement.TURNED_AROUND, True),
    }
    assert movement_counts(year2) == {Movement.NEW: 0, Movement.PROMOTED: 1, Movement.SAME: 1, Movement.DEMOTED: 1,
                                      Movement.TURNED_AROUND: 1}
    counts = {row.code: row.count for row in distribution(year2).rows}
    assert counts == {"model": 0, "improved": 2, "standard": 1, "basic": 1}

    # Rectification tasks: exactly one per unmet criterion and one per missed target, for each community.
    def missed(grade_name):
        return gettext("Annual promotion target not reached: %(grade)s") % {"grade": grade_name}

    tasks = Rectification.objects.exclude(pk__in=before)
    found = {(t.organization_id, t.title, t.source.criterion.code if t.source else None) for t in tasks}
    expected = {
        (binhe.pk, "有一套运行机制", "mechanism"), (binhe.pk, "党员志愿服务", "service"),
        (wangjiang.pk, "有一套运行机制", "mechanism"), (wangjiang.pk, "党员志愿服务", "service"),
        (wangjiang.pk, missed("示范型"), None),
        (xinhua.pk, "“三会一课”按期召开", "organization_life"), (xinhua.pk, "居民诉求按期办结", "requests_on_time"),
        (xinhua.pk, "群众满意", "satisfaction"), (xinhua.pk, "党员志愿服务", "service"), (xinhua.pk, missed("提高型"), None),
        (liuan.pk, "有一处标准场所", "venue"), (liuan.pk, "有一笔固定经费", "funds"), (liuan.pk, "有一套运行机制", "mechanism"),
        (liuan.pk, "党员志愿服务", "service"),
    }
    assert found == expected
    assert tasks.count() == len(expected)
    assert all(t.source is None or t.source.assessment.cycle_id == year2.pk for t in tasks)
    assert all(t.deadline > datetime.date.today() for t in tasks)

    # History across the years, oldest first.
    assert [(h.year, h.grade_name) for h in history(liuan, scheme.code)] == [(2025, "基础型"), (2026, "达标型")]
    assert all(a.status == AssessmentStatus.APPROVED for a in year2.assessments.all())


def test_an_explicit_target_wins_over_the_default(personas, org, fake_indicator):
    scheme = judged_scheme(TIER_SCHEME, indicator_code=FakeIndicator.code)
    community = org["community"]
    rate_year(actor=personas["organizer"], scheme=scheme, street=org["street"], communities=[community], year=2025,
              fake=fake_indicator, plan=[(Decimal("0.95"), JUDGED[:2])])
    cycle = cycle_open(actor=personas["organizer"], scheme=scheme, organization=org["street"], name="2026", year=2026,
                       period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
                       organizations=[community], targets={community.pk: "model"})
    assert cycle.assessments.get().target_grade == "model"
