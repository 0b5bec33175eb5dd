"""Cycles (考评周期): one run of a scheme over a set of organizations for a period.

Each organization in the cycle has an :class:`Assessment` that walks the scheme's review steps,
with one :class:`CriterionResult` per criterion (measured from records or judged by a reviewer,
with evidence and a verdict). Points, stars and the grade are computed by the services when
results change; a step log keeps every submit, return and approval.
"""
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization

from ..choices import AssessmentStatus, CycleStatus, EvidenceKind, Verdict
from .schemes import Criterion, Scheme
from .scope import orgs_in, subtree_q


class Cycle(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="cycles")
    organization = models.ForeignKey(Organization, verbose_name=_("run by"), on_delete=models.PROTECT,
                                     related_name="assessment_cycles")
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Those over the organization running it; for viewing, also those over any organization
        rated in it (a village secretary sees the cycle their village is in)."""
        q = subtree_q(scope)
        if action == "view" and scope.paths:
            q |= Q(Exists(Assessment.objects.filter(cycle=OuterRef("pk"), organization__in=orgs_in(scope))))
        return q


class Assessment(models.Model):
    """One organization rated in one cycle: its place in the review steps and its result."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="assessments")
    step = models.PositiveSmallIntegerField(_("review step"), default=0,
                                            help_text=_("Order of the review step it is at."))
    status = models.CharField(_("status"), max_length=10, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.IN_REVIEW)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    target_grade = models.CharField(_("target grade"), max_length=20, blank=True,
                                    help_text=_("The grade the organization aims at this year (晋位争先)."))
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["cycle", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="assessment_once_per_cycle")]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"{self.cycle} · {self.organization}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Those over the rated organization or over the organization running the cycle."""
        if not scope.paths:
            return Q(pk__in=[])
        orgs = orgs_in(scope)
        return Q(organization__in=orgs) | Q(cycle__organization__in=orgs)


class CriterionResult(models.Model):
    """How one organization stands on one criterion in a cycle."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(_("measured value"), max_digits=12, decimal_places=4, null=True, blank=True)
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    records_url = models.CharField(_("records"), max_length=300, blank=True)
    met = models.BooleanField(_("met"), null=True, help_text=_("Empty while not yet decided."))
    self_met = models.BooleanField(_("met (assessed side)"), null=True,
                                   help_text=_("What the assessed side recorded; a reviewer's rejection makes the "
                                               "criterion unmet without losing it."))
    note = models.CharField(_("self-assessment note"), max_length=500, blank=True)
    verdict = models.CharField(_("reviewer's verdict"), max_length=10, choices=Verdict.choices, blank=True,
                               default=Verdict.PENDING)
    verdict_note = models.CharField(_("reviewer's note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["assessment", "criterion__is_veto", "criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="result_once")]

    def __str__(self):
        return f"{self.assessment_id} {self.criterion}"


class Evidence(models.Model):
    """A photo, a file or a link to a record offered for one criterion."""

    result = models.ForeignKey(CriterionResult, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to="assessment/%Y/%m/", blank=True)
    record_url = models.CharField(_("record link"), max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["result", "added_at", "id"]

    def __str__(self):
        return self.caption or self.get_kind_display()


class AssessmentLog(models.Model):
    """One step of an assessment's review: who, in which capacity, when, from which step to
    which, with the comment (a return carries the reason)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("action"), max_length=10)
    from_step = models.PositiveSmallIntegerField(_("from step"))
    to_step = models.PositiveSmallIntegerField(_("to step"))
    to_status = models.CharField(_("status"), max_length=10, choices=AssessmentStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    capacity = models.CharField(_("capacity"), max_length=100, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("assessment step")
        verbose_name_plural = _("assessment steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.assessment_id} {self.action}"
