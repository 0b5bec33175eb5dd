"""The recruitment services: each blocked condition, probation extension and cancellation, stopping
and resuming, corrections, documents, provisional dates, and the workbench alerts."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.audit import history_for
from dangjian.core.dates import add_months
from dangjian.core.workdays import WorkCalendar
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.services import organization_create
from dangjian.recruitment import checks, services
from dangjian.recruitment.choices import ApplicantStatus, NoticeOutcome
from dangjian.recruitment.pipeline import pipeline_for
from dangjian.recruitment.selectors import DUE, WAITING, timeline, workbench_items

from .factories import advance, new_file, person

D = datetime.date


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict if hasattr(info.value, "error_dict") else {"__all__": info.value.messages}


def test_an_applicant_must_be_old_enough_on_the_day_of_the_application(org):
    young = person(birth=D(2008, 6, 1))
    errors = refusal(lambda: services.applicant_create(actor=None, organization=org["branch"], data=young,
                                                       applied_on=D(2026, 5, 31)))
    assert "birth_date" in errors and "national-recruitment 2014.1" in errors["birth_date"][0]
    applicant = services.applicant_create(actor=None, organization=org["branch"], data=young, applied_on=D(2026, 6, 1))
    assert applicant.steps.get().number == 1 and applicant.steps.get().rule_version == "national-recruitment 2014.1"


def test_the_same_person_cannot_have_two_files_nor_be_a_member_already(org):
    data = person()
    services.applicant_create(actor=None, organization=org["branch"], data=data, applied_on=D(2026, 1, 5))
    assert "id_number" in refusal(lambda: services.applicant_create(actor=None, organization=org["sibling"], data=data,
                                                                    applied_on=D(2026, 1, 5)))
    member = Member.objects.filter(organization=org["branch"]).first()
    existing = person(birth=member.birth_date, gender=member.gender) | {"id_number": member.id_number}
    assert "id_number" in refusal(lambda: services.applicant_create(actor=None, organization=org["branch"],
                                                                    data=existing, applied_on=D(2026, 1, 5)))


def test_steps_keep_their_order_and_are_recorded_once(org):
    applicant = new_file(org["branch"], applied_on=D(2026, 1, 5))
    assert "done_on" in refusal(lambda: services.step_record(actor=None, applicant=applicant, number=3,
                                                             done_on=D(2026, 2, 1)))
    assert "done_on" in refusal(lambda: services.step_record(actor=None, applicant=applicant, number=2,
                                                             done_on=D(2026, 1, 4)))  # before the application
    future = timezone.localdate() + datetime.timedelta(days=1)
    assert "done_on" in refusal(lambda: services.step_record(actor=None, applicant=applicant, number=2, done_on=future))
    services.step_record(actor=None, applicant=applicant, number=2, done_on=D(2026, 1, 20))
    refusal(lambda: services.step_record(actor=None, applicant=applicant, number=2, done_on=D(2026, 1, 21)))


def test_mentors_are_one_or_two_full_members(org):
    applicant = new_file(org["branch"], applied_on=D(2025, 1, 6))
    advance(applicant, 4, start=D(2025, 1, 6))
    members = list(Member.objects.filter(organization=org["branch"], status=MemberStatus.FULL)[:3])
    for contacts in ([], members):
        errors = refusal(lambda c=contacts: services.step_record(actor=None, applicant=applicant, number=5,
                                                                 done_on=D(2025, 3, 1), contacts=c))
        assert "2014.1" in errors["contacts"][0]
    services.step_record(actor=None, applicant=applicant, number=5, done_on=D(2025, 3, 1), contacts=members[:1])
    assert [c.member for c in applicant.contacts.all()] == members[:1]


def test_a_general_branch_cannot_approve_an_admission(org):
    general = organization_create(actor=None, parent=org["community"], name="滨河社区物业党总支", code="LJT-GB1",
                                  org_type="general_branch", unit_kind="community")
    branch = organization_create(actor=None, parent=general, name="滨河社区物业第一党支部", code="LJT-GB1-1",
                                 org_type="branch", unit_kind="community")
    Member.objects.filter(pk__in=Member.objects.filter(organization=org["branch"], status=MemberStatus.FULL)
                          .values("pk")[:4]).update(organization=branch)
    applicant = new_file(branch, applied_on=D(2023, 1, 9))
    advance(applicant, 16, start=D(2023, 1, 9))
    day = applicant.steps.get(number=16).done_on + datetime.timedelta(days=5)
    errors = refusal(lambda: services.step_record(actor=None, applicant=applicant, number=17, done_on=day,
                                                  approving_organization=general))
    assert general.name in errors["approving_organization"][0]
    assert "national-recruitment 2014.1" in errors["approving_organization"][0]
    # The committee above the general branch may approve.
    services.step_record(actor=None, applicant=applicant, number=17, done_on=day, approving_organization=org["community"])
    applicant.refresh_from_db()
    assert applicant.member.organization == branch
    step = pipeline_for(branch).steps[17]
    assert checks.approver_problems(pipeline_for(branch), step, org["community"], branch=branch) == []


def test_a_public_notice_with_objections_blocks_its_step(org):
    applicant = new_file(org["branch"], applied_on=D(2023, 2, 6))
    day = advance(applicant, 12, start=D(2023, 2, 6))
    notice = services.public_notice_start(actor=None, applicant=applicant, before_step=13, starts_on=day)
    assert "starts_on" in refusal(lambda: services.public_notice_start(actor=None, applicant=applicant, before_step=13,
                                                                       starts_on=day))  # one at a time
    assert "objections" in refusal(lambda: services.public_notice_close(actor=None, notice=notice,
                                                                        outcome=NoticeOutcome.OBJECTIONS, closed_on=day))
    services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.OBJECTIONS, closed_on=day,
                                 objections="群众反映其工作作风问题，正在核实")
    later = notice.ends_on + datetime.timedelta(days=3)
    community = org["community"]
    assert "done_on" in refusal(lambda: services.step_record(actor=None, applicant=applicant, number=13, done_on=later,
                                                             approving_organization=community))
    rows = {r.number: r for r in timeline(applicant, today=later)}
    assert rows[13].status == "blocked" and rows[13].reasons


def test_probation_is_extended_by_six_to_twelve_months_once(org):
    applicant = new_file(org["branch"], applied_on=D(2022, 3, 7))
    advance(applicant, 22, start=D(2022, 3, 7))
    admitted = applicant.steps.get(number=15).done_on
    end = admitted.replace(year=admitted.year + 1)
    assert "months" in refusal(lambda: services.probation_extend(actor=None, applicant=applicant, months=5,
                                                                 decided_on=end))
    assert "decided_on" in refusal(lambda: services.probation_extend(
        actor=None, applicant=applicant, months=6, decided_on=end - datetime.timedelta(days=1)))
    services.probation_extend(actor=None, applicant=applicant, months=6, decided_on=end, note="考察期间表现有待提高")
    extended = add_months(end, 6)
    rows = {r.number: r for r in timeline(applicant, today=end)}
    assert rows[23].earliest.date == extended and rows[23].status == WAITING
    assert rows[24].earliest.date == extended
    assert "done_on" in refusal(lambda: services.step_record(actor=None, applicant=applicant, number=23, done_on=end))
    assert "months" in refusal(lambda: services.probation_extend(actor=None, applicant=applicant, months=6,
                                                                 decided_on=end))
    day = advance(applicant, 24, start=extended)
    applicant.member.refresh_from_db()
    assert applicant.member.full_member_on == extended and day >= extended


def test_cancelled_probation_ends_the_standing_and_stops_the_file(org):
    applicant = new_file(org["branch"], applied_on=D(2023, 4, 3))
    advance(applicant, 17, start=D(2023, 4, 3))
    applicant.refresh_from_db()
    assert "reason" in refusal(lambda: services.probation_cancel(actor=None, applicant=applicant,
                                                                 decided_on=D(2025, 1, 6), reason=""))
    refusal(lambda: services.applicant_stop(actor=None, applicant=applicant, reason="x"))  # cancel, not stop
    services.probation_cancel(actor=None, applicant=applicant, decided_on=D(2025, 1, 6), reason="不履行党员义务")
    applicant.refresh_from_db()
    assert applicant.status == ApplicantStatus.STOPPED
    assert applicant.member.status == MemberStatus.PROBATION_CANCELLED
    # Cancelling ends the membership period on the day of the decision: the member leaves the roll.
    assert applicant.member.memberships.get().ended_on == D(2025, 1, 6)
    refusal(lambda: services.applicant_resume(actor=None, applicant=applicant))


def test_a_file_stops_and_resumes_through_its_transition_table(org, personas):
    applicant = new_file(org["branch"], applied_on=D(2026, 3, 2))
    assert "reason" in refusal(lambda: services.applicant_stop(actor=personas["branch"], applicant=applicant, reason=" "))
    services.applicant_stop(actor=personas["branch"], applicant=applicant, reason="本人调往外地工作")
    refusal(lambda: services.step_record(actor=None, applicant=applicant, number=2, done_on=D(2026, 3, 10)))
    assert {r.status for r in timeline(applicant, today=D(2026, 3, 10))} == {"done", "blocked"}
    refusal(lambda: services.applicant_stop(actor=None, applicant=applicant, reason="again"))
    services.applicant_resume(actor=personas["branch"], applicant=applicant, note="本人回到本地")
    log = [(t.from_status, t.to_status, t.role) for t in applicant.transitions.all()]
    assert log == [("", "in_progress", ""), ("in_progress", "stopped", "secretary"), ("stopped", "in_progress", "secretary")]
    assert {e.action for e in history_for(applicant)} >= {"applicant.created", "applicant.stopped", "applicant.resumed"}


def test_a_corrected_date_is_checked_and_followed_by_the_member_record(org):
    applicant = new_file(org["branch"], applied_on=D(2023, 5, 8))
    advance(applicant, 17, start=D(2023, 5, 8))
    applicant.refresh_from_db()
    meeting = applicant.steps.get(number=15)
    assert "reason" in refusal(lambda: services.step_correct(actor=None, step=meeting,
                                                             done_on=meeting.done_on - datetime.timedelta(days=1), reason=""))
    selected = applicant.steps.get(number=3)
    candidate = applicant.steps.get(number=7)
    # Moving the activist's selection later would make the candidate's selection come too early.
    assert "done_on" in refusal(lambda: services.step_correct(actor=None, step=selected, reason="记录有误",
                                                              done_on=selected.done_on + datetime.timedelta(days=2)))
    assert candidate.done_on == applicant.steps.get(number=7).done_on
    new = meeting.done_on - datetime.timedelta(days=1)
    services.step_correct(actor=None, step=meeting, done_on=new, reason="会议记录日期核对更正")
    applicant.member.refresh_from_db()
    assert applicant.member.joined_on == new and applicant.member.memberships.get().started_on == new


def test_documents_are_checked_for_type_and_size(org):
    applicant = new_file(org["branch"], applied_on=D(2026, 2, 2))
    assert "file" in refusal(lambda: services.document_add(
        actor=None, applicant=applicant, step_number=1, title="", upload=SimpleUploadedFile("a.exe", b"MZ")))
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    assert "file" in refusal(lambda: services.document_add(actor=None, applicant=applicant, step_number=1, title="",
                                                           upload=big))
    document = services.document_add(actor=None, applicant=applicant, step_number=1, title="入党申请书",
                                     upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4"))
    assert document.title == "入党申请书" and document.step_number == 1


def test_dates_in_a_year_without_calendar_data_are_provisional(org):
    calendar = WorkCalendar()
    assert not calendar.known(D(2027, 1, 4))
    applicant = new_file(org["branch"], applied_on=D(2025, 8, 4))
    advance(applicant, 14, start=D(2025, 8, 4))
    day = applicant.steps.get(number=14).done_on + datetime.timedelta(days=2)
    assert day < D(2026, 11, 21)
    services.step_record(actor=None, applicant=applicant, number=15, done_on=day)
    rows = {r.number: r for r in timeline(applicant, calendar=calendar, today=day)}
    if rows[17].latest.date.year >= 2027:
        assert rows[17].latest.provisional and rows[17].limit.provisional
    assert rows[17].limit.date.year >= 2027 and rows[17].limit.provisional
    assert rows[24].latest.provisional and rows[22].earliest.date.year >= 2026
    # A notice ending in 2027 is marked provisional.
    notice_calendar = WorkCalendar(holidays=set(), workdays=set(), years={2026})
    assert notice_calendar.working_period_end(D(2026, 12, 29), 5).provisional


def test_workbench_lists_aggregated_alerts(org, personas, django_assert_max_num_queries):
    today = timezone.localdate()
    due = new_file(org["branch"], applied_on=today - datetime.timedelta(days=25))  # talk due within 10 days
    late = new_file(org["branch"], applied_on=today - datetime.timedelta(days=70), name="赵磊", gender="male",
                    birth=D(1990, 2, 3))  # talk overdue
    assert due and late
    with django_assert_max_num_queries(10):
        items = workbench_items(root=org["branch"], user=personas["branch"], today=today)
    labels = {str(i["label"]): i for i in items}
    assert len(items) == 2 and any(i["overdue"] for i in items) and any(not i["overdue"] for i in items)
    assert all(i["kind"] == "alert" and i["url"].startswith("/recruitment/") for i in labels.values())
    assert workbench_items(root=org["sibling"], user=personas["sibling"], today=today) == []
    assert workbench_items(root=org["branch"], user=personas["member"], today=today) == []  # cannot act on them
    rows = {r.number: r for r in timeline(due, today=today)}
    assert rows[2].status == DUE and rows[2].urgency == "soon"
