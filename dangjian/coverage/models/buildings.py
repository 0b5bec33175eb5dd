"""Office buildings (楼宇): their floors and tenants, property company, service desk (党建服务咨询站)
with its service records, and the events of the building's firms' association (楼宇企业联谊会).

Tenants are the firms whose ``building`` is this one (with a floor); the joint organizations of a
building are those covering its tenants (``selectors_buildings.building_organizations``), never typed.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization

from ..choices import DeskServiceKind
from .scope import of_org


class Building(models.Model):
    """A commercial office building with tenant firms, looked after by a community or sub-district."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    area_organization = models.ForeignKey(Organization, verbose_name=_("organization in charge by area"),
                                          on_delete=models.PROTECT, related_name="buildings")
    floors_above = models.PositiveSmallIntegerField(_("floors above ground"), default=1)
    floors_below = models.PositiveSmallIntegerField(_("floors below ground"), default=0)
    property_company = models.CharField(_("property company"), max_length=100, blank=True)
    property_contact = models.CharField(_("property contact person"), max_length=50, blank=True)
    property_phone = EncryptedTextField(_("property contact phone"), blank=True)
    property_phone_masked = models.CharField(_("property contact phone"), max_length=20, blank=True, editable=False)
    association_name = models.CharField(_("firms' association"), max_length=100, blank=True,
                                        help_text=_("The building's association of firms (楼宇企业联谊会), if any."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org("area_organization")

    class Meta:
        verbose_name = _("office building")
        verbose_name_plural = _("office buildings")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def floors(self) -> list[int]:
        """Floor numbers from the top down, basement floors as negative numbers."""
        return [*range(self.floors_above, 0, -1), *range(-1, -self.floors_below - 1, -1)]


class ServiceDesk(models.Model):
    """A Party-building service desk (党建服务咨询站) in a building, run by volunteers."""

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.CASCADE,
                                 related_name="desks")
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=100, blank=True, help_text=_("Floor and room."))
    hosts = models.CharField(_("staffed by"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org("building__area_organization")

    class Meta:
        verbose_name = _("service desk")
        verbose_name_plural = _("service desks")
        ordering = ["building", "name", "id"]

    def __str__(self):
        return self.name


class DeskService(models.Model):
    """One service a desk gave (服务记录): to which firm, of what kind, and whether it was settled.
    Only what the service needs is kept: no visitor's personal data."""

    desk = models.ForeignKey(ServiceDesk, verbose_name=_("service desk"), on_delete=models.CASCADE,
                             related_name="services")
    served_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DeskServiceKind.choices)
    firm = models.ForeignKey("coverage.Firm", verbose_name=_("firm"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="desk_services")
    subject = models.CharField(_("subject"), max_length=200)
    resolved = models.BooleanField(_("settled"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org("desk__building__area_organization")

    class Meta:
        verbose_name = _("service desk record")
        verbose_name_plural = _("service desk records")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["desk", "served_on"])]

    def __str__(self):
        return f"{self.desk} {self.served_on} {self.subject}"


class AssociationEvent(models.Model):
    """An event of a building's firms' association (联谊会活动): who took part and what came of it."""

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.CASCADE,
                                 related_name="association_events")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    firms = models.ManyToManyField("coverage.Firm", verbose_name=_("firms taking part"), blank=True,
                                   related_name="association_events")
    attendance = models.PositiveIntegerField(_("people attending"), default=0)
    outcomes = models.TextField(_("outcomes"), blank=True,
                                help_text=_("Problems solved for firms, suggestions, agreements."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org("building__area_organization")

    class Meta:
        verbose_name = _("association event")
        verbose_name_plural = _("association events")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title
