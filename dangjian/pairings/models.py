"""Pairings (结对帮扶) of a member or a unit with a household, their visits, and hardship funds
(党内互助金, 急难帮困专项资金) kept as ledgers whose balance is always derived from the entries.

Organizers and secretaries reach the records of their organization's subtree; an ordinary
member sees the pairings they take part in. Funds are seen only over a subtree (never by an
ordinary member).
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.grid.models import Household
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, organizations_in

from .choices import EntryDirection, FundKind, HelpKind, PairingStatus


def _by_org(prefix: str, member_field: str | None = None):
    def scope_filter(cls, scope, action) -> Q:
        q = Q(**{f"{prefix}organization__in": organizations_in(scope, action)}) if scope.paths else Q(pk__in=[])
        if member_field and action == "view" and scope.member_id:
            q |= Q(**{member_field: scope.member_id})
        return q
    return classmethod(scope_filter)


class Pairing(models.Model):
    """A member or a unit paired with a household to help it (结对帮扶), under an organization:
    the member's branch or the community."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="pairings")
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="pairings")
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="pairings")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    goals = models.TextField(_("goals"))
    status = models.CharField(_("status"), max_length=8, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    end_note = models.TextField(_("how it ended"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _by_org("", "member_id")

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(unit_name=""),
                                              name="pairing_member_or_unit")]

    def __str__(self):
        return f"{self.helper_name} ↔ {self.household}"

    @property
    def helper_name(self) -> str:
        return self.member.name if self.member_id else self.unit_name

    @property
    def is_active(self) -> bool:
        return self.status == PairingStatus.ACTIVE


class PairingVisit(models.Model):
    """A visit under a pairing: what was found and the help given."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("date"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    visitor_name = models.CharField(_("visited by"), max_length=100)
    found = models.TextField(_("what was found"))
    help_kind = models.CharField(_("help given"), max_length=8, choices=HelpKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _by_org("pairing__", "pairing__member_id")

    class Meta:
        verbose_name = _("pairing visit")
        verbose_name_plural = _("pairing visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on} {self.visitor_name}"


class Fund(models.Model):
    """A hardship fund of an organization; its balance is incomes minus payments, never typed."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="hardship_funds")
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _by_org("")

    class Meta:
        verbose_name = _("hardship fund")
        verbose_name_plural = _("hardship funds")
        ordering = ["organization__path", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="fund_name_unique")]

    def __str__(self):
        return self.name

    def balance(self, until=None) -> Decimal:
        """Incomes minus payments (up to and including ``until`` when given)."""
        entries = self.entries.all() if until is None else self.entries.filter(entry_date__lte=until)
        return signed_total(entries)


def signed_total(entries) -> Decimal:
    totals = dict(entries.order_by().values_list("direction").annotate(total=Sum("amount")))
    return (totals.get(EntryDirection.INCOME) or Decimal("0")) - (totals.get(EntryDirection.PAYMENT) or Decimal("0"))


class FundEntry(models.Model):
    """One income into or payment out of a fund."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="entries")
    direction = models.CharField(_("income or payment"), max_length=8, choices=EntryDirection.choices)
    entry_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    counterparty = models.CharField(_("source or payee"), max_length=200)
    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="fund_entries")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="fund_entries")
    approved_by = models.CharField(_("approved by"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _by_org("fund__")

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["entry_date", "id"]
        indexes = [models.Index(fields=["fund", "entry_date"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive")]

    def __str__(self):
        return f"{self.entry_date} {self.get_direction_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.direction == EntryDirection.INCOME else -self.amount
