"""Co-building with units in the area (共驻共建) and community brands (一居一品).

Every record belongs to the community (or sub-district) organization it is registered with and
is seen by those whose subtree covers that organization.
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.core.pii import EncryptedTextField
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, organizations_in

from .choices import BookingStatus, ProjectArea, ProjectStatus, ResourceKind, UnitKind

EXPIRING_DAYS = 30


def _of_org(prefix: str = ""):
    def scope_filter(cls, scope, action) -> Q:
        if not scope.paths:
            return Q(pk__in=[])
        return Q(**{f"{prefix}organization__in": organizations_in(scope, action)})
    return classmethod(scope_filter)


class PartnerUnit(models.Model):
    """A unit in the area registered with a community (驻区单位, 单位双报到)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    organization = models.ForeignKey(Organization, verbose_name=_("registered with"), on_delete=models.PROTECT,
                                     related_name="partner_units")
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    party_organization = models.ForeignKey(Organization, verbose_name=_("own Party organization"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org()

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "active"])]

    def __str__(self):
        return self.name


class MemberRegistration(models.Model):
    """A member registered in their home community (党员双报到) with the services they offer."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="community_registrations")
    organization = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="member_registrations")
    registered_on = models.DateField(_("registered on"))
    intentions = models.TextField(_("service intentions"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org()

    class Meta:
        verbose_name = _("member registration")
        verbose_name_plural = _("member registrations")
        ordering = ["-registered_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "organization"], name="cobuilding_member_once")]

    def __str__(self):
        return f"{self.member.name} → {self.organization.display_name}"


class Resource(models.Model):
    """A resource a unit offers the community (资源清单): a room, a ground, an expert…"""

    unit = models.ForeignKey(PartnerUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org("unit__")

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["unit", "name", "id"]

    def __str__(self):
        return f"{self.unit.name}：{self.name}"


class ResourceBooking(models.Model):
    """A community's booking of a resource for a date and time (requested → approved/declined → used)."""

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.PROTECT,
                                 related_name="bookings")
    day = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices,
                              default=BookingStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org("resource__unit__")

    class Meta:
        verbose_name = _("resource booking")
        verbose_name_plural = _("resource bookings")
        ordering = ["-day", "-starts_at", "-id"]
        indexes = [models.Index(fields=["resource", "day"])]

    def __str__(self):
        return f"{self.resource} {self.day} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class BookingLog(models.Model):
    """One transition of a booking: who, when, from, to, note."""

    booking = models.ForeignKey(ResourceBooking, on_delete=models.CASCADE, related_name="log")
    from_status = models.CharField(_("from"), max_length=16, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=BookingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class JointProject(models.Model):
    """A co-building project with units (共建项目), in one of the six links (六联)."""

    organization = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="joint_projects")
    title = models.CharField(_("title"), max_length=100)
    area = models.CharField(_("area"), max_length=16, choices=ProjectArea.choices)
    units = models.ManyToManyField(PartnerUnit, verbose_name=_("units involved"), related_name="projects")
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    outcomes = models.TextField(_("outcomes"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org()

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class Agreement(models.Model):
    """A co-building agreement between a unit and a community (共建协议)."""

    unit = models.ForeignKey(PartnerUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="agreements")
    organization = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="cobuilding_agreements")
    signed_on = models.DateField(_("signed on"))
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    terms = models.TextField(_("terms"))

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["term_end", "id"]

    def __str__(self):
        return f"{self.unit.name} {self.term_start}–{self.term_end}"

    def expiring(self, today: datetime.date) -> bool:
        """In force and ending within 30 days."""
        return today <= self.term_end <= today + datetime.timedelta(days=EXPIRING_DAYS)

    def expired(self, today: datetime.date) -> bool:
        return self.term_end < today


class Brand(models.Model):
    """A community's brand (一居一品): its name, slogan and what it has achieved."""

    organization = models.OneToOneField(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                        related_name="brand")
    name = models.CharField(_("brand name"), max_length=100)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_org()

    class Meta:
        verbose_name = _("community brand")
        verbose_name_plural = _("community brands")

    def __str__(self):
        return self.name


class BrandActivity(models.Model):
    """A dated activity under a brand, with its outcome, optionally a joint project's."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    outcome = models.TextField(_("outcome"), blank=True)
    project = models.ForeignKey(JointProject, verbose_name=_("joint project"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="brand_activities")

    class Meta:
        verbose_name = _("brand activity")
        verbose_name_plural = _("brand activities")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title
