"""Writes of notices, assignments and notifications.

Each service validates, runs in one transaction, writes one audit entry and queues the
notifications with ``transaction.on_commit``.
"""
from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization

from . import selectors
from .choices import ReportStatus
from .models import Assignment, AssignmentReport, Notice, NoticeRead, Notification

logger = logging.getLogger(__name__)


def notify(users, *, title: str, body: str = "", url: str = "") -> None:
    """Queue one message to ``users`` through the configured channels, once the transaction commits.

    Delivery runs as a background task; failures are logged there, never raised here.
    """
    user_ids = sorted({u.pk for u in users})
    if not user_ids:
        return

    def enqueue():
        from .tasks import deliver_notification

        try:
            deliver_notification.enqueue(user_ids, title, body, url)
        except Exception:
            logger.exception("Could not queue a notification to %s users", len(user_ids))

    transaction.on_commit(enqueue)


def _targets(*, organization: Organization, targets, to_subtree: bool) -> list[Organization]:
    """The target organizations: checked to lie below the issuer, or the whole subtree."""
    below = Organization.objects.filter(path__startswith=organization.path, status=OrgStatus.ACTIVE).exclude(
        pk=organization.pk)
    if to_subtree:
        chosen = list(below.exclude(org_type=OrgType.PARTY_GROUP))
    else:
        chosen = list(targets or [])
        if any(not t.path.startswith(organization.path) or t.pk == organization.pk for t in chosen):
            raise ValidationError({"targets": _("Choose organizations below the issuing organization.")})
        if any(t.status != OrgStatus.ACTIVE for t in chosen):
            raise ValidationError({"targets": _("Dissolved or merged organizations cannot receive anything.")})
    if not chosen:
        raise ValidationError({"targets": _("Choose at least one organization to send to.")})
    return chosen


def _check_issuer(actor, organization):
    if not can(actor, "add", organization):
        raise PermissionDenied


@transaction.atomic
def notice_publish(*, actor, organization: Organization, title: str, body: str, targets=None,
                   to_subtree: bool = False, attachment=None) -> Notice:
    """Publish a notice from ``organization`` to chosen organizations below it, or its whole subtree."""
    _check_issuer(actor, organization)
    chosen = _targets(organization=organization, targets=targets, to_subtree=to_subtree)
    notice = Notice.objects.create(organization=organization, title=title.strip(), body=body, to_subtree=to_subtree,
                                   attachment=attachment or "", published_by=actor)
    notice.targets.set(chosen)
    audit_log(actor=actor, action="notice.published", obj=notice, organization=organization,
              changes={"count": len(chosen)})
    recipients = selectors.recipients(chosen).exclude(pk=actor.pk)
    notify(recipients, title=_("Notice: %(title)s") % {"title": notice.title},
           body=_("From %(org)s") % {"org": organization.name}, url=reverse("notices:detail", args=[notice.pk]))
    return notice


def notice_mark_read(*, user, notice: Notice) -> NoticeRead:
    """Record that ``user`` has read ``notice`` (the first time only).

    Reading is not audited: the read row itself is the record, and one entry per reader would
    drown the audit log.
    """
    read, _created = NoticeRead.objects.get_or_create(notice=notice, user=user)
    return read


@transaction.atomic
def assignment_create(*, actor, organization: Organization, title: str, description: str,
                      due_on: datetime.date, targets=None, to_subtree: bool = False) -> Assignment:
    """Give an assignment to organizations below ``organization``; each gets an open report row."""
    _check_issuer(actor, organization)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    chosen = _targets(organization=organization, targets=targets, to_subtree=to_subtree)
    assignment = Assignment.objects.create(organization=organization, title=title.strip(), description=description,
                                           due_on=due_on, created_by=actor)
    assignment.targets.set(chosen)
    AssignmentReport.objects.bulk_create(AssignmentReport(assignment=assignment, organization=o) for o in chosen)
    audit_log(actor=actor, action="assignment.created", obj=assignment, organization=organization,
              changes={"count": len(chosen), "due_on": due_on})
    recipients = selectors.recipients(chosen).exclude(pk=actor.pk)
    notify(recipients, title=_("Assignment: %(title)s") % {"title": assignment.title},
           body=_("From %(org)s, due %(due)s") % {"org": organization.name, "due": due_on.isoformat()},
           url=reverse("notices:assignment_detail", args=[assignment.pk]))
    return assignment


@transaction.atomic
def assignment_report(*, actor, assignment: Assignment, organization: Organization, text: str) -> AssignmentReport:
    """A target organization reports the assignment done, with what it did."""
    if not can(actor, "change", organization):
        raise PermissionDenied
    try:
        report = AssignmentReport.objects.select_for_update().get(assignment=assignment, organization=organization)
    except AssignmentReport.DoesNotExist as exc:
        raise ValidationError(_("This organization was not given this assignment.")) from exc
    if report.status == ReportStatus.DONE:
        raise ValidationError(_("This organization has already reported this assignment done."))
    if not text.strip():
        raise ValidationError({"text": _("Say briefly what was done.")})
    report.status = ReportStatus.DONE
    report.text = text.strip()
    report.reported_by = actor
    report.reported_at = timezone.now()
    report.save(update_fields=["status", "text", "reported_by", "reported_at"])
    audit_log(actor=actor, action="assignment.reported", obj=report, organization=organization,
              changes={"status": [ReportStatus.OPEN, ReportStatus.DONE]})
    issuers = selectors.recipients([assignment.organization], roles_only=True).exclude(pk=actor.pk)
    notify(issuers, title=_("%(org)s reported done: %(title)s") % {"org": organization.name, "title": assignment.title},
           url=reverse("notices:assignment_detail", args=[assignment.pk]))
    return report


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's messages read, or all of them; returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
