"""Writes of the people assigned to firms: instructors (党建指导员), liaisons (党的工作联络员) and
contact leaders (领导干部联系点), and their contact logs (联系记录).

A firm's coverage is never written here: an instructor's or liaison's term makes a firm without
an organization ``guided`` because the selectors read the terms (``selectors.with_coverage``).
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import COUNTED_STATUSES, AssignmentRole
from .models import Assignment, ContactLog, Firm
from .services_firms import require_scope


def _today(on):
    return on or timezone.localdate()


def _in_line(appointed_by: Organization, firm: Firm) -> bool:
    """Whether ``appointed_by`` looks after the firm by area or by sector (双重管理): it is the
    firm's area or sector organization or one above it."""
    lines = [firm.area_organization, firm.sector_organization]
    return any(org is not None and org.path.startswith(appointed_by.path) for org in lines)


def assignment_create(*, actor, firm: Firm, appointed_by: Organization, role: str, started_on: datetime.date,
                      name: str = "", title: str = "", member: Member | None = None) -> Assignment:
    """Assign an instructor, liaison or contact leader to a firm for a term starting ``started_on``.

    The firm must be in the actor's sight and the appointing organization in their add scope and
    in the firm's area or sector line. With a member record (in sight) the person's name is the
    record's. The same person cannot hold two open assignments of one role for one firm.
    """
    if not Firm.objects.restrict(actor, "view").filter(pk=firm.pk).exists():
        raise PermissionDenied
    require_scope(actor, "add", appointed_by)
    if firm.status not in COUNTED_STATUSES:
        raise ValidationError({"firm": _("%(firm)s has closed or moved out.") % {"firm": firm.name}})
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Choose an instructor, a liaison or a contact leader.")})
    if not _in_line(appointed_by, firm):
        raise ValidationError({"appointed_by": _(
            "%(org)s does not look after %(firm)s by area or by sector.") % {
            "org": appointed_by.display_name, "firm": firm.name}})
    if member is not None:
        if not Member.objects.restrict(actor, "view").filter(pk=member.pk).exists():
            raise PermissionDenied
        name = member.name
    name = clean_plain_text(name, "name", 50, required=True)
    title = clean_plain_text(title, "title", 100)
    if started_on is None:
        raise ValidationError({"started_on": _("Give the day the term starts.")})
    open_terms = Assignment.objects.filter(firm=firm, role=role, ended_on__isnull=True)
    same = open_terms.filter(member=member) if member is not None else open_terms.filter(name=name, member__isnull=True)
    if same.exists():
        raise ValidationError(_("%(name)s already is %(role)s of %(firm)s.") % {
            "name": name, "role": AssignmentRole(role).label, "firm": firm.name})
    with transaction.atomic():
        assignment = Assignment.objects.create(firm=firm, role=role, name=name, title=title, member=member,
                                               appointed_by=appointed_by, started_on=started_on)
        audit_log(actor=actor, action="firm_assignment.created", obj=assignment, organization=appointed_by,
                  changes={"firm": firm.name, "role": role, "name": name, "started_on": started_on})
    return assignment


def assignment_end(*, actor, assignment: Assignment, ended_on: datetime.date, reason: str) -> Assignment:
    """End a term (任期结束, 调整): on a day not before it started, with the reason."""
    require_scope(actor, "change", assignment.appointed_by)
    if assignment.ended_on:
        raise ValidationError(_("This assignment has already ended."))
    if ended_on is None or ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("A term cannot end before it started (%(day)s).") % {
            "day": f"{assignment.started_on:%Y-%m-%d}"}})
    reason = clean_plain_text(reason, "reason", 200, required=True)
    with transaction.atomic():
        assignment.ended_on, assignment.end_note = ended_on, reason
        assignment.save(update_fields=["ended_on", "end_note"])
        audit_log(actor=actor, action="firm_assignment.ended", obj=assignment, organization=assignment.appointed_by,
                  changes={"ended_on": ended_on}, note=reason)
    return assignment


def may_log(actor, assignment: Assignment) -> bool:
    """Whether ``actor`` keeps the contact logs of an assignment: the assigned person themself, or
    someone with change scope over the appointing organization."""
    if assignment.member_id and assignment.member and assignment.member.user_id == getattr(actor, "pk", None):
        return True
    return covers(user_scope(actor, "change"), assignment.appointed_by)


def _require_log(actor, assignment: Assignment) -> None:
    if not may_log(actor, assignment):
        raise PermissionDenied


def contact_log_add(*, actor, assignment: Assignment, contacted_on: datetime.date, topic: str,
                    problems: str = "", today: datetime.date | None = None) -> ContactLog:
    """Record one contact with the firm (走访、座谈、电话): when, about what, which problems it raised."""
    today = _today(today)
    _require_log(actor, assignment)
    if contacted_on is None or contacted_on > today:
        raise ValidationError({"contacted_on": _("A contact cannot be recorded for a day still to come.")})
    if contacted_on < assignment.started_on:
        raise ValidationError({"contacted_on": _("The contact is before the term started (%(day)s).") % {
            "day": f"{assignment.started_on:%Y-%m-%d}"}})
    if assignment.ended_on and contacted_on > assignment.ended_on:
        raise ValidationError({"contacted_on": _("The contact is after the term ended (%(day)s).") % {
            "day": f"{assignment.ended_on:%Y-%m-%d}"}})
    topic = clean_plain_text(topic, "topic", 200, required=True)
    problems = clean_plain_text(problems, "problems", 2000)
    with transaction.atomic():
        log = ContactLog.objects.create(assignment=assignment, contacted_on=contacted_on, topic=topic,
                                        problems=problems, recorded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="contact_log.added", obj=log, organization=assignment.appointed_by,
                  changes={"firm": assignment.firm.name, "contacted_on": contacted_on, "topic": topic})
    return log


def contact_log_solve(*, actor, log: ContactLog, solution: str, solved_on: datetime.date,
                      today: datetime.date | None = None) -> ContactLog:
    """Record how the problems a contact raised were solved, and when."""
    today = _today(today)
    assignment = log.assignment
    _require_log(actor, assignment)
    if not log.problems:
        raise ValidationError(_("This contact raised no problems to solve."))
    if log.solved:
        raise ValidationError(_("These problems are already solved."))
    if solved_on is None or solved_on > today:
        raise ValidationError({"solved_on": _("A solution cannot be recorded for a day still to come.")})
    if solved_on < log.contacted_on:
        raise ValidationError({"solved_on": _("The problems cannot be solved before they were raised (%(day)s).") % {
            "day": f"{log.contacted_on:%Y-%m-%d}"}})
    solution = clean_plain_text(solution, "solution", 2000, required=True)
    with transaction.atomic():
        log.solved, log.solution, log.solved_on = True, solution, solved_on
        log.save(update_fields=["solved", "solution", "solved_on"])
        audit_log(actor=actor, action="contact_log.solved", obj=log, organization=assignment.appointed_by,
                  changes={"solved_on": solved_on})
    return log
