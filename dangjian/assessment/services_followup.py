"""Writes of the follow-up work: rectification tasks (整改) and work-report reviews (述职评议).

Rectification: a task is opened for the organization with the shortfall; the assessed side (those
who change that organization) submits what was done with its evidence; the level above (those who
change its parent) accepts and closes it or returns it. Every step goes through the one transition
service over :data:`RECTIFICATION_STEPS`, leaving a :class:`RectificationLog` row and an audit entry.

Closing evidence (decided here): a closing note is always required; when no evidence file was ever
given for the task (neither now nor in an earlier submission), the note must say in at least
:data:`MIN_NOTE_WITHOUT_FILE` characters what was done.

Work-report reviews: a round is opened by those who may add over the organization running it, for
organizations strictly below it; each reporting organization gets one report. The reporter (or
anyone who changes the reporting organization) submits it; the upper level (those who change the
running organization) and the members in the reporting organization's subtree (not the reporter)
rate it while the round is open and until ``rate_until``. A rater keeps one rating per report and
may change their grade until ratings close.
"""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import Role, covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.rules import rule, rule_value
from dangjian.core.uploads import clean_evidence
from dangjian.core.validators import clean_plain_text
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.models import LeadershipPost, Organization

from .choices import (
    RaterCapacity,
    RectificationAction,
    RectificationStatus,
    ReportGrade,
    ReviewRoundStatus,
)
from .models import CriterionResult, Rectification, RectificationLog, ReviewRound, WorkReport, WorkReportRating

S, A = RectificationStatus, RectificationAction

MIN_NOTE_WITHOUT_FILE = 10
MIN_REPORT_TEXT = 50
# Members who may rate a work report: those in the Party now (full and probationary).
RATING_MEMBER_STATUSES = (MemberStatus.FULL, MemberStatus.PROBATIONARY)


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    audit: str


# The transition table of a rectification task: action → (statuses it starts from, status it leads to, audit code).
RECTIFICATION_STEPS: dict[str, Step] = {
    A.SUBMIT: Step((S.OPEN,), S.SUBMITTED, "assessment.rectification_submitted"),
    A.ACCEPT: Step((S.SUBMITTED,), S.CLOSED, "assessment.rectification_accepted"),
    A.RETURN: Step((S.SUBMITTED,), S.OPEN, "assessment.rectification_returned"),
}


def _parent_path(organization: Organization) -> str:
    return organization.path[:-organization.steplen]


def covers_parent(user, organization: Organization, action: str) -> bool:
    """Whether ``user`` may do ``action`` over the organization above ``organization`` (administrators
    also for a root organization)."""
    scope = user_scope(user, action)
    if scope.everything:
        return True
    parent = _parent_path(organization)
    return bool(parent) and any(parent.startswith(p) for p in scope.paths)


def rectification_may(user, task: Rectification, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``task`` (whatever its status now): the assessed side
    submits; the level above accepts or returns."""
    if not getattr(user, "is_authenticated", False):
        return False
    if action == A.SUBMIT:
        return covers(user_scope(user, "change"), task.organization)
    if action in (A.ACCEPT, A.RETURN):
        return covers_parent(user, task.organization, "change")
    return False


def may_open_rectification(user, organization: Organization) -> bool:
    """Tasks are opened by hand by those who may add over the organization's parent (an inspection)."""
    return covers_parent(user, organization, "add")


# ---------------------------------------------------------------------------------------------
# Rectification tasks

def rectification_open(*, actor, organization, title: str, description: str = "",
                       deadline: datetime.date | None = None, owner=None,
                       source: CriterionResult | None = None) -> Rectification:
    """Open a task to put a shortfall of ``organization`` right. Without a deadline it is due after
    the rule pack's ``assessment.rectification_days``. Callers check the actor's access."""
    title = clean_plain_text(title, "title", 200, required=True)
    description = clean_plain_text(description, "description", 5000)
    today = timezone.localdate()
    if deadline is None:
        days = rule_value("assessment.rectification_days", organization=organization)
        deadline = today + datetime.timedelta(days=int(days))
    elif deadline < today:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    with transaction.atomic():
        task = Rectification.objects.create(organization=organization, title=title, description=description,
                                            source=source, owner=owner, deadline=deadline,
                                            created_by=actor if getattr(actor, "pk", None) else None)
        RectificationLog.objects.create(rectification=task, action="open", to_status=task.status,
                                        actor=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="assessment.rectification_opened", obj=task, organization=organization,
                  changes={"deadline": deadline})
    return task


def owner_candidates(organization: Organization):
    """Users who hold a role over ``organization`` (at it or above it; not an ordinary member's): those a
    task may be given to."""
    from dangjian.accounts.models import User

    return (User.objects.filter(is_active=True, role_assignments__grid__isnull=True,
                                role_assignments__organization__path__in=organization.lineage_paths,
                                role_assignments__role__in=[r for r in Role.values if r != Role.MEMBER])
            .distinct().order_by("username"))


def rectification_create(*, actor, organization: Organization, title: str, description: str = "",
                         deadline: datetime.date | None = None, owner=None) -> Rectification:
    """A task opened by hand (an inspection found a problem) by someone who may add over the
    organization's parent; the owner, if any, holds a role over the organization."""
    if not may_open_rectification(actor, organization):
        raise PermissionDenied
    if owner is not None and not owner_candidates(organization).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose someone who holds a role over the organization.")})
    return rectification_open(actor=actor, organization=organization, title=title, description=description,
                              deadline=deadline, owner=owner)


def rectification_transition(*, actor, task: Rectification, action: str, note: str = "",
                             evidence=None) -> Rectification:
    """Take one step of a task through :data:`RECTIFICATION_STEPS`: submit (needs a closing note; a
    file, or a note of at least 10 characters), accept (closes it) or return (needs the reason)."""
    step = RECTIFICATION_STEPS.get(action)
    if step is None:
        raise ValidationError(_("Unknown step."))
    if not rectification_may(actor, task, action):
        raise PermissionDenied
    note = clean_plain_text(note, "note", 500, required=action in (A.SUBMIT, A.RETURN))
    content = clean_evidence(evidence) if evidence is not None else None
    if action == A.SUBMIT and content is None and not task.closing_evidence and len(note) < MIN_NOTE_WITHOUT_FILE:
        raise ValidationError({"note": _("Attach the evidence, or describe what was done in at least %(n)d "
                                         "characters.") % {"n": MIN_NOTE_WITHOUT_FILE}})
    now = timezone.now()
    with transaction.atomic():
        task = Rectification.objects.select_for_update().get(pk=task.pk)
        if task.status not in step.sources:
            raise ValidationError(_("A task that is %(now)s cannot be changed this way.")
                                  % {"now": task.get_status_display()})
        from_status, fields = task.status, ["status"]
        task.status = step.target
        if action == A.SUBMIT:
            task.closing_note, task.submitted_at = note, now
            fields += ["closing_note", "submitted_at"]
            if content is not None:
                task.closing_evidence.save(getattr(content, "name", "evidence"), content, save=False)
                fields.append("closing_evidence")
        elif action == A.ACCEPT:
            task.closed_at = now
            fields.append("closed_at")
        task.save(update_fields=fields)
        RectificationLog.objects.create(rectification=task, action=action, from_status=from_status,
                                        to_status=task.status, actor=actor, note=note)
        audit_log(actor=actor, action=step.audit, obj=task, organization=task.organization,
                  changes={"status": [from_status, task.status], "evidence": content is not None}, note=note)
    return task


# ---------------------------------------------------------------------------------------------
# Work-report reviews (述职评议)

def may_open_round(user, organization: Organization) -> bool:
    return covers(user_scope(user, "add"), organization)


def current_secretaries(organizations: Sequence[Organization]) -> dict[int, Member]:
    """The member holding each organization's secretary post now (one query)."""
    posts = (LeadershipPost.objects.current().filter(organization__in=organizations, kind__code="secretary")
             .select_related("member").order_by("term_start", "id"))
    return {post.organization_id: post.member for post in posts}


def review_round_open(*, actor, organization: Organization, year: int, title: str, rate_until: datetime.date,
                      organizations: Sequence[Organization]) -> ReviewRound:
    """Open a round of work reports for ``organizations`` (strictly below ``organization``): one
    report each, reported by its current secretary if any. The upper level's weight comes from the
    rule pack (``assessment.report_upper_weight``), with the version that gave it."""
    if not may_open_round(actor, organization):
        raise PermissionDenied
    title = clean_plain_text(title, "title", 100, required=True)
    today = timezone.localdate()
    if not isinstance(year, int) or not (today.year - 2 <= year <= today.year + 1):
        raise ValidationError({"year": _("Choose a year between %(a)d and %(b)d.")
                               % {"a": today.year - 2, "b": today.year + 1}})
    if rate_until is None or rate_until < today:
        raise ValidationError({"rate_until": _("Ratings cannot close in the past.")})
    reporting = list({o.pk: o for o in organizations}.values())
    if not reporting:
        raise ValidationError({"organizations": _("Choose the organizations that report.")})
    below = [o for o in reporting if o.path.startswith(organization.path) and len(o.path) > len(organization.path)]
    if len(below) != len(reporting):
        raise ValidationError({"organizations": _("Only organizations under %(org)s can report in its round.")
                               % {"org": organization.name}})
    weight = rule("assessment.report_upper_weight", organization=organization)
    upper_weight = Decimal(str(weight.value)).quantize(Decimal("0.01"))
    if not Decimal(0) <= upper_weight <= Decimal(1):
        raise ValidationError(_("The rule pack's weight of the upper level must lie between 0 and 1."))
    secretaries = current_secretaries(reporting)
    with transaction.atomic():
        round_ = ReviewRound.objects.create(organization=organization, year=year, title=title, rate_until=rate_until,
                                            upper_weight=upper_weight, rule_version=weight.version,
                                            created_by=actor if getattr(actor, "pk", None) else None)
        WorkReport.objects.bulk_create([
            WorkReport(round=round_, organization=o, reporter=secretaries.get(o.pk))
            for o in sorted(reporting, key=lambda o: o.path)])
        audit_log(actor=actor, action="assessment.review_round_opened", obj=round_, organization=organization,
                  changes={"year": year, "reports": len(reporting), "upper_weight": upper_weight,
                           "rule_version": weight.version})
    return round_


def is_reporter(user, report: WorkReport) -> bool:
    """Whether ``user`` is the member who reports ``report``."""
    return bool(report.reporter_id and getattr(user, "pk", None) and report.reporter.user_id == user.pk)


def may_submit_report(user, report: WorkReport) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_reporter(user, report):
        return True
    return covers(user_scope(user, "change"), report.organization)


def rater_capacity(user, report: WorkReport) -> str | None:
    """In which capacity ``user`` may rate ``report`` (whatever the round's dates): the upper level
    (change over the organization running the round), or a member of the reporting organization's
    subtree; None if they may not. The reporter never rates their own report, whatever else they hold."""
    if not getattr(user, "is_authenticated", False) or is_reporter(user, report):
        return None
    if covers(user_scope(user, "change"), report.round.organization):
        return RaterCapacity.UPPER
    member = (Member.objects.filter(user=user, status__in=RATING_MEMBER_STATUSES,
                                    organization__path__startswith=report.organization.path)
              .values_list("pk", flat=True).first())
    if member is not None and member != report.reporter_id:
        return RaterCapacity.MEMBER
    return None


def ratings_open(report: WorkReport, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (report.round.status == ReviewRoundStatus.OPEN and report.submitted_at is not None
            and today <= report.round.rate_until)


def work_report_submit(*, actor, report: WorkReport, text: str, file=None) -> WorkReport:
    """The report of the year: a text of at least 50 characters, or a file. It may be submitted
    again (corrected) while the round is open and before anyone rated it."""
    if not may_submit_report(actor, report):
        raise PermissionDenied
    text = clean_plain_text(text, "text", 20000)
    content = clean_evidence(file, "file") if file is not None else None
    if content is None and not report.file and len(text) < MIN_REPORT_TEXT:
        raise ValidationError({"text": _("Write the report in at least %(n)d characters, or attach it as a file.")
                               % {"n": MIN_REPORT_TEXT}})
    with transaction.atomic():
        report = WorkReport.objects.select_for_update().select_related("round", "organization").get(pk=report.pk)
        if report.round.status != ReviewRoundStatus.OPEN:
            raise ValidationError(_("This review round is closed."))
        if report.ratings.exists():
            raise ValidationError(_("The report has been rated already and can no longer be changed."))
        again = report.submitted_at is not None
        report.text, report.submitted_at = text, timezone.now()
        fields = ["text", "submitted_at"]
        if content is not None:
            report.file.save(getattr(content, "name", "report"), content, save=False)
            fields.append("file")
        report.save(update_fields=fields)
        audit_log(actor=actor, action="assessment.work_report_submitted", obj=report, organization=report.organization,
                  changes={"again": again, "file": bool(report.file), "length": len(text)})
    return report


def work_report_rate(*, actor, report: WorkReport, grade: str, comment: str = "") -> WorkReportRating:
    """Rate a submitted report (one rating per rater, changeable until ratings close)."""
    capacity = rater_capacity(actor, report)
    if capacity is None:
        if is_reporter(actor, report):
            raise ValidationError(_("You cannot rate your own report."))
        raise PermissionDenied
    if grade not in ReportGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    comment = clean_plain_text(comment, "comment", 500)
    with transaction.atomic():
        # Checked on the locked report and a fresh round: a round closed (or a report changed) meanwhile
        # refuses the rating.
        report = WorkReport.objects.select_for_update().select_related("round", "organization").get(pk=report.pk)
        if report.round.status != ReviewRoundStatus.OPEN:
            raise ValidationError(_("This review round is closed."))
        if report.submitted_at is None:
            raise ValidationError(_("The report has not been submitted yet."))
        if timezone.localdate() > report.round.rate_until:
            raise ValidationError(_("Ratings closed on %(date)s.") % {"date": report.round.rate_until.isoformat()})
        rating, created = WorkReportRating.objects.select_for_update().get_or_create(
            report=report, rater=actor, defaults={"capacity": capacity, "grade": grade, "comment": comment})
        before = None if created else rating.grade
        if not created:
            rating.capacity, rating.grade, rating.comment = capacity, grade, comment
            rating.save(update_fields=["capacity", "grade", "comment"])
        # Members' ratings are secret: the audit entry names the grade only for the upper level.
        audit_log(actor=actor, action="assessment.work_report_rated", obj=report, organization=report.organization,
                  changes={"capacity": capacity, "changed": not created,
                           **({"grade": [before, grade]} if capacity == RaterCapacity.UPPER else {})})
    return rating


def review_round_close(*, actor, round: ReviewRound) -> ReviewRound:  # noqa: A002 - the brief's name
    """Close a round: its reports and ratings are frozen."""
    if not covers(user_scope(actor, "change"), round.organization):
        raise PermissionDenied
    with transaction.atomic():
        round_ = ReviewRound.objects.select_for_update().get(pk=round.pk)
        if round_.status != ReviewRoundStatus.OPEN:
            raise ValidationError(_("This review round is closed already."))
        round_.status = ReviewRoundStatus.CLOSED
        round_.save(update_fields=["status"])
        audit_log(actor=actor, action="assessment.review_round_closed", obj=round_, organization=round_.organization)
    return round_
