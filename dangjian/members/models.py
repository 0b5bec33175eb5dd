"""The member roster (党员名册): members, their dated membership in organizations, duties, pledges."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization, organizations_in

from .choices import ON_ROLL, Category, Education, Ethnicity, Gender, MemberStatus

# Personal fields that stay encrypted and are read only on reveal or export.
PROTECTED_FIELDS = ("id_number", "phone", "address")



class MemberQuerySet(RestrictedQuerySet):
    def on_roll(self):
        return self.filter(status__in=ON_ROLL)

    def without_protected(self):
        """Leave the encrypted columns unread (lists show the masked copies)."""
        return self.defer(*PROTECTED_FIELDS)


class Member(models.Model):
    """A Party member (党员), full or probationary, and the facts of the member register.

    ``organization`` is the organization that holds the member's organizational relation now;
    :class:`Membership` keeps the dated history. Change both only through the services.
    """

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnic group"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = models.CharField(max_length=40, unique=True, editable=False)
    id_number_last4 = models.CharField(_("ID number last digits"), max_length=4, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = EncryptedTextField(_("home address"), blank=True)
    address_masked = models.CharField(_("home address"), max_length=20, blank=True, editable=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    joined_on = models.DateField(_("joined the Party on"))
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=MemberStatus.choices, default=MemberStatus.FULL)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.EMPLOYED)
    in_hardship = models.BooleanField(_("in hardship"), default=False)
    party_probation_until = models.DateField(
        _("on probation within the Party until"), null=True, blank=True,
        help_text=_("While on probation within the Party a member may not vote, stand for election or sponsor applicants."),
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        Organization, verbose_name=_("Party group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="group_members",
    )
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    job = models.CharField(_("job"), max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="member",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["organization", "status", "name_pinyin"]),
            models.Index(fields=["status", "category"]),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action):
        q = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
        if scope.member_id:
            q |= Q(pk=scope.member_id)
        if scope.own_org_ids:
            q |= Q(organization_id__in=scope.own_org_ids, status__in=ON_ROLL)
        return q

    @property
    def is_on_roll(self):
        return self.status in ON_ROLL

    def party_standing(self, on: datetime.date | None = None) -> int:
        """党龄: whole years since becoming a full member (none while probationary)."""
        if not self.full_member_on:
            return 0
        on = on or timezone.localdate()
        years = on.year - self.full_member_on.year
        if (on.month, on.day) < (self.full_member_on.month, self.full_member_on.day):
            years -= 1
        return max(years, 0)

    def age(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class Membership(models.Model):
    """A period in which an organization held the member's relation (from, to): past rosters."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["member", "started_on", "id"]
        indexes = [models.Index(fields=["organization", "started_on", "ended_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="membership_one_open_period"
            )
        ]

    def __str__(self):
        return f"{self.member} @ {self.organization} {self.started_on}–{self.ended_on or ''}"


class DutyPost(models.Model):
    """A duty assigned to a member (设岗定责), possibly a model post (党员示范岗)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="duty_posts")
    title = models.CharField(_("duty"), max_length=100)
    description = models.TextField(_("responsibilities"), blank=True)
    is_model_post = models.BooleanField(_("model post"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["-started_on"]

    def __str__(self):
        return self.title


class Pledge(models.Model):
    """A public commitment (公开承诺) a member makes for a year, with how it was kept."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        KEPT = "kept", _("Kept")
        NOT_KEPT = "not_kept", _("Not kept")

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="pledges")
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("commitment"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-year", "id"]

    def __str__(self):
        return f"{self.year} {self.content[:20]}"
