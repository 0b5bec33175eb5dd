"""Transfers of members' organizational relations (组织关系转接) and mobile members (流动党员).

A transfer is pending until the receiving side confirms it (or, for a letter to an organization
elsewhere, until the return slip 回执 arrives): until then the sending organization keeps the
member, so a member is never in two organizations or in none. Each change of status goes
through ``services`` and appends a :class:`TransferStep`.
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, organizations_in

from .choices import ActivityKind, Side, TransferKind, TransferReason, TransferStatus


class Transfer(models.Model):
    """One transfer of a member's relation, with its letter (介绍信) and where it stands."""

    kind = models.CharField(_("kind"), max_length=16, choices=TransferKind.choices, default=TransferKind.WITHIN)
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers")
    from_organization = models.ForeignKey(
        Organization, verbose_name=_("sending organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfers_out", help_text=_("The organization sending the relation (empty when it came from elsewhere)."),
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name=_("receiving organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transfers_in", help_text=_("The organization receiving the relation (empty when it goes elsewhere)."),
    )
    destination = models.CharField(_("destination"), max_length=200, blank=True,
                                   help_text=_("The organization elsewhere the letter is addressed to."))
    origin = models.CharField(_("origin"), max_length=200, blank=True,
                              help_text=_("The organization elsewhere that issued the letter."))
    letter_number = models.CharField(_("letter number"), max_length=64, unique=True)
    letter_year = models.PositiveSmallIntegerField(_("letter year"), null=True, blank=True, editable=False)
    letter_seq = models.PositiveIntegerField(_("letter sequence"), null=True, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=16, choices=TransferReason.choices)
    reason_note = models.CharField(_("details of the reason"), max_length=200, blank=True)
    dues_paid_until = models.DateField(_("dues paid up to"), help_text=_("The month up to which dues are paid."))
    sent_on = models.DateField(_("letter issued on"))
    valid_until = models.DateField(_("valid until"))
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    returned_on = models.DateField(_("return slip received on"), null=True, blank=True)
    closing_note = models.CharField(_("reason given"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-sent_on", "-id"]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["from_organization", "status"]),
            models.Index(fields=["to_organization", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="pending"), name="transfer_one_pending"),
            models.UniqueConstraint(fields=["from_organization", "letter_year", "letter_seq"],
                                    condition=Q(letter_seq__isnull=False), name="transfer_letter_sequence"),
        ]

    def __str__(self):
        return f"{self.letter_number} {self.member}"

    @classmethod
    def scope_filter(cls, scope, action):
        """Both sides see a transfer: the sending and the receiving subtree; a member sees their own."""
        if scope.paths:
            orgs = organizations_in(scope, action)
            q = Q(from_organization__in=orgs) | Q(to_organization__in=orgs)
        else:
            q = Q(pk__in=[])
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

    def expired(self, today: datetime.date | None = None) -> bool:
        """A pending letter past its validity (derived, never stored): it must be re-issued."""
        return self.is_pending and self.valid_until < (today or timezone.localdate())

    @property
    def is_expired(self) -> bool:
        return self.expired()

    @property
    def from_label(self) -> str:
        return self.from_organization.name if self.from_organization_id else self.origin

    @property
    def to_label(self) -> str:
        return self.to_organization.name if self.to_organization_id else self.destination


class TransferStep(models.Model):
    """One transition of a transfer: who, on which side, when, from which status to which, note."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    on = models.DateField(_("effective on"))
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("transfer step")
        verbose_name_plural = _("transfer steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def to_label(self):
        return TransferStatus(self.to_status).label


class MobileMemberQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(returned_on__isnull=True)


class MobileMember(models.Model):
    """A member registered as away (流动党员): where, since when, where they take part.

    Their relation stays with their home organization; ``contact_organization`` is the branch
    or temporary branch where they join in organizational life while away.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="mobile_records")
    destination = models.CharField(_("where"), max_length=200, help_text=_("Province, city and district they went to."))
    work = models.CharField(_("work or study there"), max_length=200, blank=True)
    left_on = models.DateField(_("left on"))
    expected_return_on = models.DateField(_("expected back on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    transfer_impossible = models.BooleanField(
        _("relation cannot be transferred"), default=False,
        help_text=_("No fixed place or no Party organization there to take the relation."),
    )
    contact_organization = models.ForeignKey(
        Organization, verbose_name=_("takes part in"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mobile_members",
        help_text=_("The branch or temporary branch where the member joins organizational life while away."),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    certificate_number = models.CharField(_("activity certificate number"), max_length=40, blank=True,
                                          help_text=_("Number of the mobile member's activity certificate."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MobileMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobile member")
        verbose_name_plural = _("mobile members")
        ordering = ["-left_on", "-id"]
        indexes = [models.Index(fields=["returned_on", "destination"])]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(returned_on__isnull=True), name="mobile_one_active"),
        ]

    def __str__(self):
        return f"{self.member} @ {self.destination}"

    @classmethod
    def scope_filter(cls, scope, action):
        """The home subtree and the organization they take part in see the record; a member their own."""
        if scope.paths:
            orgs = organizations_in(scope, action)
            q = Q(member__organization__in=orgs) | Q(contact_organization__in=orgs)
        else:
            q = Q(pk__in=[])
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q

    @property
    def is_active(self) -> bool:
        return self.returned_on is None


class MobileActivity(models.Model):
    """What a mobile member did where they are: study, organizational life, volunteer service.

    Study credits study hours through a :class:`dangjian.orglife.models.StudyRecord`.
    """

    registration = models.ForeignKey(MobileMember, on_delete=models.CASCADE, related_name="activities")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=0)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.CharField(_("what was done"), max_length=300)
    study_record = models.OneToOneField("orglife.StudyRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="mobile_activity")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile member activity")
        verbose_name_plural = _("mobile member activities")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()} {self.description[:20]}"
