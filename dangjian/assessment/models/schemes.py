"""Schemes (考核方案): versioned definitions of a star rating, a tiering or a standard checklist.

A scheme holds its criteria (each with points, the evidence it needs and, where it can be
measured from records, the indicator it is bound to), its grades with the points each needs,
its veto items and the review steps with who performs each. A published version is never
changed: a cycle names the version it used, and a new version is a copy.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization

from ..choices import EvidenceKind, Performer, SchemeKind, SchemeStatus
from .scope import lineage_paths, subtree_q


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40,
                            help_text=_("The same code across versions of one scheme."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=SchemeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organization, verbose_name=_("defined by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="assessment_schemes",
                              help_text=_("Empty for the schemes shipped with the platform."))
    unit_kinds = models.JSONField(_("for unit kinds"), default=list, blank=True,
                                  help_text=_("Unit kinds of the organizations it rates; empty for any."))
    status = models.CharField(_("status"), max_length=12, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    veto_grade = models.CharField(_("grade when vetoed"), max_length=20, blank=True,
                                  help_text=_("The grade an organization gets when it fails a veto item."))
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("The rule pack a shipped scheme came from."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["kind", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="scheme_code_version")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def editable(self) -> bool:
        return self.status == SchemeStatus.DRAFT

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Anyone with a scope sees the shipped schemes and those defined at or above them; a
        scheme is changed by those over the organization that defined it."""
        q = subtree_q(scope, "owner")
        if action == "view":
            q |= Q(owner__isnull=True) | Q(owner__path__in=lineage_paths(scope))
        return q


class Criterion(models.Model):
    """One criterion of a scheme (a star, a weighted item, a checklist item or a veto item)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("what is checked"), blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=1,
                                 help_text=_("A star counts 1; tiering items carry their weight."))
    evidence = models.CharField(_("evidence"), max_length=8, choices=EvidenceKind.choices, default=EvidenceKind.NONE)
    indicator = models.CharField(_("measured by"), max_length=60, blank=True,
                                 help_text=_("An indicator computed from records; empty when judged by reviewers."))
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=4, null=True, blank=True,
                                    help_text=_("A measured criterion is met when the value reaches it."))
    is_veto = models.BooleanField(_("veto item"), default=False,
                                  help_text=_("Failing it cancels the rating (一票否决); it carries no points."))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scheme", "is_veto", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="criterion_code")]

    def __str__(self):
        return self.name

    @property
    def measured(self) -> bool:
        return bool(self.indicator)


class Grade(models.Model):
    """A grade of a scheme and the points it needs (先进/一般/后进; 示范型…基础型; 达标/未达标)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grades")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=30)
    min_points = models.DecimalField(_("points needed"), max_digits=7, decimal_places=2, default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is better."))

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["scheme", "-rank"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="grade_code"),
                       models.UniqueConstraint(fields=["scheme", "rank"], name="grade_rank")]

    def __str__(self):
        return self.name


class ReviewStep(models.Model):
    """One step of a scheme's review (自评, 支部上报, 镇党委审核, 公示, 县审批) and who performs it."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    performer = models.CharField(_("performed by"), max_length=8, choices=Performer.choices)
    notice_days = models.PositiveSmallIntegerField(_("public notice days"), null=True, blank=True,
                                                   help_text=_("For a public notice: days it stays up before the "
                                                               "next step."))

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="review_step_order")]

    def __str__(self):
        return self.name
