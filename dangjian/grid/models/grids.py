"""Grids (网格), their buildings and households, and the visit log of grid staff."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization

from ..choices import BuildingKind, HouseholdTag, VisitKind
from .scope import GridQuerySet, by_org_or_grid


class Grid(models.Model):
    """A grid of about a hundred households under a community's organization, with its staff
    (grid leader and workers, as role assignments on the grid) and its buildings as boundary."""

    organization = models.ForeignKey(Organization, verbose_name=_("community organization"),
                                     on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    description = models.TextField(_("description"), blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridQuerySet.as_manager()
    scope_filter = by_org_or_grid("organization", "pk")

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Building(models.Model):
    """A building (楼栋) or courtyard inside a grid: the finest location shown in public."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True,
                               help_text=_("Street address of the building; public, never a household's."))
    kind = models.CharField(_("kind"), max_length=16, choices=BuildingKind.choices, default=BuildingKind.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = GridQuerySet.as_manager()
    scope_filter = by_org_or_grid("grid__organization", "grid")

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="building_name_unique")]

    def __str__(self):
        return self.name


def encode_tags(tags) -> str:
    """Tags stored as ``,elderly_alone,disabled,`` (filterable with ``contains`` everywhere)."""
    ordered = [t for t in HouseholdTag.values if t in set(tags or ())]
    return f",{','.join(ordered)}," if ordered else ""


def decode_tags(value: str) -> list[str]:
    return [t for t in (value or "").split(",") if t]


class Household(models.Model):
    """A household (户) of a building, with the least a service needs: where it is inside the
    building, how many live there, whom to contact (phone encrypted, shown masked) and the tags
    a service needs. Reading a tagged household is logged."""

    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="households")
    room = models.CharField(_("unit and room"), max_length=50, help_text=_("For example 2-301."))
    size = models.PositiveSmallIntegerField(_("people"), default=1)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    tags = models.CharField(_("tags"), max_length=200, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("living here"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridQuerySet.as_manager()
    scope_filter = by_org_or_grid("building__grid__organization", "building__grid")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "room"], name="household_room_unique")]

    def __str__(self):
        return f"{self.building.name} {self.room}"

    @property
    def tag_list(self) -> list[str]:
        return decode_tags(self.tags)

    def get_tags_display(self) -> list[str]:
        labels = dict(HouseholdTag.choices)
        return [str(labels[t]) for t in self.tag_list if t in labels]


class GridVisit(models.Model):
    """A visit or patrol by grid staff (走访/巡查): a household, a building or the grid at large."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="visits")
    building = models.ForeignKey(Building, verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default=VisitKind.DOOR)
    visited_on = models.DateField(_("date"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True,
                                on_delete=models.SET_NULL, related_name="grid_visits")
    visitor_name = models.CharField(_("visitor"), max_length=50)
    note = models.TextField(_("what was found"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = GridQuerySet.as_manager()
    scope_filter = by_org_or_grid("grid__organization", "grid")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["grid", "visited_on"])]

    def __str__(self):
        return f"{self.visited_on} {self.visitor_name}"
