"""Records of residents' personal-information rights: the consents given when a form collected
personal data (同意记录), and the requests a resident makes about their data (个人信息申请:
correction, deletion, withdrawal of consent) with the log of their handling."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet

from .choices import Purpose, RequestKind, RequestStatus


class Consent(models.Model):
    """A resident's consent to one processing (a form they sent): who, which notice version, when,
    for which service and which record it came with. Withdrawn consents keep their row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), null=True,
                             on_delete=models.SET_NULL, related_name="consents")
    purpose = models.CharField(_("service"), max_length=16, choices=Purpose.choices)
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    object_id = models.CharField(_("record"), max_length=40, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self):
        return f"{self.user_id} {self.purpose} {self.notice_version}"


class PersonalDataRequest(models.Model):
    """A resident's request about their personal data. Its status changes only through
    ``services.data_request_decide``; each change appends a :class:`PersonalDataRequestStep`. The
    answer is due within 15 working days of filing (computed, never stored: ``selectors.due``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), on_delete=models.PROTECT,
                             related_name="data_requests")
    kind = models.CharField(_("kind"), max_length=12, choices=RequestKind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    outcome = models.TextField(_("what was done or why refused"), max_length=2000, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-information request")
        verbose_name_plural = _("personal-information requests")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Only administrators (``everything``) handle these; others reach none through a scope."""
        return Q(pk__in=[])


class PersonalDataRequestStep(models.Model):
    """One step in a request's handling: who, when, from and to which status, the note."""

    request = models.ForeignKey(PersonalDataRequest, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(_("from"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.from_status}→{self.to_status}"
