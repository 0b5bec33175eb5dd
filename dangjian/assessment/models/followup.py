"""Follow-up of assessments: rectification tasks (整改) and work-report reviews (述职评议)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from ..choices import RaterCapacity, RectificationStatus, ReportGrade, ReviewRoundStatus
from .cycles import CriterionResult
from .scope import subtree_q


class Rectification(models.Model):
    """A task to put right a shortfall: an unmet criterion, a missed tier target or a problem
    found in an inspection; closed with evidence that an upper level accepts."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="rectifications")
    title = models.CharField(_("shortfall"), max_length=200)
    description = models.TextField(_("what to put right"), blank=True)
    source = models.ForeignKey(CriterionResult, verbose_name=_("from criterion"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="rectifications")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="rectifications")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    closing_note = models.TextField(_("what was done"), blank=True)
    closing_evidence = models.FileField(_("closing evidence"), upload_to="rectification/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return subtree_q(scope)


class RectificationLog(models.Model):
    """One step of a rectification task (submitted, accepted, returned) with its note."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("action"), max_length=10)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.rectification_id} {self.action}"


class ReviewRound(models.Model):
    """A yearly round of work reports (述职评议): secretaries of the organizations under the one
    running it report, the upper level and the members rate each report."""

    organization = models.ForeignKey(Organization, verbose_name=_("run by"), on_delete=models.PROTECT,
                                     related_name="review_rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    rate_until = models.DateField(_("ratings close on"))
    upper_weight = models.DecimalField(_("weight of the upper level"), max_digits=3, decimal_places=2,
                                       help_text=_("Share of the upper level's ratings in the overall score; "
                                                   "members' ratings carry the rest."))
    status = models.CharField(_("status"), max_length=8, choices=ReviewRoundStatus.choices,
                              default=ReviewRoundStatus.OPEN)
    rule_version = models.CharField(_("rule version"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work-report review")
        verbose_name_plural = _("work-report reviews")
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return subtree_q(scope)


class WorkReport(models.Model):
    """A secretary's yearly report on the work of their organization."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reports")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="work_reports")
    reporter = models.ForeignKey(Member, verbose_name=_("reported by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="work_reports")
    text = models.TextField(_("report"), blank=True)
    file = models.FileField(_("report file"), upload_to="work-reports/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["round", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="one_report_per_round")]

    def __str__(self):
        return f"{self.round} · {self.organization}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Those over the reporting organization or over the organization running the round."""
        if not scope.paths:
            return Q(pk__in=[])
        return subtree_q(scope) | subtree_q(scope, "round__organization")


class WorkReportRating(models.Model):
    """One rater's grade of a report: the upper level's (named) or a member's."""

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    capacity = models.CharField(_("as"), max_length=8, choices=RaterCapacity.choices)
    grade = models.CharField(_("grade"), max_length=12, choices=ReportGrade.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work-report rating")
        verbose_name_plural = _("work-report ratings")
        constraints = [models.UniqueConstraint(fields=["report", "rater"], name="one_rating_per_rater")]

    def __str__(self):
        return f"{self.report_id} {self.grade}"
