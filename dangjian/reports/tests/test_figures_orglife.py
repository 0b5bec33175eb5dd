"""The organizational life section: compliance, meetings held, study hours and appraisal results of a
small branch built through the orglife services, on several days of 2026 (as-of)."""
import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from conftest import DEMO_TODAY
from dangjian.core.validators import id_number_check_char
from dangjian.members.services import member_create
from dangjian.organizations.models import PostKind
from dangjian.organizations.services import organization_create, post_appoint
from dangjian.orglife import appraisal as appraisal_services
from dangjian.orglife import services, study
from dangjian.orglife.choices import AttendanceStatus, MeetingKind
from dangjian.reports.figures import Scope, orglife

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(11)
DEC_1 = datetime.date(2025, 12, 1)
BIRTH = datetime.date(1980, 3, 4)


def person(org, *, on=DEC_1, birth=BIRTH, **extra):
    """A full member created in ``org`` with a period starting ``on``."""
    first17 = f"653226{birth:%Y%m%d}{next(_seq) % 100:02d}1"  # odd: male
    data = {"name": extra.pop("name", "测试党员"), "gender": "male", "ethnicity": "01", "birth_date": birth,
            "id_number": first17 + id_number_check_char(first17), "joined_on": D(2005, 7, 1),
            "full_member_on": D(2006, 7, 1), "status": "full", "category": "employed", "organization": org, **extra}
    return member_create(actor=None, data=data, on=on)


def new_branch(parent, code, *, on=DEC_1):
    return organization_create(actor=None, parent=parent, name=f"测试支部{code}", code=code, org_type="branch",
                               unit_kind="community", on=on)


def hold(org, kind, day, *, present=True):
    meeting = services.meeting_plan(actor=None, organization=org, kind=kind, topic="主题",
                                    starts_at=datetime.datetime(day.year, day.month, day.day, 9, tzinfo=TZ))
    status = AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT
    attendance = {a.member_id: (status, "") for a in meeting.attendances.all()}
    return services.meeting_record(actor=None, meeting=meeting, attendance=attendance, minutes="学习讨论。")


@pytest.fixture
def branch(org):
    """A branch under 滨河社区党委 (so under the 江滨 local pack: a Party lecture every quarter) with a
    Party group, four members from 2025-12-01 (three of them on the committee from 2026-01-01), a
    fifth who arrived on 2026-04-01, meetings of 2026 and an appraisal."""
    b = new_branch(org["community"], "FIGA01")
    group = organization_create(actor=None, parent=b, name="测试党小组", code="FIGA0101", org_type="party_group",
                                unit_kind="community", on=D(2025, 12, 1))
    a, b2, c, d = (person(b, name=n) for n in ("甲", "乙", "丙", "丁"))
    for member, kind in zip((a, b2, c), ("secretary", "deputy_secretary", "organization_member"), strict=True):
        post_appoint(actor=None, organization=b, kind=PostKind.objects.get(code=kind), member=member,
                     term_start=D(2026, 1, 1))
    for day in (D(2026, 1, 8), D(2026, 2, 8), D(2026, 3, 8), D(2026, 5, 8)):
        hold(b, MeetingKind.THEME_DAY, day)  # 2 hours each
    hold(b, MeetingKind.BRANCH_GENERAL_MEETING, D(2026, 2, 10))  # 2 hours
    hold(b, MeetingKind.COMMITTEE_MEETING, D(2026, 1, 15))  # 1 hour, the committee only
    hold(b, MeetingKind.COMMITTEE_MEETING, D(2026, 2, 15))  # none in March
    hold(b, MeetingKind.PARTY_LECTURE, D(2026, 3, 20))  # 2 hours; none in the second quarter
    for month in (1, 2, 3):
        hold(group, MeetingKind.GROUP_MEETING, D(2026, month, 12))  # the group has no members invited
    for day in (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 3)):
        study.home_delivery_record(actor=None, member=d, on=day, hours=Decimal(8), title="送学")
    for day in (D(2026, 3, 4), D(2026, 3, 5), D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 10)):
        study.home_delivery_record(actor=None, member=a, on=day, hours=Decimal(8), title="送学")
    e = person(b, name="戊", on=D(2026, 4, 1))
    appraisal = appraisal_services.appraisal_open(actor=None, organization=b, year=2026)
    grades = {a.pk: "excellent", b2.pk: "qualified", c.pk: "qualified", d.pk: "basically_qualified",
              e.pk: "unqualified"}
    appraisal_services.appraisal_record(actor=None, appraisal=appraisal, rows={
        entry.pk: {"grade": grades[entry.member_id], "decision_note": "理由"} for entry in appraisal.entries.all()})
    appraisal_services.appraisal_close(actor=None, appraisal=appraisal)
    return b


KINDS = ["branch_general_meeting", "committee_meeting", "group_meeting", "party_lecture", "theme_day", "life_meeting"]


def test_compliance_counts_holders_and_ended_periods(branch):
    # 15 April: January–March and the first quarter have ended. The branch missed March's committee
    # meeting; the group met every month; the yearly life meeting is not yet due.
    answer = orglife.compute(Scope(branch, D(2026, 4, 15)))["compliance"]
    assert answer["holders"] == dict.fromkeys(KINDS, 1)
    assert answer["compliant"] == {**dict.fromkeys(KINDS, 1), "committee_meeting": 0}
    assert answer["rate"] == {**dict.fromkeys(KINDS, "100.00"), "committee_meeting": "0.00"}
    assert (answer["organizations"], answer["organizations_compliant"], answer["organizations_rate"]) == (2, 1, "50.00")
    # 15 February: only January has ended, and everything due in it was held.
    before = orglife.compute(Scope(branch, D(2026, 2, 15)))["compliance"]
    assert before["compliant"] == dict.fromkeys(KINDS, 1)
    assert (before["organizations_compliant"], before["organizations_rate"]) == (2, "100.00")
    # 15 July: no Party lecture in the second quarter (the 江滨 pack asks one a quarter), no theme day
    # in April or June, no group meeting since March.
    july = orglife.compute(Scope(branch, D(2026, 7, 15)))["compliance"]
    assert july["compliant"] == {"branch_general_meeting": 0, "committee_meeting": 0, "group_meeting": 0,
                                 "party_lecture": 0, "theme_day": 0, "life_meeting": 1}
    assert july["organizations_rate"] == "0.00"


def test_local_pack_applies_below_a_root_above_it(branch, org):
    # Computed from the community (whose own ancestors name 江滨), the quarterly lecture still applies:
    # nobody held a Party lecture in the second quarter.
    answer = orglife.compute(Scope(org["community"], D(2026, 7, 15)))["compliance"]
    assert answer["holders"]["party_lecture"] > 1
    assert answer["compliant"]["party_lecture"] == 0


def test_committee_holders_follow_the_posts_of_the_day(branch):
    # On 20 December 2025 no committee seats were filled yet: no committee meetings are required.
    answer = orglife.compute(Scope(branch, D(2025, 12, 20)))["compliance"]
    assert answer["holders"]["committee_meeting"] == 0
    assert answer["holders"]["theme_day"] == 1


def test_meetings_held_in_the_year_to_the_day(branch):
    answer = orglife.compute(Scope(branch, D(2026, 4, 15)))
    assert answer["meetings_by_kind"] == {
        "branch_general_meeting": 1, "committee_meeting": 2, "group_meeting": 3, "party_lecture": 1, "theme_day": 3,
        "life_meeting": 0, "special_life_meeting": 0, "heart_to_heart_talk": 0, "study_session": 0,
    }
    assert (answer["meetings_total"], answer["theme_days"], answer["life_meetings"]) == (10, 3, 0)
    before = orglife.compute(Scope(branch, D(2026, 2, 15)))
    assert (before["meetings_total"], before["theme_days"]) == (7, 2)
    later = orglife.compute(Scope(branch, D(2026, 11, 20)))
    assert (later["meetings_total"], later["theme_days"]) == (11, 4)


def test_study_hours_against_the_targets(branch):
    # 15 April. Meetings gave everyone 3 theme days + general meeting + lecture = 10 h, the committee 2 h
    # more. 丁 had 24 h brought home: 34 ≥ 32. 甲 (secretary) had 40 h: 52 < 56. 戊 arrived in April: 0 h.
    answer = orglife.compute(Scope(branch, D(2026, 4, 15)))["study"]
    assert answer == {"members": 5, "leaders": 3, "reached": 1, "short": 4, "rate": "20.00",
                      "hours_total": "110.0", "average_hours": "22.00"}
    # 15 February: four members; two theme days and the general meeting (6 h), the committee 2 h more.
    before = orglife.compute(Scope(branch, D(2026, 2, 15)))["study"]
    assert before == {"members": 4, "leaders": 3, "reached": 0, "short": 4, "rate": "0.00",
                      "hours_total": "30.0", "average_hours": "7.50"}


def test_appraisal_results_of_the_year(branch):
    answer = orglife.compute(Scope(branch, D(2026, 11, 20)))["appraisal"]
    assert answer == {"concluded": 1, "open": 0, "appraised": 5, "by_grade": {
        "excellent": 1, "qualified": 2, "basically_qualified": 1, "unqualified": 1}}
    assert orglife.compute(Scope(branch, D(2025, 12, 20)))["appraisal"]["appraised"] == 0


def test_records_link_to_the_orglife_pages(branch):
    scope = Scope(branch, D(2026, 4, 15))
    section = orglife.SECTION
    assert section.figure("study.rate").records(scope, "") == f"/orglife/study/?org={branch.pk}&year=2026"
    assert section.figure("compliance.rate").records(scope, "theme_day") == \
        f"/orglife/compliance/?org={branch.pk}&year=2026"
    held = "status=recorded&joint=1&from=2026-01-01&to=2026-04-15"
    assert section.figure("meetings_by_kind").records(scope, "theme_day") == \
        f"/orglife/meetings/?org={branch.pk}&kind=theme_day&{held}"
    assert section.figure("theme_days").records(scope, "") == \
        f"/orglife/meetings/?org={branch.pk}&kind=theme_day&{held}"


def test_whole_city_in_a_constant_number_of_queries(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(19):
        answer = orglife.compute(Scope(org["city"], DEMO_TODAY))
    assert answer["study"]["members"] > 100
    assert answer["compliance"]["organizations"] > 10


@pytest.mark.parametrize("code", ["orglife", "recruitment", "dues"])
def test_every_figure_is_in_the_answer(code, branch):
    from dangjian.reports.figures import BY_CODE, dig

    section = BY_CODE[code]
    answer = section.compute(Scope(branch, D(2026, 4, 15)))
    for figure in section.figures:
        value = dig(answer, figure.code)
        assert value is not None or figure.unit in ("percent", "hours"), figure.code
        assert figure.unit in {"count", "percent", "hours", "yuan", "years", "score"}
        if figure.keys:
            assert set(value) <= set(figure.keys()), figure.code


def test_meeting_links_list_as_many_meetings_as_counted(branch, client_for, org):
    """The meeting list behind 'meetings held' shows the meetings of the year to the day, joint ones too."""
    from dangjian.reports.figures import BY_CODE

    scope = Scope(org["community"], D(2026, 7, 15))
    answer = orglife.compute(scope)
    client = client_for("community")
    for code, value in (("meetings_total", answer["meetings_total"]), ("life_meetings", answer["life_meetings"]),
                        ("theme_days", answer["theme_days"])):
        url = BY_CODE["orglife"].figure(code).records(scope, "")
        assert client.get(url).context["page_obj"].paginator.count == value, code
