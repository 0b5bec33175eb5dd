"""Affair admission (社区事务准入): a department that wants to push a task onto communities asks
for admission; the request walks the links of a configurable procedure (the seed's 4 steps and
10 links ship as the default, ``rules/affair-admission-2013.toml``) and ends admitted, with its
resources on the public list until it expires, or refused, with reasons.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization, organizations_in

from ..choices import AdmissionStatus, LinkKind, ProcedureStatus, ReviewOutcome


class AdmissionProcedure(models.Model):
    """A version of the admission procedure an organization runs (准入程序). ``organization`` is
    empty for the default shipped as data. A published version is never changed: a change is a new
    version, and each request keeps the version it went through."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="admission_procedures")
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("basis"), max_length=200, blank=True, help_text=_("The document that sets it up."))
    status = models.CharField(_("status"), max_length=16, choices=ProcedureStatus.choices,
                              default=ProcedureStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission procedure")
        verbose_name_plural = _("admission procedures")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="coverage_procedure_version_once")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Shipped procedures are seen by every organizer; an organization's own by its subtree."""
        if not scope.paths:
            return Q(pk__in=[])
        q = Q(organization__in=organizations_in(scope, action))
        return q | Q(organization__isnull=True) if action == "view" else q


class AdmissionLink(models.Model):
    """A link (环节) of a procedure, in order, grouped into steps (步骤)."""

    procedure = models.ForeignKey(AdmissionProcedure, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField(_("order"))
    step = models.PositiveSmallIntegerField(_("step"))
    step_name = models.CharField(_("step name"), max_length=50)
    name = models.CharField(_("link"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices, default=LinkKind.CHECK)
    days = models.PositiveSmallIntegerField(_("working days allowed"), null=True, blank=True)
    guidance = models.TextField(_("what is checked"), blank=True)

    class Meta:
        verbose_name = _("admission link")
        verbose_name_plural = _("admission links")
        ordering = ["procedure", "position"]
        constraints = [models.UniqueConstraint(fields=["procedure", "position"], name="coverage_link_position_once")]

    def __str__(self):
        return f"{self.step}.{self.position} {self.name}"


class AffairAdmissionQuerySet(RestrictedQuerySet):
    def admitted_on(self, day):
        """Requests admitted and in force on ``day`` (the public list)."""
        return self.filter(status=AdmissionStatus.ADMITTED, starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class AffairAdmission(models.Model):
    """A department's request to push a task onto communities (准入申请), and its outcome.

    ``organization`` runs the admission (a city or sub-district committee); ``communities`` are
    those the task would fall on (none: every community under it). An admitted task is in force
    from ``starts_on`` to ``ends_on``; after that it has expired (computed) and needs a new request
    (``renewal_of``) to be reviewed again.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("admission authority"), on_delete=models.PROTECT,
                                     related_name="affair_admissions")
    procedure = models.ForeignKey(AdmissionProcedure, verbose_name=_("procedure"), on_delete=models.PROTECT,
                                  related_name="admissions")
    department = models.CharField(_("requesting department"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("what communities would do"))
    legal_basis = models.TextField(_("legal basis"))
    resources = models.TextField(_("staff and resources offered"), blank=True)
    funding = models.DecimalField(_("funding offered (yuan)"), max_digits=12, decimal_places=2, default=0)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    communities = models.ManyToManyField(Organization, verbose_name=_("communities concerned"), blank=True,
                                         related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=AdmissionStatus.choices,
                              default=AdmissionStatus.DRAFT)
    current_link = models.ForeignKey(AdmissionLink, verbose_name=_("current link"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    renewal_of = models.ForeignKey("self", verbose_name=_("re-review of"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="renewals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AffairAdmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("affair admission")
        verbose_name_plural = _("affair admissions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Requests of an authority in the scope; communities concerned see them too."""
        if not scope.paths:
            return Q(pk__in=[])
        orgs = organizations_in(scope, action)
        q = Q(organization__in=orgs)
        if action == "view":
            q |= Q(pk__in=AffairAdmission.communities.through.objects.filter(organization__in=orgs)
                   .values("affairadmission"))
        return q

    def expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == AdmissionStatus.ADMITTED and self.ends_on is not None and self.ends_on < today


class AdmissionReview(models.Model):
    """One act on a request (submitted, a link passed or returned, the decision): the review log."""

    admission = models.ForeignKey(AffairAdmission, on_delete=models.CASCADE, related_name="reviews")
    link = models.ForeignKey(AdmissionLink, verbose_name=_("link"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission review")
        verbose_name_plural = _("admission reviews")
        ordering = ["admission", "at", "id"]

    def __str__(self):
        return f"{self.admission} {self.outcome}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return Q(admission__in=AffairAdmission.objects.filter(AffairAdmission.scope_filter(scope, action))
                 .values("pk"))

