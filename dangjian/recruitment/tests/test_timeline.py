"""The issue's "done when": one person walked from application to full member, every computed
date checked on a calendar with a public holiday and a make-up workday (调休)."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.workdays import WorkCalendar, WorkDate
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.recruitment import services
from dangjian.recruitment.choices import ApplicantStatus, NoticeOutcome
from dangjian.recruitment.models import RecruitmentStep
from dangjian.recruitment.selectors import BLOCKED, DONE, DUE, OVERDUE, WAITING, timeline

from .factories import full_members, person

D = datetime.date
# Holidays: 2023-04-06 (a Thursday, so a month after 6 March moves to Friday 7 April) and Monday
# 2024-08-19 (a deadline on Saturday 17 August moves past the weekend and the holiday to the
# 20th). Make-up workday: Saturday 2024-07-13 (a notice begun on Thursday 11 July ends on
# Tuesday 16 July instead of Wednesday 17 July).
CALENDAR = WorkCalendar(holidays={D(2023, 4, 6), D(2024, 8, 19)}, workdays={D(2024, 7, 13)},
                        years={2023, 2024, 2025, 2026})


def rows_of(applicant, today):
    return {r.number: r for r in timeline(applicant, calendar=CALENDAR, today=today)}


def refused(call, *words, field=None):
    """The call is refused; its messages name ``words`` (names, dates, rule versions: never
    English text, which the catalogue translates) and, if given, sit on ``field``."""
    with pytest.raises(ValidationError) as info:
        call()
    text = " ".join(info.value.messages)
    for word in words:
        assert word in text, text
    if field:
        assert field in info.value.message_dict, info.value.message_dict
    return text


def record(applicant, number, day, **extra):
    return services.step_record(actor=None, applicant=applicant, number=number, done_on=day, calendar=CALENDAR, **extra)


def test_one_person_from_application_to_full_member(org):
    branch, community, street = org["branch"], org["community"], org["street"]
    data = person(birth=D(1996, 5, 2), gender="female", name="林晓雨")
    applicant = services.applicant_create(actor=None, organization=branch, data=data, applied_on=D(2023, 3, 6))
    assert applicant.status == ApplicantStatus.IN_PROGRESS

    # Step 2: within one month of the application; 6 April is a holiday, so the 7th.
    rows = rows_of(applicant, D(2023, 3, 10))
    assert rows[1].status == DONE and rows[1].done_on == D(2023, 3, 6)
    assert rows[2].earliest == WorkDate(D(2023, 3, 6)) and rows[2].latest == WorkDate(D(2023, 4, 7))
    assert rows[2].status == DUE and rows[2].urgency == ""
    assert rows_of(applicant, D(2023, 3, 30))[2].urgency == "soon"  # within the 10 warning days
    assert rows_of(applicant, D(2023, 4, 8))[2].status == OVERDUE
    assert rows[3].status == WAITING
    record(applicant, 2, D(2023, 3, 20), actors="支部书记 张伟")

    # Stage 2: activist from 10 May 2023; reviews every six months.
    record(applicant, 3, D(2023, 5, 10))
    record(applicant, 4, D(2023, 5, 15), approving_organization=community)
    mentors = full_members(branch, 2)
    record(applicant, 5, D(2023, 5, 20), contacts=mentors)
    record(applicant, 6, D(2023, 6, 1))
    rows = rows_of(applicant, D(2023, 12, 1))
    assert rows[6].next_review == WorkDate(D(2024, 5, 10))  # 10 Nov 2023 has passed
    assert rows_of(applicant, D(2023, 11, 1))[6].next_review == WorkDate(D(2023, 11, 10))
    # Step 7: at least a year as an activist.
    assert rows[7].earliest == WorkDate(D(2024, 5, 10)) and rows[7].status == WAITING
    refused(lambda: record(applicant, 7, D(2024, 5, 9)), "2024", "national-recruitment 2014.1")
    record(applicant, 7, D(2024, 5, 10))
    assert rows_of(applicant, D(2024, 5, 11))[6].next_review is None  # a candidate now
    record(applicant, 8, D(2024, 5, 15), approving_organization=community)

    # Step 9: two full members as sponsors, none on probation within the Party.
    sponsors = full_members(branch, 2, exclude=mentors)
    Member.objects.filter(pk=sponsors[1].pk).update(party_probation_until=D(2024, 12, 31))
    sponsors[1].refresh_from_db()
    refused(lambda: record(applicant, 9, D(2024, 6, 3), contacts=sponsors), sponsors[1].name, "2014.1")
    refused(lambda: record(applicant, 9, D(2024, 6, 3), contacts=sponsors[:1]), "2014.1")
    probationary = Member.objects.filter(status=MemberStatus.PROBATIONARY).first() or full_members(branch, 1)[0]
    Member.objects.filter(pk=probationary.pk).update(status=MemberStatus.PROBATIONARY, full_member_on=None)
    probationary.refresh_from_db()
    refused(lambda: record(applicant, 9, D(2024, 6, 3), contacts=[sponsors[0], probationary]), probationary.name)
    Member.objects.filter(pk=sponsors[1].pk).update(party_probation_until=None)
    sponsors[1].refresh_from_db()
    record(applicant, 9, D(2024, 6, 3), contacts=sponsors)
    record(applicant, 10, D(2024, 6, 10))
    # Step 11: at least 24 study hours or three days.
    refused(lambda: record(applicant, 11, D(2024, 7, 1), hours=16, training_days=2), "24", "2014.1")
    record(applicant, 11, D(2024, 7, 1), hours=16, training_days=3)
    record(applicant, 12, D(2024, 7, 10))

    # Public notice before step 13: five working days from Thursday 11 July, with the make-up
    # Saturday, ends Tuesday 16 July.
    rows = rows_of(applicant, D(2024, 7, 11))
    assert rows[13].status == BLOCKED and rows[13].reasons
    refused(lambda: record(applicant, 13, D(2024, 7, 11), approving_organization=community), "13")
    notice = services.public_notice_start(actor=None, applicant=applicant, before_step=13, starts_on=D(2024, 7, 11),
                                          calendar=CALENDAR)
    assert notice.ends_on == D(2024, 7, 16) and not notice.provisional
    refused(lambda: services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.NO_OBJECTION,
                                                 closed_on=D(2024, 7, 15), calendar=CALENDAR))
    refused(lambda: record(applicant, 13, D(2024, 7, 16), approving_organization=community))
    services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.NO_OBJECTION, closed_on=D(2024, 7, 16),
                                 calendar=CALENDAR)
    record(applicant, 13, D(2024, 7, 17), approving_organization=community)
    record(applicant, 14, D(2024, 7, 20))

    # Step 15 within a month of the pre-review: Saturday 17 August → past Sunday and the holiday
    # on Monday 19th → Tuesday 20 August.
    rows = rows_of(applicant, D(2024, 7, 21))
    assert rows[15].earliest == WorkDate(D(2024, 7, 17)) and rows[15].latest == WorkDate(D(2024, 8, 20))
    record(applicant, 15, D(2024, 8, 10), actors="应到党员18人，实到16人；赞成16票")
    record(applicant, 16, D(2024, 8, 20), approving_organization=community)

    # Step 17: approval within three months (Sunday 10 Nov → Monday 11th), at most six (10 Feb).
    rows = rows_of(applicant, D(2024, 8, 21))
    assert rows[17].latest == WorkDate(D(2024, 11, 11)) and rows[17].limit == WorkDate(D(2025, 2, 10))
    assert rows_of(applicant, D(2024, 11, 20))[17].urgency == "late"
    assert rows_of(applicant, D(2025, 2, 11))[17].status == OVERDUE
    refused(lambda: record(applicant, 17, D(2024, 9, 15)), field="approving_organization")
    refused(lambda: record(applicant, 17, D(2024, 9, 15), approving_organization=org["sibling"]), org["sibling"].name)
    assert not Member.objects.filter(id_number_hash=applicant.id_number_hash).exists()
    record(applicant, 17, D(2024, 9, 15), approving_organization=community)

    # Admission created the member record from the file, with no retyping.
    applicant.refresh_from_db()
    member = Member.objects.get(pk=applicant.member_id)
    assert member.id_number == data["id_number"] and member.name == "林晓雨" and member.phone == data["phone"]
    assert member.status == MemberStatus.PROBATIONARY and member.joined_on == D(2024, 8, 10)
    assert member.organization == branch and member.full_member_on is None
    assert member.memberships.get().started_on == D(2024, 8, 10)

    record(applicant, 18, D(2024, 9, 20), approving_organization=street)
    record(applicant, 19, D(2024, 9, 21))
    record(applicant, 20, D(2024, 9, 25))
    record(applicant, 21, D(2024, 10, 1))

    # Probation: one year from the branch general meeting.
    rows = rows_of(applicant, D(2025, 7, 1))
    assert rows[22].earliest == WorkDate(D(2025, 8, 10)) and rows[23].earliest == WorkDate(D(2025, 8, 10))
    assert rows[24].earliest == WorkDate(D(2025, 8, 10)) and rows[24].latest == WorkDate(D(2025, 11, 10))
    assert rows[22].status == WAITING
    refused(lambda: record(applicant, 22, D(2025, 8, 9)), "2025")
    record(applicant, 22, D(2025, 8, 10))
    record(applicant, 23, D(2025, 8, 12))
    notice = services.public_notice_start(actor=None, applicant=applicant, before_step=24, starts_on=D(2025, 8, 13),
                                          calendar=CALENDAR)
    assert notice.ends_on == D(2025, 8, 19)
    services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.NO_OBJECTION, closed_on=D(2025, 8, 19),
                                 calendar=CALENDAR)
    record(applicant, 24, D(2025, 8, 25), approving_organization=community)

    # Full membership from the end of probation.
    applicant.refresh_from_db()
    member.refresh_from_db()
    assert applicant.status == ApplicantStatus.FULL_MEMBER
    assert member.status == MemberStatus.FULL and member.full_member_on == D(2025, 8, 10)
    record(applicant, 25, D(2025, 9, 1))
    rows = rows_of(applicant, D(2025, 9, 2))
    assert all(r.status == DONE for r in rows.values()) and not any(r.late for r in rows.values())
    assert [t.to_status for t in applicant.transitions.all()] == ["in_progress", "full_member"]

    # Recomputing on another calendar (more holidays) changes no recorded date.
    recorded = dict(RecruitmentStep.objects.filter(applicant=applicant).values_list("number", "done_on"))
    other = WorkCalendar(holidays={D(2024, 8, 20), D(2024, 11, 11)}, workdays=set(), years={2023, 2024, 2025})
    again = {r.number: r for r in timeline(applicant, calendar=other, today=D(2026, 1, 1))}
    assert {n: r.done_on for n, r in again.items()} == recorded
    assert again[17].latest == WorkDate(D(2024, 11, 12))  # computed dates follow the calendar
    assert dict(RecruitmentStep.objects.filter(applicant=applicant).values_list("number", "done_on")) == recorded
