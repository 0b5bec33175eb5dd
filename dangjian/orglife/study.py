"""Study hours from outside meetings: courses, self-study with a note, study brought home.

Each credit is a :class:`StudyRecord`; nothing is counted twice and nothing is timed (no
forced check-ins or online-time requirements).
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.rules import rule_value
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member

from .choices import StudySource
from .models import Course, StudyNote, StudyRecord


def _own_member(user) -> Member:
    member = Member.objects.without_protected().filter(user=user, status__in=ON_ROLL).first()
    if member is None:
        raise ValidationError(_("Only members on the roll earn study hours."))
    return member


def _check_hours(hours: Decimal, *, organization, on: datetime.date):
    full_day = Decimal(str(rule_value("study.full_day_hours", organization=organization, on=on)))
    if hours <= 0 or hours > full_day:
        raise ValidationError({"hours": _("Study hours must be more than 0 and at most %(max)s for one day.")
                               % {"max": full_day}})
    if on > timezone.localdate():
        raise ValidationError(_("The day of study cannot be in the future."))


# Course material: documents, slides, photos and plain text, at most 10 MB.
COURSE_MATERIAL_TYPES = frozenset({".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".txt", ".jpg",
                                   ".jpeg", ".png"})


def course_publish(*, actor, organization, title: str, hours: Decimal, description: str = "", link: str = "",
                   material=None) -> Course:
    """Put a course in the study library of an organization's subtree."""
    _check_hours(hours, organization=organization, on=timezone.localdate())
    if material:  # a document or a photo, checked like evidence (kind, size, first bytes; photos without EXIF)
        from dangjian.core.uploads import clean_upload

        material = clean_upload(material, field="material", types=COURSE_MATERIAL_TYPES)
    with transaction.atomic():
        course = Course.objects.create(organization=organization, title=title, hours=hours, description=description,
                                       link=link, material=material or "")
        audit_log(actor=actor, action="course.published", obj=course, organization=organization)
    return course


def course_finish(*, user, course: Course) -> StudyRecord:
    """A member says they have finished a course; its hours are credited once."""
    member = _own_member(user)
    if StudyRecord.objects.filter(member=member, course=course).exists():
        raise ValidationError(_("You have already been credited for this course."))
    with transaction.atomic():
        record = StudyRecord.objects.create(member=member, on=timezone.localdate(), hours=course.hours,
                                            source=StudySource.COURSE, course=course, title=course.title,
                                            recorded_by=user)
        audit_log(actor=user, action="course.finished", obj=course, organization=member.organization)
    return record


def note_submit(*, user, title: str, content: str, hours: Decimal, studied_on: datetime.date) -> StudyNote:
    """A member hands in a study note (学习心得) for self-study; hours count once it is approved."""
    member = _own_member(user)
    _check_hours(hours, organization=member.organization, on=studied_on)
    if len(content.strip()) < 20:
        raise ValidationError({"content": _("Write a few sentences on what you learnt (at least 20 characters).")})
    with transaction.atomic():
        note = StudyNote.objects.create(member=member, title=title, content=content, hours=hours, studied_on=studied_on)
        audit_log(actor=user, action="study_note.submitted", obj=note, organization=member.organization)
    return note


def note_review(*, actor, note: StudyNote, approve: bool, review_note: str = "") -> StudyNote:
    """The secretary approves a study note (its hours are credited) or returns it with a note."""
    if note.status != StudyNote.Status.PENDING:
        raise ValidationError(_("This note has already been reviewed."))
    if not approve and not review_note.strip():
        raise ValidationError({"review_note": _("Say why the note is returned.")})
    with transaction.atomic():
        note.status = StudyNote.Status.APPROVED if approve else StudyNote.Status.RETURNED
        note.reviewed_by, note.review_note = actor, review_note
        note.save(update_fields=["status", "reviewed_by", "review_note"])
        if approve:
            StudyRecord.objects.create(member=note.member, on=note.studied_on, hours=note.hours,
                                       source=StudySource.SELF_STUDY, note=note, title=note.title, recorded_by=actor)
        audit_log(actor=actor, action="study_note.reviewed", obj=note, organization=note.member.organization,
                  changes={"status": note.status})
    return note


def home_delivery_record(*, actor, member: Member, on: datetime.date, hours: Decimal, title: str) -> StudyRecord:
    """Study brought to an old or immobile member's home (上门送学), recorded by who brought it."""
    _check_hours(hours, organization=member.organization, on=on)
    with transaction.atomic():
        record = StudyRecord.objects.create(member=member, on=on, hours=hours, source=StudySource.HOME_DELIVERY,
                                            title=title, recorded_by=actor)
        audit_log(actor=actor, action="study.home_delivery", obj=member, organization=member.organization,
                  changes={"hours": hours, "title": title})
    return record
