"""Notices (通知公告) and assignments (工作任务) from upper levels, and the in-app inbox (我的消息).

A notice or assignment is issued by one organization to organizations below it; the targets are
kept as rows (a notice to the whole subtree lists every organization of the subtree when it is
published), so that "who was it sent to" and the counts per target come from records.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization, organizations_in

from .choices import ReportStatus


def issued_or_received(model, scope, action) -> Q:
    """Records issued by an organization in the scope, or targeted at one."""
    orgs = organizations_in(scope, action)
    targeted = model.targets.through.objects.filter(organization__in=orgs).values(model._meta.model_name)
    return Q(organization__in=orgs) | Q(pk__in=targeted)


class Notice(models.Model):
    """A notice (通知公告) published by an organization to organizations below it."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("issuing organization"), on_delete=models.PROTECT, related_name="notices_issued"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    to_subtree = models.BooleanField(_("to the whole subtree"), default=False)
    targets = models.ManyToManyField(
        Organization, verbose_name=_("target organizations"), related_name="notices_received"
    )
    attachment = models.FileField(_("attachment"), upload_to="notices/%Y/%m/", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        """Notices issued by, or sent to, an organization in the scope."""
        return issued_or_received(cls, scope, action)


class NoticeRead(models.Model):
    """That one user has read one notice, and when."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notice reads")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_unique")]

    def __str__(self):
        return f"{self.notice} · {self.user}"


class Assignment(models.Model):
    """A work assignment (工作任务) given by an organization to organizations below it."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("issuing organization"), on_delete=models.PROTECT,
        related_name="assignments_issued",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    due_on = models.DateField(_("due on"))
    targets = models.ManyToManyField(
        Organization, verbose_name=_("target organizations"), related_name="assignments_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        """Assignments given by, or to, an organization in the scope."""
        return issued_or_received(cls, scope, action)


class AssignmentReport(models.Model):
    """One target organization's completion report on an assignment (open until it reports)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="assignment_reports"
    )
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    text = models.TextField(_("report"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment report")
        verbose_name_plural = _("assignment reports")
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "organization"], name="assignment_report_unique"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.organization}"

    @classmethod
    def scope_filter(cls, scope, action):
        return Q(organization__in=organizations_in(scope, action))


class Notification(models.Model):
    """One message in a user's in-app inbox (我的消息)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
