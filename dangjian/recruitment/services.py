"""Writes of recruitment: files, steps, contacts, documents, public notices, probation.

Every write validates against the rule pack in force (its version is named in refusals and kept
on the records it produced), runs in one transaction and writes one audit entry. A file's status
moves only through :func:`_transition` and its table; the stage is never stored. On admission
(the upper committee's approval) the member record is created from the file's data, with no
retyping; on full membership it is made full from the end of probation.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.audit import audit_log, diff
from dangjian.core.pinyin import name_pinyin
from dangjian.core.rules import RuleBook, RuleMissing
from dangjian.core.workdays import WorkCalendar
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member, Membership
from dangjian.members.services import apply_protected, member_check, member_create, member_update
from dangjian.members.standing import member_status_change
from dangjian.organizations.models import Organization

from . import checks
from .choices import (
    ADMISSION,
    CONTACT_STEPS,
    FULL_MEMBERSHIP,
    FULL_MEMBERSHIP_MEETING,
    GENERAL_MEETING,
    TRAINING,
    ApplicantStatus,
    ContactRole,
    NoticeOutcome,
)
from .models import (
    PROTECTED_FIELDS,
    Applicant,
    ApplicantContact,
    ApplicantTransition,
    PublicNotice,
    RecruitmentStep,
    StepDocument,
)
from .pipeline import Pipeline, pipeline_for
from .selectors import probation_end, step_window

S = ApplicantStatus
# The state machine of a file (architecture rule 2).
TRANSITIONS = {
    S.IN_PROGRESS: {S.STOPPED, S.FULL_MEMBER},
    S.STOPPED: {S.IN_PROGRESS},
    S.FULL_MEMBER: set(),
}
PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "category",
                 "work_unit", "job")
DOCUMENT_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _raise(errors: dict[str, list[str]]):
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


def _pipeline(organization: Organization, on: datetime.date) -> Pipeline:
    """The pipeline in force on ``on`` (or, for a day before any recruitment pack, today's)."""
    try:
        return pipeline_for(organization, book=RuleBook(on))
    except RuleMissing:
        try:
            return pipeline_for(organization, book=RuleBook(timezone.localdate()))
        except RuleMissing as exc:
            raise ValidationError(_("No recruitment rules are loaded.")) from exc


def _not_future(value: datetime.date, field: str = "done_on") -> dict:
    if value > timezone.localdate():
        return {field: [_("The date cannot be in the future.")]}
    return {}


def _role(actor, organization: Organization) -> str:
    """The role in which ``actor`` acts on an organization, for the transition log."""
    if not getattr(actor, "pk", None):
        return ""
    if actor.is_superuser:
        return "admin"
    for role, path in actor.role_assignments.filter(grid__isnull=True).values_list("role", "organization__path"):
        if path and organization.path.startswith(path):
            return role
    return ""


def _transition(*, actor, applicant: Applicant, to: str, note: str = ""):
    """Move a file to another status through the table, logging who, in which role, from, to."""
    if to not in TRANSITIONS[applicant.status]:
        raise ValidationError(_("A file that is %(now)s cannot become %(to)s.")
                              % {"now": applicant.get_status_display(), "to": ApplicantStatus(to).label})
    ApplicantTransition.objects.create(applicant=applicant, actor=actor if getattr(actor, "pk", None) else None,
                                       role=_role(actor, applicant.organization), from_status=applicant.status,
                                       to_status=to, note=note[:300])
    applicant.status = to


def _person_errors(data: dict, *, organization: Organization | None, instance: Applicant | None = None) -> dict:
    """Errors in a person's data, as on the member register, plus duplicates among the files."""
    errors = {k: [v] for k, v in member_check({**data, "organization": organization}).items()
              if k in (*PERSON_FIELDS, "organization")}
    if data.get("id_number") and "id_number" not in errors:
        from dangjian.core.validators import normalize_id_number

        same = Applicant.objects.filter(id_number_hash=pii.blind_index("id", normalize_id_number(data["id_number"])))
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["id_number"] = [_("A recruitment file with this ID number exists already.")]
    return errors


def applicant_create(*, actor, organization: Organization, data: dict, applied_on: datetime.date, actors: str = "",
                     note: str = "") -> Applicant:
    """Open a file when a person submits an application (step 1): the person's data, entered once."""
    pipeline = _pipeline(organization, applied_on)
    errors = _person_errors(data, organization=organization)
    errors |= _not_future(applied_on, "applied_on")
    if data.get("birth_date") and "birth_date" not in errors:
        errors.setdefault("birth_date", []).extend(
            checks.age_problems(pipeline, name=data.get("name", ""), birth_date=data["birth_date"], on=applied_on))
    _raise(errors)
    with transaction.atomic():
        applicant = Applicant(organization=organization, created_by=actor if getattr(actor, "pk", None) else None,
                              **{k: v for k, v in data.items() if k in PERSON_FIELDS and k not in PROTECTED_FIELDS})
        applicant.name_pinyin, applicant.name_initials = name_pinyin(applicant.name)
        apply_protected(applicant, {k: data.get(k) or "" for k in PROTECTED_FIELDS})
        applicant.save()
        first = pipeline.steps[min(pipeline.steps)]
        RecruitmentStep.objects.create(applicant=applicant, number=first.number, done_on=applied_on, actors=actors,
                                       note=note, rule_version=pipeline.version,
                                       recorded_by=actor if getattr(actor, "pk", None) else None)
        ApplicantTransition.objects.create(applicant=applicant, actor=actor if getattr(actor, "pk", None) else None,
                                           role=_role(actor, organization), from_status="", to_status=S.IN_PROGRESS)
        audit_log(actor=actor, action="applicant.created", obj=applicant, organization=organization,
                  changes={"applied_on": applied_on, "rule_version": pipeline.version})
    return applicant


def applicant_update(*, actor, applicant: Applicant, data: dict) -> Applicant:
    """Correct a file's personal data (protected values logged as changed, never with their values).

    After admission the member record holds the person's data: it is corrected there."""
    if applicant.member_id:
        raise ValidationError(_("%(name)s is on the member register now: correct the data there.")
                              % {"name": applicant.name})
    data = {k: v for k, v in data.items() if k in PERSON_FIELDS and (k not in PROTECTED_FIELDS or v)}
    merged = {f: getattr(applicant, f) for f in PERSON_FIELDS if f not in PROTECTED_FIELDS} | data
    merged.setdefault("id_number", Applicant.objects.values_list("id_number", flat=True).get(pk=applicant.pk))
    _raise(_person_errors(merged, organization=applicant.organization, instance=applicant))
    changed = diff({k: getattr(applicant, k) for k in data if k not in PROTECTED_FIELDS},
                   {k: v for k, v in data.items() if k not in PROTECTED_FIELDS})
    changed |= {k: ["***", "***"] for k in data if k in PROTECTED_FIELDS}
    if not changed:
        return applicant
    with transaction.atomic():
        for key, value in data.items():
            if key not in PROTECTED_FIELDS:
                setattr(applicant, key, value)
        applicant.name_pinyin, applicant.name_initials = name_pinyin(applicant.name)
        apply_protected(applicant, {k: v for k, v in data.items() if k in PROTECTED_FIELDS})
        applicant.save()
        audit_log(actor=actor, action="applicant.updated", obj=applicant, organization=applicant.organization,
                  changes=changed)
    return applicant


def _records(applicant: Applicant) -> dict[int, RecruitmentStep]:
    return {s.number: s for s in RecruitmentStep.objects.filter(applicant=applicant)}


def _order_problems(pipeline: Pipeline, number: int, done_on: datetime.date, dates: dict[int, datetime.date],
                    *, extension_months: int, calendar: WorkCalendar) -> list[str]:
    """A step needs the steps it requires, not dated after it, and its earliest date reached."""
    step = pipeline.steps[number]
    problems = []
    for required in step.requires:
        if required not in dates:
            problems.append(_("Record step %(n)d (%(title)s) first.")
                            % {"n": required, "title": pipeline.steps[required].title})
        elif done_on < dates[required]:
            problems.append(_("Step %(step)d cannot be dated before step %(n)d (%(date)s).")
                            % {"step": number, "n": required, "date": checks.day(dates[required])})
    earliest = step_window(pipeline, step, dates, extension_months=extension_months, calendar=calendar)[0]
    if earliest is not None and done_on < earliest.date:
        problems.append(_("Step %(step)d cannot be taken before %(date)s (rule %(version)s).")
                        % {"step": number, "date": checks.day(earliest.date), "version": pipeline.version})
    return problems


def step_record(*, actor, applicant: Applicant, number: int, done_on: datetime.date, actors: str = "",
                approving_organization: Organization | None = None, hours: Decimal | None = None,
                training_days: int | None = None, contacts: list[Member] | None = None, note: str = "",
                calendar: WorkCalendar | None = None) -> RecruitmentStep:
    """Record a step as taken, if the rules allow it on that day.

    Refused (with the rule's version) when an earlier step is missing, the date is before the
    step's earliest date, or a condition fails: mentors and sponsors (full members on the roll,
    sponsors not on probation within the Party), training hours, a public notice ended without
    objections, the organization above of a type allowed to approve. ``contacts`` names the
    mentors or sponsors for the step that assigns them. The upper committee's approval creates
    the member record; the approval of full membership makes the member full.
    """
    calendar = calendar or WorkCalendar()
    pipeline = _pipeline(applicant.organization, done_on)
    if number not in pipeline.steps:
        raise ValidationError(_("There is no step %(n)d.") % {"n": number})
    step = pipeline.steps[number]
    if applicant.status == S.STOPPED:
        raise ValidationError(_("This file is stopped: resume it first."))
    records = _records(applicant)
    if number in records:
        raise ValidationError(_("Step %(n)d is recorded already; correct its date if it is wrong.") % {"n": number})
    dates = {n: r.done_on for n, r in records.items()}
    errors: dict[str, list[str]] = {"done_on": []}
    errors |= _not_future(done_on)
    errors["done_on"] = errors.get("done_on", []) + _order_problems(
        pipeline, number, done_on, dates, extension_months=applicant.probation_extension_months, calendar=calendar)
    role = CONTACT_STEPS.get(step.code)
    if role:
        current = [c.member for c in applicant.contacts.filter(role=role, ended_on__isnull=True).select_related("member")]
        errors["contacts"] = checks.contact_problems(pipeline, role, contacts if contacts is not None else current,
                                                     on=done_on)
    if step.code == TRAINING:
        errors["hours"] = checks.training_problems(pipeline, hours=hours, days=training_days)
    errors["done_on"] += checks.notice_problems(pipeline, step, list(applicant.notices.all()), on=done_on,
                                                calendar=calendar)
    errors["approving_organization"] = checks.approver_problems(pipeline, step, approving_organization,
                                                                branch=applicant.organization)
    _raise(errors)
    with transaction.atomic():
        if role and contacts is not None:
            _set_contacts(applicant, role, contacts, on=done_on)
        record = RecruitmentStep.objects.create(
            applicant=applicant, number=number, done_on=done_on, actors=actors,
            approving_organization=approving_organization if step.upper_org else None,
            hours=hours if step.code == TRAINING else None,
            training_days=training_days if step.code == TRAINING else None,
            note=note, rule_version=pipeline.version, recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        dates[number] = done_on
        if step.code == ADMISSION:
            _admit(actor=actor, applicant=applicant, pipeline=pipeline, dates=dates, on=done_on)
        elif step.code == FULL_MEMBERSHIP:
            _make_full(actor=actor, applicant=applicant, pipeline=pipeline, dates=dates)
        applicant.save(update_fields=["member", "status", "updated_at"])
        audit_log(actor=actor, action="applicant.step_recorded", obj=applicant, organization=applicant.organization,
                  changes={"step": number, "done_on": done_on, "rule_version": pipeline.version})
    return record


def _set_contacts(applicant, role, members, *, on):
    current = {c.member_id: c for c in applicant.contacts.filter(role=role, ended_on__isnull=True)}
    wanted = {m.pk for m in members}
    for member_id, contact in current.items():
        if member_id not in wanted:
            contact.ended_on = on
            contact.save(update_fields=["ended_on"])
    ApplicantContact.objects.bulk_create([ApplicantContact(applicant=applicant, role=role, member=m, started_on=on)
                                          for m in members if m.pk not in current])


def _admit(*, actor, applicant: Applicant, pipeline: Pipeline, dates, on):
    """The member record, from the file: a probationary member of the branch since the branch
    general meeting's vote."""
    joined = dates[pipeline.number_of(GENERAL_MEETING)]
    person = Applicant.objects.get(pk=applicant.pk)  # reads the protected values once, to copy them
    data = {f: getattr(person, f) for f in PERSON_FIELDS}
    data |= {"joined_on": joined, "status": MemberStatus.PROBATIONARY, "organization": applicant.organization,
             "full_member_on": None}
    member = member_create(actor=actor, data=data, on=joined)
    applicant.member = member


def _make_full(*, actor, applicant: Applicant, pipeline: Pipeline, dates):
    if applicant.member is None:
        raise ValidationError(_("%(name)s has no member record to make full.") % {"name": applicant.name})
    end = probation_end(pipeline, dates, applicant.probation_extension_months)
    member_update(actor=actor, member=applicant.member, data={"status": MemberStatus.FULL, "full_member_on": end})
    _transition(actor=actor, applicant=applicant, to=S.FULL_MEMBER)


def step_correct(*, actor, step: RecruitmentStep, done_on: datetime.date, reason: str,
                 calendar: WorkCalendar | None = None) -> RecruitmentStep:
    """Correct the date of a recorded step (a separate, audited act with its reason).

    Every recorded step must still keep to the order and the earliest dates with the corrected
    date; the member record follows a corrected branch general meeting (joining date and the
    full-membership date derived from it).
    """
    calendar = calendar or WorkCalendar()
    applicant = step.applicant
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the date is corrected.")})
    if done_on == step.done_on:
        return step
    pipeline = _pipeline(applicant.organization, done_on)
    records = _records(applicant)
    dates = {n: r.done_on for n, r in records.items()} | {step.number: done_on}
    problems = _not_future(done_on).get("done_on", [])
    for number in sorted(dates):
        if number in pipeline.steps:
            problems += _order_problems(pipeline, number, dates[number], dates,
                                        extension_months=applicant.probation_extension_months, calendar=calendar)
    if step.number == min(pipeline.steps):
        problems += checks.age_problems(pipeline, name=applicant.name, birth_date=applicant.birth_date, on=done_on)
    _raise({"done_on": problems})
    old = step.done_on
    with transaction.atomic():
        step.done_on = done_on
        step.save(update_fields=["done_on"])
        member = applicant.member
        if member is not None and step.number == pipeline.number_of(GENERAL_MEETING):
            changes = {"joined_on": done_on}
            if member.full_member_on:
                changes["full_member_on"] = probation_end(pipeline, dates, applicant.probation_extension_months)
            Membership.objects.filter(member=member, started_on=old).update(started_on=done_on)
            member_update(actor=actor, member=member, data=changes)
        audit_log(actor=actor, action="applicant.step_corrected", obj=applicant, organization=applicant.organization,
                  changes={"step": step.number, "done_on": [old, done_on]}, note=reason)
    return step


def contact_assign(*, actor, applicant: Applicant, role: str, member: Member, started_on: datetime.date) -> ApplicantContact:
    """Name a mentor or sponsor (also to replace one who left: end the old one first)."""
    pipeline = _pipeline(applicant.organization, started_on)
    current = applicant.contacts.filter(role=role, ended_on__isnull=True)
    problems = checks.contact_member_problems(pipeline, role, member, on=started_on)
    if current.filter(member=member).exists():
        problems.append(_("%(name)s is named already.") % {"name": member.name})
    high = pipeline.value("mentors_max") if role == ContactRole.MENTOR else pipeline.value("sponsors")
    if current.count() >= high:
        problems += checks.contact_count_problems(pipeline, role, current.count() + 1)
    problems += _not_future(started_on).get("done_on", [])
    _raise({"member": problems})
    with transaction.atomic():
        contact = ApplicantContact.objects.create(applicant=applicant, role=role, member=member, started_on=started_on)
        audit_log(actor=actor, action="applicant.contact_assigned", obj=applicant, organization=applicant.organization,
                  changes={"role": role, "member": member.name})
    return contact


def contact_end(*, actor, contact: ApplicantContact, ended_on: datetime.date) -> ApplicantContact:
    if contact.ended_on is not None:
        raise ValidationError(_("This contact has ended already."))
    if ended_on < contact.started_on:
        raise ValidationError({"ended_on": _("The end cannot come before the start.")})
    _raise(_not_future(ended_on, "ended_on"))
    with transaction.atomic():
        contact.ended_on = ended_on
        contact.save(update_fields=["ended_on"])
        audit_log(actor=actor, action="applicant.contact_ended", obj=contact.applicant,
                  organization=contact.applicant.organization,
                  changes={"role": contact.role, "member": contact.member.name, "ended_on": ended_on})
    return contact


def document_add(*, actor, applicant: Applicant, step_number: int, title: str, upload) -> StepDocument:
    """Keep a file with a step (application letter, thought report, application form scan…)."""
    pipeline = _pipeline(applicant.organization, timezone.localdate())
    if step_number not in pipeline.steps:
        raise ValidationError({"step_number": _("There is no step %(n)d.") % {"n": step_number}})
    if Path(upload.name).suffix.lower() not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("%(name)s: only photos, PDF, Word, Excel and text files can be kept.")
                               % {"name": upload.name}})
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("%(name)s is larger than 10 MB.") % {"name": upload.name}})
    from dangjian.core.uploads import clean_upload

    # The file must be what its name says (first bytes); photos are kept re-encoded without EXIF.
    content = clean_upload(upload, field="file", types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES)
    with transaction.atomic():
        document = StepDocument.objects.create(applicant=applicant, step_number=step_number,
                                               title=(title or upload.name)[:100], file=content,
                                               uploaded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="applicant.document_added", obj=applicant, organization=applicant.organization,
                  changes={"step": step_number, "title": document.title})
    return document


def public_notice_start(*, actor, applicant: Applicant, before_step: int, starts_on: datetime.date,
                        calendar: WorkCalendar | None = None) -> PublicNotice:
    """Give public notice (公示) before a step, for the rule pack's number of working days; its end
    date is computed on the working-day calendar (provisional in a year without data)."""
    calendar = calendar or WorkCalendar()
    pipeline = _pipeline(applicant.organization, starts_on)
    rule = pipeline.notices.get(before_step)
    if rule is None:
        raise ValidationError(_("The rules ask for no public notice before step %(n)d.") % {"n": before_step})
    if applicant.status != S.IN_PROGRESS:
        raise ValidationError(_("This file is not in progress."))
    records = _records(applicant)
    problems = []
    if before_step in records:
        problems.append(_("Step %(n)d is recorded already.") % {"n": before_step})
    if rule.after_step not in records:
        problems.append(_("Record step %(n)d (%(title)s) first.")
                        % {"n": rule.after_step, "title": pipeline.steps[rule.after_step].title})
    elif starts_on < records[rule.after_step].done_on:
        problems.append(_("The notice cannot begin before step %(n)d (%(date)s).")
                        % {"n": rule.after_step, "date": checks.day(records[rule.after_step].done_on)})
    if applicant.notices.filter(before_step=before_step, outcome=NoticeOutcome.PENDING).exists():
        problems.append(_("A public notice before this step is under way already."))
    _raise({"starts_on": problems})
    end = calendar.working_period_end(starts_on, rule.working_days)
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            applicant=applicant, before_step=before_step, starts_on=starts_on, ends_on=end.date,
            working_days=rule.working_days, provisional=end.provisional, rule_version=rule.version,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(actor=actor, action="applicant.notice_started", obj=applicant, organization=applicant.organization,
                  changes={"step": before_step, "starts_on": starts_on, "ends_on": end.date})
    return notice


def public_notice_close(*, actor, notice: PublicNotice, outcome: str, closed_on: datetime.date, objections: str = "",
                        calendar: WorkCalendar | None = None) -> PublicNotice:
    """Record a notice's outcome: no objection once it has run its course, or the objections raised."""
    calendar = calendar or WorkCalendar()
    if notice.outcome != NoticeOutcome.PENDING:
        raise ValidationError(_("This public notice is closed already."))
    errors: dict[str, list[str]] = _not_future(closed_on, "closed_on")
    if outcome == NoticeOutcome.NO_OBJECTION:
        end = checks.notice_end(notice, calendar)
        if closed_on < end:
            errors.setdefault("closed_on", []).append(
                _("The notice runs until %(date)s: it can be closed without objection from that day.")
                % {"date": checks.day(end)})
    elif outcome == NoticeOutcome.OBJECTIONS:
        if not objections.strip():
            errors["objections"] = [_("Write down the objections raised.")]
    else:
        errors["outcome"] = [_("Choose the outcome.")]
    if closed_on < notice.starts_on:
        errors.setdefault("closed_on", []).append(_("The notice cannot close before it begins."))
    _raise(errors)
    with transaction.atomic():
        notice.outcome, notice.closed_on = outcome, closed_on
        notice.objections = objections if outcome == NoticeOutcome.OBJECTIONS else ""
        notice.save(update_fields=["outcome", "closed_on", "objections"])
        audit_log(actor=actor, action="applicant.notice_closed", obj=notice.applicant,
                  organization=notice.applicant.organization, changes={"step": notice.before_step, "outcome": outcome})
    return notice


def _probationary(applicant: Applicant, pipeline: Pipeline) -> dict[int, datetime.date]:
    """The recorded dates of a probationary member's file; refused for any other file."""
    records = _records(applicant)
    if (applicant.status != S.IN_PROGRESS or pipeline.number_of(ADMISSION) not in records
            or applicant.member is None or applicant.member.status != MemberStatus.PROBATIONARY):
        raise ValidationError(_("%(name)s is not a probationary member.") % {"name": applicant.name})
    return {n: r.done_on for n, r in records.items()}


def probation_extend(*, actor, applicant: Applicant, months: int, decided_on: datetime.date, note: str = "") -> Applicant:
    """The branch general meeting extends probation (at least 6 months, at most a year, by the
    rule pack) instead of admitting to full membership; the steps of full membership then count
    from the new end of probation."""
    pipeline = _pipeline(applicant.organization, decided_on)
    dates = _probationary(applicant, pipeline)
    errors: dict[str, list[str]] = _not_future(decided_on, "decided_on")
    low, high = pipeline.value("extension_min_months"), pipeline.value("extension_max_months")
    if not low <= months <= high:
        errors["months"] = [_("Probation is extended by %(min)d to %(max)d months (rule %(version)s).")
                            % {"min": low, "max": high, "version": pipeline.version_of("extension_min_months")}]
    if applicant.probation_extension_months:
        errors.setdefault("months", []).append(_("Probation has been extended once already."))
    if pipeline.number_of(FULL_MEMBERSHIP_MEETING) in dates:
        errors.setdefault("decided_on", []).append(_("The branch general meeting on full membership is recorded already."))
    end = probation_end(pipeline, dates, 0)
    if end and decided_on < end:
        errors.setdefault("decided_on", []).append(
            _("Probation ends on %(date)s: the branch decides on it from that day (rule %(version)s).")
            % {"date": checks.day(end), "version": pipeline.version})
    _raise(errors)
    with transaction.atomic():
        applicant.probation_extension_months, applicant.probation_extended_on = months, decided_on
        applicant.save(update_fields=["probation_extension_months", "probation_extended_on", "updated_at"])
        audit_log(actor=actor, action="applicant.probation_extended", obj=applicant, organization=applicant.organization,
                  changes={"months": months, "decided_on": decided_on,
                           "probation_end": probation_end(pipeline, dates, months)}, note=note)
    return applicant


def probation_cancel(*, actor, applicant: Applicant, decided_on: datetime.date, reason: str) -> Applicant:
    """Cancel a probationary member's probation (取消预备党员资格): the member's standing ends and the
    file stops."""
    pipeline = _pipeline(applicant.organization, decided_on)
    _probationary(applicant, pipeline)
    errors = _not_future(decided_on, "decided_on")
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    _raise(errors)
    with transaction.atomic():
        member_status_change(actor=actor, member=applicant.member, to=MemberStatus.PROBATION_CANCELLED,
                             effective_on=decided_on, reason=reason)
        _transition(actor=actor, applicant=applicant, to=S.STOPPED, note=reason)
        applicant.stop_reason = reason[:300]
        applicant.save(update_fields=["status", "stop_reason", "updated_at"])
        audit_log(actor=actor, action="applicant.probation_cancelled", obj=applicant,
                  organization=applicant.organization, changes={"decided_on": decided_on}, note=reason)
    return applicant


def applicant_stop(*, actor, applicant: Applicant, reason: str) -> Applicant:
    """Stop following a file (the person withdrew, moved away, was not selected…)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if applicant.member_id and applicant.status == S.IN_PROGRESS:
        raise ValidationError(_("%(name)s is a probationary member: cancel the probation instead.")
                              % {"name": applicant.name})
    with transaction.atomic():
        _transition(actor=actor, applicant=applicant, to=S.STOPPED, note=reason)
        applicant.stop_reason = reason[:300]
        applicant.save(update_fields=["status", "stop_reason", "updated_at"])
        audit_log(actor=actor, action="applicant.stopped", obj=applicant, organization=applicant.organization,
                  note=reason)
    return applicant


def applicant_resume(*, actor, applicant: Applicant, note: str = "") -> Applicant:
    """Follow a stopped file again, from where it stopped."""
    if applicant.member_id:
        raise ValidationError(_("A cancelled probation cannot be resumed."))
    with transaction.atomic():
        _transition(actor=actor, applicant=applicant, to=S.IN_PROGRESS, note=note)
        applicant.stop_reason = ""
        applicant.save(update_fields=["status", "stop_reason", "updated_at"])
        audit_log(actor=actor, action="applicant.resumed", obj=applicant, organization=applicant.organization,
                  note=note)
    return applicant
