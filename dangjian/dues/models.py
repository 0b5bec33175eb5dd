"""Membership dues (党费): declared bases, monthly payments and reliefs (rules.md §5).

Amounts are Decimal yuan with two places (never float). What a member owes for a month is
computed from the declaration in force and the rule pack when the month is collected; the
payment keeps the basis, base, amount and rule version used, so later changes of rules or
bases never rewrite a past record.
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.members.models import Member, of_member
from dangjian.organizations.models import Organization, organizations_in

from .choices import DuesBasis, PaymentMethod, ReliefKind, ReliefStatus

MONEY = {"max_digits": 10, "decimal_places": 2}


def _of_member_or_organization(scope, action) -> Q:
    """As ``of_member``, and also the records an organization in the scope kept (members since moved away)."""
    q = of_member(scope, action)
    if scope.paths:
        q |= Q(organization__in=organizations_in(scope, action))
    return q


class DuesDeclaration(models.Model):
    """A member's dues basis and monthly base from a month on (党费基数申报); the history is kept.

    The declaration in force for a month is the latest whose ``effective_from`` is on or before it.
    For farmers the base is the monthly amount the branch set within the rule pack's range.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="dues_declarations")
    basis = models.CharField(_("dues basis"), max_length=16, choices=DuesBasis.choices)
    base = models.DecimalField(_("monthly base (yuan)"), **MONEY, default=0)
    effective_from = models.DateField(_("from month"), help_text=_("The first day of the month."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues declaration")
        verbose_name_plural = _("dues declarations")
        ordering = ["member", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_from"], name="dues_declaration_once_a_month"),
            models.CheckConstraint(condition=Q(base__gte=0), name="dues_declaration_base_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} {self.effective_from:%Y-%m} {self.get_basis_display()} {self.base}"

    @classmethod
    def scope_filter(cls, scope, action):
        return of_member(scope, action)


class DuesRelief(models.Model):
    """A reduction or exemption of dues (减免) for some months: the branch decides, the upper
    committee approves. Only an approved relief changes what is due."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="dues_reliefs")
    organization = models.ForeignKey(Organization, verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="dues_reliefs")
    kind = models.CharField(_("kind"), max_length=16, choices=ReliefKind.choices)
    reduced_amount = models.DecimalField(_("monthly amount to pay (yuan)"), **MONEY, null=True, blank=True,
                                         help_text=_("For a reduction: what the member pays each month instead."))
    from_month = models.DateField(_("from month"))
    to_month = models.DateField(_("to month"))
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided by the branch on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ReliefStatus.choices, default=ReliefStatus.PENDING)
    approving_organization = models.ForeignKey(Organization, verbose_name=_("approving committee"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(_("approved or rejected on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_note = models.CharField(_("note of the committee"), max_length=300, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues relief")
        verbose_name_plural = _("dues reliefs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["status", "organization"])]
        constraints = [models.CheckConstraint(condition=Q(to_month__gte=models.F("from_month")),
                                              name="dues_relief_months_in_order")]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.from_month:%Y.%m}–{self.to_month:%Y.%m}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _of_member_or_organization(scope, action)

    def covers(self, month: datetime.date) -> bool:
        return self.from_month <= month <= self.to_month


class DuesPayment(models.Model):
    """One member's dues for one month (the monthly collection record, 党费收缴记录).

    ``amount_due`` was computed when the month was collected, from the declaration in force and
    the rule pack (``rule_version``), reduced by an approved relief; ``extra`` is a voluntary
    payment on top, which has no limit.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_payments")
    organization = models.ForeignKey(Organization, verbose_name=_("collected by"), on_delete=models.PROTECT,
                                     related_name="dues_payments")
    month = models.DateField(_("month"), help_text=_("The first day of the month paid for."))
    basis = models.CharField(_("dues basis"), max_length=16, choices=DuesBasis.choices)
    base = models.DecimalField(_("monthly base (yuan)"), **MONEY, default=0)
    amount_due = models.DecimalField(_("amount due (yuan)"), **MONEY)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    relief = models.ForeignKey(DuesRelief, verbose_name=_("relief applied"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="payments")
    amount_paid = models.DecimalField(_("amount paid (yuan)"), **MONEY)
    extra = models.DecimalField(_("voluntary extra (yuan)"), **MONEY, default=0)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-month", "member_id"]
        indexes = [models.Index(fields=["organization", "month"]), models.Index(fields=["month"])]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_paid_once_a_month"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(extra__gte=0) & Q(amount_due__gte=0),
                                   name="dues_payment_amounts_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m} ¥{self.amount_paid}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _of_member_or_organization(scope, action)

    @property
    def total(self):
        return self.amount_paid + self.extra
