"""Measured criteria: each indicator computed from the records of its module, with the link to them."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dangjian.assessment.defaults import PACK_FILE, scheme_from_definition
from dangjian.assessment.indicators import INDICATORS, measure, members_on, roll_on
from dangjian.assessment.selectors_surveys import satisfaction
from dangjian.core.rules import RULES_DIR, load_pack_file
from dangjian.orglife import services as orglife
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, StudySource
from dangjian.orglife.models import StudyRecord
from dangjian.orglife.selectors import holders

TZ = ZoneInfo("Asia/Shanghai")
Q1_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))


def hold(org, kind, day: datetime.date):
    """Plan and record a meeting on ``day`` through the orglife services, everyone present."""
    meeting = orglife.meeting_plan(actor=None, organization=org, kind=kind, topic="主题",
                                   starts_at=datetime.datetime(day.year, day.month, day.day, 9, tzinfo=TZ))
    attendance = {a.member_id: (AttendanceStatus.PRESENT, "") for a in meeting.attendances.all()}
    return orglife.meeting_record(actor=None, meeting=meeting, attendance=attendance, minutes="学习传达会议精神。")


def test_every_indicator_named_by_the_shipped_schemes_is_registered():
    data = load_pack_file(RULES_DIR / PACK_FILE)
    used = {c["indicator"] for s in data["schemes"] for c in s["criteria"] if c.get("indicator")}
    assert used, "the shipped schemes measure some criteria"
    assert used <= set(INDICATORS), used - set(INDICATORS)


def test_meeting_compliance_is_computed_from_the_meetings_recorded(org):
    """Done-when: a criterion bound to meeting compliance shows the value computed from meeting records."""
    branch = org["branch"]
    held_by = holders(branch)
    groups = len(held_by["group"])
    has_committee = branch in held_by["committee"]
    # Q1 2025 of 滨河社区第一党支部 by the rule packs: one general meeting a quarter, one Party lecture a
    # quarter (江滨's local pack), a theme day a month, a committee meeting a month (it has a committee), a
    # group meeting a month for each Party group. The yearly life meeting ends after the period.
    required = 1 + 1 + 3 + 3 * has_committee + 3 * groups
    assert has_committee and groups == 2 and required == 14
    assert measure("orglife.meeting_compliance", branch, *Q1_2025).value == 0

    hold(branch, MeetingKind.THEME_DAY, datetime.date(2025, 1, 10))
    hold(branch, MeetingKind.THEME_DAY, datetime.date(2025, 1, 24))  # a second in January makes up nothing
    hold(branch, MeetingKind.THEME_DAY, datetime.date(2025, 2, 14))
    hold(branch, MeetingKind.BRANCH_GENERAL_MEETING, datetime.date(2025, 3, 6))
    hold(branch, MeetingKind.THEME_DAY, datetime.date(2025, 4, 11))  # after the period
    result = measure("orglife.meeting_compliance", branch, *Q1_2025)
    assert result.value == (Decimal(3) / Decimal(required)).quantize(Decimal("0.0001"))
    assert "3" in result.detail and "14" in result.detail
    assert result.records_url == f"/orglife/compliance/?org={branch.pk}&year=2025"

    hold(branch, MeetingKind.PARTY_LECTURE, datetime.date(2025, 3, 20))
    assert measure("orglife.meeting_compliance", branch, *Q1_2025).value == (
        Decimal(4) / Decimal(required)).quantize(Decimal("0.0001"))


def test_meeting_compliance_of_a_community_counts_every_branch_below(org):
    community, branch = org["community"], org["branch"]
    before = measure("orglife.meeting_compliance", community, *Q1_2025)
    hold(branch, MeetingKind.THEME_DAY, datetime.date(2025, 2, 14))
    after = measure("orglife.meeting_compliance", community, *Q1_2025)
    assert after.value > before.value
    assert after.records_url.endswith(f"?org={community.pk}&year=2025")


def test_nothing_required_measures_nothing(org):
    """Before the first period of the rules ends there is nothing to measure: None, not 0 or 100%."""
    result = measure("orglife.meeting_compliance", org["branch"], datetime.date(2025, 1, 1), datetime.date(2025, 1, 20))
    assert result.value is None


def test_a_cycle_shows_the_measured_value_and_whether_it_is_met(org, personas):
    from dangjian.assessment.models import CriterionResult
    from dangjian.assessment.services_cycles import cycle_open

    branch = org["branch"]
    scheme = scheme_from_definition({
        "code": "test-meetings", "kind": "star", "name": "三会一课", "unit_kinds": [],
        "grades": [{"code": "good", "name": "好", "min_points": 1, "rank": 2},
                   {"code": "poor", "name": "差", "min_points": 0, "rank": 1}],
        "steps": [{"code": "self", "name": "自评", "performer": "self"}],
        "criteria": [{"code": "meetings", "name": "组织生活星", "indicator": "orglife.meeting_compliance",
                      "threshold": 0.2}],
    })
    for day in (datetime.date(2025, 1, 10), datetime.date(2025, 2, 14), datetime.date(2025, 3, 14)):
        hold(branch, MeetingKind.THEME_DAY, day)
    cycle = cycle_open(actor=personas["organizer"], scheme=scheme, organization=org["street"], name="2025年一季度",
                       year=2025, period_start=Q1_2025[0], period_end=Q1_2025[1], organizations=[branch])
    row = CriterionResult.objects.get(assessment__cycle=cycle, assessment__organization=branch)
    expected = measure("orglife.meeting_compliance", branch, *Q1_2025)
    assert row.value == expected.value == (Decimal(3) / 14).quantize(Decimal("0.0001"))
    assert row.met is True  # 3/14 ≈ 21% ≥ 20%
    assert row.records_url == f"/orglife/compliance/?org={branch.pk}&year=2025"


def test_study_completion_counts_members_reaching_their_target(org):
    from dangjian.members.models import Member
    from dangjian.organizations.models import LeadershipPost
    from dangjian.orglife.selectors import study_standings

    branch = org["branch"]
    members = list(Member.objects.filter(pk__in=roll_on(branch, datetime.date(2025, 12, 31))).order_by("id"))
    leaders = set(LeadershipPost.objects.current(datetime.date(2025, 12, 31)).filter(
        member__in=members, kind__is_committee=True).values_list("member_id", flat=True))
    ordinary = [m for m in members if m.pk not in leaders]
    leader = next(m for m in members if m.pk in leaders)
    assert not StudyRecord.objects.filter(member__in=members, on__year=2025).exists()

    def credit(member, hours, day=datetime.date(2025, 6, 1)):
        StudyRecord.objects.create(member=member, on=day, hours=Decimal(hours), source=StudySource.SELF_STUDY,
                                   title="自学")

    credit(ordinary[0], 32)                     # met: 32 of 32
    credit(ordinary[1], 20)
    credit(ordinary[1], 12, datetime.date(2025, 11, 1))  # met: 20 + 12
    credit(ordinary[2], 31)                     # short by one hour
    credit(leader, 40)                          # a committee member needs 56: short
    credit(ordinary[3], 40, datetime.date(2024, 12, 31))  # the year before
    period = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    result = measure("orglife.study_completion", branch, *period)
    assert result.value == (Decimal(2) / len(members)).quantize(Decimal("0.0001"))
    assert result.records_url == f"/orglife/study/?org={branch.pk}&year=2025"
    # The same count as the study page's standings.
    standings = study_standings(members, 2025, organization=branch)
    assert sum(1 for s in standings if s.short == 0) == 2


def test_study_completion_of_a_past_year_reads_that_year_s_roll(org):
    """A member who transferred in after the year is not on the year's roll: neither their hours (studied
    elsewhere) nor their absence change the branch's past figure."""
    from dangjian.members.models import Member, Membership

    branch, sibling = org["branch"], org["sibling"]
    year_end = datetime.date(2025, 12, 31)
    period = (datetime.date(2025, 1, 1), year_end)
    roll = Member.objects.filter(pk__in=roll_on(branch, year_end))
    on_roll = roll.count()
    assert on_roll > 0
    StudyRecord.objects.create(member=roll.order_by("id").first(), on=datetime.date(2025, 6, 1), hours=Decimal(60),
                               source=StudySource.SELF_STUDY, title="自学")
    before = measure("orglife.study_completion", branch, *period)
    assert before.value == (Decimal(1) / on_roll).quantize(Decimal("0.0001"))

    newcomer = Member.objects.filter(organization=sibling, pk__in=roll_on(sibling, year_end)).order_by("id").first()
    StudyRecord.objects.create(member=newcomer, on=datetime.date(2025, 6, 1), hours=Decimal(60),
                               source=StudySource.SELF_STUDY, title="在原支部自学")
    moved = datetime.date(2026, 3, 1)
    Membership.objects.filter(member=newcomer, ended_on__isnull=True).update(ended_on=moved)
    Membership.objects.create(member=newcomer, organization=branch, started_on=moved)
    Member.objects.filter(pk=newcomer.pk).update(organization=branch)
    assert measure("orglife.study_completion", branch, *period).value == before.value
    # Today's roll has them; the year's does not.
    assert roll_on(branch, datetime.date(2026, 11, 20)).filter(member=newcomer).exists()
    assert not roll_on(branch, year_end).filter(member=newcomer).exists()


def test_study_completion_runs_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        measure("orglife.study_completion", org["street"], datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_volunteer_hours_per_member(org):
    from dangjian.members.models import Member
    from dangjian.volunteers import services as volunteering
    from dangjian.volunteers.choices import SignUpStatus
    from dangjian.volunteers.tests.factories import make_activity, make_team

    community = org["community"]
    end = datetime.date(2025, 12, 31)
    members = members_on(community, end)
    period = (datetime.date(2025, 1, 1), end)
    already = measure("volunteers.hours_per_member", community, *period).value * members  # the demo's own hours
    team = make_team()
    member = Member.objects.filter(pk__in=roll_on(community, end), user__isnull=False).order_by("id").first()
    first = volunteering.volunteer_add(actor=None, team=team, user=member.user)  # a Party member by account
    second = volunteering.volunteer_add(actor=None, team=team, name="居民志愿者")  # a resident
    day = datetime.date(2025, 5, 10)
    activity = make_activity(team, day=day)
    need = activity.needs.first()

    def serve(volunteer, hours_in, hours_out):
        signup = volunteering.signup_join(actor=None, need=need, volunteer=volunteer)
        volunteering.signup_transition(actor=None, signup=signup, to=SignUpStatus.CHECKED_IN,
                                       at=datetime.datetime(2025, 5, 10, hours_in, tzinfo=TZ))
        return volunteering.signup_transition(actor=None, signup=signup, to=SignUpStatus.CHECKED_OUT,
                                              at=datetime.datetime(2025, 5, 10, hours_out, tzinfo=TZ))

    assert serve(first, 9, 11).hours == 2
    assert serve(second, 9, 12).hours == 3
    late = make_activity(team, day=datetime.date(2026, 1, 5), title="元旦后")  # outside the period
    signup = volunteering.signup_join(actor=None, need=late.needs.first(), volunteer=first)
    volunteering.signup_transition(actor=None, signup=signup, to=SignUpStatus.CHECKED_IN,
                                   at=datetime.datetime(2026, 1, 5, 9, tzinfo=TZ))
    volunteering.signup_transition(actor=None, signup=signup, to=SignUpStatus.CHECKED_OUT,
                                   at=datetime.datetime(2026, 1, 5, 11, tzinfo=TZ))

    assert members > 0
    result = measure("volunteers.hours_per_member", community, *period)
    # The member's 2 hours count; the resident's 3 do not, nor the member's hours after the period.
    assert result.value == ((already + 2) / members).quantize(Decimal("0.01"))
    assert result.records_url == f"/volunteers/figures/?org={community.pk}&year=2025"
    assert INDICATORS["volunteers.hours_per_member"].unit == "hours"


def test_members_on_a_day_read_the_dated_membership(org):
    from dangjian.members.models import Member, Membership

    branch = org["branch"]
    today = datetime.date(2026, 11, 20)
    now = members_on(branch, today)
    assert now == Member.objects.filter(organization=branch).count()
    member = Member.objects.filter(organization=branch).order_by("id").first()
    Membership.objects.filter(member=member).update(started_on=datetime.date(2026, 6, 1))
    assert members_on(branch, datetime.date(2026, 5, 31)) == now - 1
    assert members_on(branch, today) == now


def _survey(org, *, status="closed", purpose="satisfaction", key="k1"):
    """A survey with a 5-point rating question and a text question, answered below with known ratings."""
    from dangjian.assessment.models import Question, Survey

    survey = Survey.objects.create(organization=org, title="满意度测评", purpose=purpose, audience="residents",
                                   key=key, opens_on=datetime.date(2025, 6, 1), closes_on=datetime.date(2025, 6, 30),
                                   status=status)
    rating = Question.objects.create(survey=survey, order=0, kind="rating", text="您对社区党组织满意吗？", scale=5)
    text = Question.objects.create(survey=survey, order=1, kind="text", text="意见建议", required=False)
    return survey, rating, text


def _answer(survey, question, rating, day):
    from dangjian.assessment.models import Answer, Response

    response = Response.objects.create(survey=survey)
    Response.objects.filter(pk=response.pk).update(submitted_on=day)
    Answer.objects.create(response=response, question=question, rating=rating)


def test_survey_satisfaction_counts_ratings_at_or_above_the_rule(org):
    community, branch = org["community"], org["branch"]
    survey, rating, text = _survey(community)
    june = datetime.date(2025, 6, 10)
    for value in (5, 4, 4, 3, 1):
        _answer(survey, rating, value, june)
    _answer(survey, rating, 5, datetime.date(2025, 7, 2))  # answered after the period
    from dangjian.assessment.models import Answer
    Answer.objects.create(response=survey.responses.first(), question=text, text="很好")  # text: not a rating
    below, below_rating, _text = _survey(branch, key="k2")  # a survey run in the subtree counts
    _answer(below, below_rating, 5, june)
    vote, vote_rating, _text = _survey(community, purpose="vote", key="k4")  # nor a democratic vote
    _answer(vote, vote_rating, 5, june)

    period = (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    assert satisfaction(community, *period) == (4, 6)  # the surveys part's count, which the indicator uses
    result = measure("surveys.satisfaction", community, *period)
    assert result.value == (Decimal(4) / 6).quantize(Decimal("0.0001"))
    assert result.records_url.endswith(f"/assessment/surveys/?org={community.pk}")
    assert measure("surveys.satisfaction", org["sibling"], *period).value is None


@pytest.mark.parametrize("code", ["on_time_closure", "satisfaction"])
def test_grid_figures_over_a_period_agree_with_the_monthly_indicators_page(org, code):
    from dangjian.core.dates import add_months
    from dangjian.grid.indicators import unit_figures

    community = org["community"]
    first, last = datetime.date(2026, 8, 1), datetime.date(2026, 11, 1)
    numerator = denominator = 0
    month = first
    while month <= last:
        figure = unit_figures(community, month)[code]
        numerator, denominator = numerator + figure.numerator, denominator + figure.denominator
        month = add_months(month, 1)
    assert denominator > 0, "the demo city has requests in these months"
    result = measure(f"grid.{code}", community, first, datetime.date(2026, 11, 30))
    assert result.value == (Decimal(numerator) / denominator).quantize(Decimal("0.0001"))
    assert f"{numerator} " in result.detail or f"{numerator}/" in result.detail or str(numerator) in result.detail
    assert result.records_url == f"/grid/indicators/?org={community.pk}&month=2026-11"
    one_month = measure(f"grid.{code}", community, last, datetime.date(2026, 11, 30))
    figure = unit_figures(community, last)[code]
    assert one_month.value == (None if not figure.denominator else
                               (Decimal(figure.numerator) / figure.denominator).quantize(Decimal("0.0001")))
    assert one_month.records_url == figure.url
