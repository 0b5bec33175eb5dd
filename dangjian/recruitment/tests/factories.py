"""Helpers for the recruitment tests: people with valid ID numbers, files walked to a step."""
import datetime
import itertools

from dangjian.core.validators import id_number_check_char
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.models import Organization
from dangjian.recruitment import services
from dangjian.recruitment.choices import NoticeOutcome
from dangjian.recruitment.pipeline import pipeline_for

_seq = itertools.count(11)


def person(*, birth=datetime.date(1998, 4, 12), gender="female", name="林晓雨", **extra) -> dict:
    """A person's data with a valid 18-digit ID number matching the birth date and gender."""
    n = next(_seq) % 100
    seq = n * 10 + (1 if gender == "male" else 2)
    first17 = f"230702{birth:%Y%m%d}{seq:03d}"
    return {"name": name, "gender": gender, "birth_date": birth, "id_number": first17 + id_number_check_char(first17),
            "phone": "13900001234", "education": "undergraduate", "category": "employed", "work_unit": "临江华信科技有限公司",
            "job": "工程师", **extra}


def full_members(branch, count, *, exclude=()):
    members = list(Member.objects.filter(organization=branch, status=MemberStatus.FULL, party_probation_until__isnull=True)
                   .exclude(pk__in=[m.pk for m in exclude]).order_by("pk")[:count])
    assert len(members) == count
    return members


def new_file(branch, *, applied_on, **person_data):
    return services.applicant_create(actor=None, organization=branch, data=person(**person_data), applied_on=applied_on)


def advance(applicant, upto: int, *, start: datetime.date, calendar=None, gap=datetime.timedelta(days=3)):
    """Record steps after the last recorded one up to ``upto``, each on the first day the rules
    allow (at least ``gap`` after the previous), giving each step what it needs."""
    from dangjian.recruitment.selectors import step_window

    pipeline = pipeline_for(applicant.organization)
    branch = applicant.organization
    community = Organization.objects.get_parent(branch)
    mentors = full_members(branch, 2)
    sponsors = full_members(branch, 2, exclude=mentors)
    day = start
    for number in range(1, upto + 1):
        if applicant.steps.filter(number=number).exists():
            day = max(day, applicant.steps.get(number=number).done_on)
            continue
        step = pipeline.steps[number]
        dates = {s.number: s.done_on for s in applicant.steps.all()}
        day = day + gap
        earliest = step_window(pipeline, step, dates, extension_months=applicant.probation_extension_months,
                               calendar=calendar or _calendar())[0]
        if earliest and earliest.date > day:
            day = earliest.date
        if number in pipeline.notices:
            notice = services.public_notice_start(actor=None, applicant=applicant, before_step=number, starts_on=day,
                                                  calendar=calendar)
            services.public_notice_close(actor=None, notice=notice, outcome=NoticeOutcome.NO_OBJECTION,
                                         closed_on=notice.ends_on, calendar=calendar)
            day = notice.ends_on + datetime.timedelta(days=1)
        extra = {}
        if step.upper_org:
            extra["approving_organization"] = community
        if step.code == "training":
            extra["hours"] = 24
        if step.code == "mentors_assigned":
            extra["contacts"] = mentors
        if step.code == "sponsors_assigned":
            extra["contacts"] = sponsors
        services.step_record(actor=None, applicant=applicant, number=number, done_on=day, calendar=calendar, **extra)
        applicant.refresh_from_db()
    return day


def _calendar():
    from dangjian.core.workdays import WorkCalendar

    return WorkCalendar()


def matrix_samples(personas, branch) -> dict:
    """Objects of a recruitment file of ``branch`` for the authorization matrix; the ``member``
    persona is its mentor (so may see it), and nobody else of the branch is."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from dangjian.recruitment.models import PublicNotice, StepDocument

    today = timezone.localdate()
    applicant = new_file(branch, applied_on=today - datetime.timedelta(days=10), name="矩阵申请人")
    contact = services.contact_assign(actor=None, applicant=applicant, role="mentor", member=personas["member"].member,
                                      started_on=today)
    document = StepDocument.objects.create(applicant=applicant, step_number=1, title="入党申请书",
                                           file=ContentFile(b"%PDF-1.4", name="matrix-letter.pdf"))
    notice = PublicNotice.objects.create(applicant=applicant, before_step=13, starts_on=today, ends_on=today,
                                         working_days=5)
    return {"applicant": applicant, "recruitment_step": applicant.steps.get(), "recruitment_contact": contact,
            "recruitment_document": document, "recruitment_notice": notice}
