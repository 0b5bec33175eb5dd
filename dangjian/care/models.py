"""Hardship and care (困难党员帮扶与关怀慰问): the hardship register, support given, care visits.

These records are sensitive (illness, income, living alone). They are seen only by those who
keep them (secretaries and organizers over the member's organization, administrators) and by
auditors; committee members and ordinary members do not see them, not even their own.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet, Scope, covers, minimal_prefixes, user_scope
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, organizations_in

from .choices import CaseStatus, FundingSource, HardshipKind, Occasion, SupportKind


def care_scope(user, action: str = "view") -> Scope:
    """The scope of ``user`` over care records: for viewing, the subtrees where they may change
    records or audit them; for other actions, their subtrees for that action. Never a member's
    personal scope."""
    if action == "view":
        change, audit = user_scope(user, "change"), user_scope(user, "audit")
        if change.everything or audit.everything:
            return Scope(everything=True)
        return Scope(paths=minimal_prefixes([*change.paths, *audit.paths]))
    scope = user_scope(user, action)
    return Scope(everything=scope.everything, paths=scope.paths)


def in_care_scope(scope: Scope, organization: Organization) -> bool:
    return covers(scope, organization)


class CareQuerySet(RestrictedQuerySet):
    """Restricted by :func:`care_scope` instead of the general scope."""

    def restrict(self, user, action: str = "view"):
        scope = care_scope(user, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        return self.filter(self.model.scope_filter(scope, action))


def _of_member(prefix: str):
    def scope_filter(cls, scope, action) -> Q:
        return Q(**{f"{prefix}organization__in": organizations_in(scope, action)}) if scope.paths else Q(pk__in=[])
    return classmethod(scope_filter)


def encode_kinds(kinds) -> str:
    """Kinds of difficulty stored as ``,illness,low_income,`` (one indexed text column, filterable
    with ``contains`` on every database)."""
    ordered = [k for k in HardshipKind.values if k in set(kinds)]
    return f",{','.join(ordered)}," if ordered else ""


def kind_filter(kind: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}kinds__contains": f",{kind},"})


class HardshipCase(models.Model):
    """A member registered as in hardship (困难党员登记), open while they are being helped.

    ``Member.in_hardship`` is derived from these cases by the services: set when a case opens,
    cleared when the member's last open case closes.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="hardship_cases")
    kinds = models.CharField(_("kinds of difficulty"), max_length=200)
    situation = models.TextField(_("situation"))
    since = models.DateField(_("in hardship since"))
    opened_on = models.DateField(_("registered on"))
    status = models.CharField(_("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CareQuerySet.as_manager()
    scope_filter = _of_member("member__")

    class Meta:
        verbose_name = _("hardship case")
        verbose_name_plural = _("hardship cases")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["status", "opened_on"]), models.Index(fields=["member", "status"])]

    def __str__(self):
        return f"{self.member.name}：{self.kinds_display}"

    @property
    def kind_list(self) -> list[str]:
        return [k for k in self.kinds.split(",") if k]

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(HardshipKind.choices)
        return [str(labels.get(k, k)) for k in self.kind_list]

    @property
    def kinds_display(self) -> str:
        return "、".join(self.kind_labels)

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class SupportRecord(models.Model):
    """Support given to a member in hardship (帮扶记录): money, goods, a visit or help with services."""

    case = models.ForeignKey(HardshipCase, verbose_name=_("hardship case"), on_delete=models.CASCADE,
                             related_name="supports")
    given_on = models.DateField(_("date"))
    kind = models.CharField(_("kind of support"), max_length=8, choices=SupportKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    given_by_organization = models.ForeignKey(Organization, verbose_name=_("given by (organization)"), null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")
    given_by = models.CharField(_("given by (people)"), max_length=200, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CareQuerySet.as_manager()
    scope_filter = _of_member("case__member__")

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["case", "given_on"]), models.Index(fields=["given_on", "kind"])]

    def __str__(self):
        return f"{self.given_on} {self.get_kind_display()}"


class CareVisit(models.Model):
    """A care visit to one member (慰问): at a festival, in illness or on another occasion.

    ``year`` is the year of the occasion: Spring Festival visits made in the last weeks of the
    year before count for the coming festival.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="care_visits")
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=200)
    gifts = models.CharField(_("gifts"), max_length=200, blank=True)
    amount = models.DecimalField(_("money given (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CareQuerySet.as_manager()
    scope_filter = _of_member("member__")

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["year", "occasion"]), models.Index(fields=["member", "year"])]

    def __str__(self):
        return f"{self.member.name} {self.get_occasion_display()} {self.visited_on}"
