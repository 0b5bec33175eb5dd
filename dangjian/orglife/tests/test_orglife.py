"""One meeting record gives the hours, the compliance and the ledger; verdicts follow the rules."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry, RulePack
from dangjian.organizations.models import Organization
from dangjian.orglife import selectors, services
from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from dangjian.orglife.models import StudyRecord

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=9):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def hold(org, kind, when, *, actor=None, present=None, minutes="学习传达会议精神，讨论并通过决议。"):
    meeting = services.meeting_plan(actor=actor, organization=org, kind=kind, topic="主题", starts_at=when)
    rows = list(meeting.attendances.all())
    present = len(rows) if present is None else present
    attendance = {a.member_id: (AttendanceStatus.PRESENT if i < present else AttendanceStatus.ABSENT, "")
                  for i, a in enumerate(rows)}
    return services.meeting_record(actor=actor, meeting=meeting, attendance=attendance, minutes=minutes)


def test_one_theme_day_record_gives_hours_compliance_and_ledger(personas, org):
    branch = org["branch"]
    meeting = services.meeting_plan(actor=personas["branch"], organization=branch, kind=MeetingKind.THEME_DAY,
                                    topic="学习党的二十届四中全会精神", starts_at=at(2026, 3, 5))
    invited = list(meeting.attendances.select_related("member"))
    assert len(invited) == branch.members.on_roll().count() >= 20
    attendance = {a.member_id: (AttendanceStatus.PRESENT, "") for a in invited[:20]}
    attendance[invited[20].member_id] = (AttendanceStatus.LEAVE, "住院")
    voting_present = sum(1 for a in invited[:20] if a.voting)
    services.meeting_record(actor=personas["branch"], meeting=meeting, attendance=attendance,
                            minutes="书记领学，党员交流学习体会。",
                            resolutions=[{"text": "开展楼道清洁志愿服务", "votes_for": voting_present - 1,
                                          "votes_against": 1, "abstentions": 0}])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.RECORDED and meeting.rule_version == "national 2018.1"
    # Hours: 2 for a theme day (rule pack) to each of the 20 present, none to the one on leave.
    records = StudyRecord.objects.filter(meeting=meeting)
    assert records.count() == 20 and {r.hours for r in records} == {Decimal(2)}
    assert not records.filter(member_id=invited[20].member_id).exists()
    # Compliance: March's theme day is held.
    march = [r for r in selectors.compliance(branch, 2026, today=datetime.date(2026, 11, 20))
             if r.kind == MeetingKind.THEME_DAY and r.span.start.month == 3]
    assert [(r.held, r.status) for r in march] == [(1, "ok")]
    assert meeting.resolutions.get().passed
    # The ledger: the year's meeting record book of the branch holds it.
    from dangjian.orglife.documents import ledger_meetings

    assert meeting in list(ledger_meetings(branch, 2026))
    assert AuditEntry.objects.filter(action="meeting.recorded", object_id=str(meeting.pk)).exists()


def test_leave_needs_a_reason_and_minutes_are_required(org):
    meeting = services.meeting_plan(actor=None, organization=org["branch"], kind=MeetingKind.THEME_DAY,
                                    topic="t", starts_at=at(2026, 3, 5))
    first = meeting.attendances.first()
    with pytest.raises(ValidationError):
        services.meeting_record(actor=None, meeting=meeting, attendance={first.member_id: ("leave", "")}, minutes="x")
    with pytest.raises(ValidationError):
        services.meeting_record(actor=None, meeting=meeting, attendance={}, minutes=" ")


def test_general_meeting_needs_quorum_and_majority_of_all_voting_members(org):
    meeting = services.meeting_plan(actor=None, organization=org["branch"], kind=MeetingKind.BRANCH_GENERAL_MEETING,
                                    topic="t", starts_at=at(2026, 4, 2))
    voting = meeting.attendances.filter(voting=True).count()
    ok, version = services.resolution_passed(meeting=meeting, votes_for=voting // 2 + 1, voting_members=voting,
                                             voting_present=voting)
    assert ok and version == "national 2018.1"
    # More than half present but the votes for are not more than half of all voting members.
    assert not services.resolution_passed(meeting=meeting, votes_for=voting // 2, voting_members=voting,
                                          voting_present=voting)[0]
    # Without a quorum nothing passes.
    assert not services.resolution_passed(meeting=meeting, votes_for=voting // 2, voting_members=voting,
                                          voting_present=voting // 2)[0]


def test_year_of_compliance_with_local_override_and_mid_year_rule_change(org):
    """A branch of the 江滨 sub-district in 2026, hand-computed.

    National: theme day monthly, general meeting quarterly, Party lecture yearly; the local pack
    of 江滨 (LJ01) asks a Party lecture every quarter. From 2026-07-01 a new local version asks a
    theme day only every quarter. Held: theme days in January, February and July; one Party
    lecture in Q1; general meetings in Q1 and Q2.
    """
    branch = org["branch"]
    RulePack.objects.create(code="jiangbin", version="2026.2", title="下半年主题党日每季度一次",
                            effective_from=datetime.date(2026, 7, 1), organization_code="LJ01",
                            data={"orglife": {"required": {
                                "theme_day": {"period": "quarter", "count": 1, "holders": "branch"},
                                "party_lecture": {"period": "quarter", "count": 1, "holders": "branch"}}}})
    for month in (1, 2, 7):
        hold(branch, MeetingKind.THEME_DAY, at(2026, month, 10))
    hold(branch, MeetingKind.PARTY_LECTURE, at(2026, 2, 20))
    hold(branch, MeetingKind.BRANCH_GENERAL_MEETING, at(2026, 3, 20))
    hold(branch, MeetingKind.BRANCH_GENERAL_MEETING, at(2026, 6, 20))
    rows = [r for r in selectors.compliance(branch, 2026, today=datetime.date(2026, 11, 20)) if r.organization == branch]
    got = {(r.kind, r.span.period, r.span.index): (r.required, r.held, r.status, r.rule_version) for r in rows}

    # Theme days: monthly January–June under the national pack, quarterly from Q3 under the new local one.
    assert got[("theme_day", "month", 1)] == (1, 1, "ok", "national 2018.1")
    assert got[("theme_day", "month", 3)] == (1, 0, "overdue", "national 2018.1")
    assert ("theme_day", "month", 7) not in got
    assert got[("theme_day", "quarter", 3)] == (1, 1, "ok", "jiangbin 2026.2")
    assert got[("theme_day", "quarter", 4)] == (1, 0, "due", "jiangbin 2026.2")
    assert sum(1 for k in got if k[0] == "theme_day") == 6 + 2
    # Party lecture: quarterly by the local pack (never the national yearly rule).
    assert got[("party_lecture", "quarter", 1)][:3] == (1, 1, "ok")
    assert got[("party_lecture", "quarter", 2)][:3] == (1, 0, "overdue")
    assert got[("party_lecture", "quarter", 1)][3] == "jiangbin 2024.1"
    assert ("party_lecture", "year", 1) not in got
    # General meetings: quarterly, national.
    assert [got[("branch_general_meeting", "quarter", q)][2] for q in (1, 2, 3, 4)] == ["ok", "ok", "overdue", "due"]
    # Outside 江滨 the national yearly lecture applies.
    village = Organization.objects.get(name="青山村党支部")
    lectures = [r for r in selectors.compliance(village, 2026, today=datetime.date(2026, 11, 20))
                if r.kind == "party_lecture"]
    assert [(r.span.period, r.required, r.rule_version) for r in lectures] == [("year", 1, "national 2018.1")]


def test_study_hours_against_targets(org):
    branch = org["branch"]
    hold(branch, MeetingKind.THEME_DAY, at(2026, 1, 10))
    hold(branch, MeetingKind.LIFE_MEETING, at(2026, 12, 1, 9) - datetime.timedelta(days=30))
    standings = {s.member.pk: s for s in selectors.study_standings(branch.members.on_roll(), 2026, organization=branch)}
    secretary = branch.posts.get(kind__code="secretary").member
    assert standings[secretary.pk].target == 56 and standings[secretary.pk].leader
    someone = next(s for s in standings.values() if not s.leader)
    assert someone.target == 32 and someone.hours == Decimal(5) and someone.short == Decimal(27)


def test_members_sign_in_with_the_code_on_the_day(personas, org, settings):
    from django.utils import timezone

    member = personas["member"].member
    now = timezone.now()
    meeting = services.meeting_plan(actor=None, organization=org["branch"], kind=MeetingKind.THEME_DAY, topic="t",
                                    starts_at=now)
    with pytest.raises(ValidationError):
        services.meeting_sign_in(user=personas["member"], code="000000" if meeting.sign_in_code != "000000" else "1")
    services.meeting_sign_in(user=personas["member"], code=meeting.sign_in_code)
    row = meeting.attendances.get(member=member)
    assert row.status == AttendanceStatus.PRESENT and row.self_signed
