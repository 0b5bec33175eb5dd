"""Party-and-people service centres (党群服务中心/站): centres and stations, their catalogue of
services, residents' bookings, service records and the days Party representatives receive visitors.

Staff pages are scoped by the centre's organization subtree; the public catalogue shows centres,
opening hours, services and representative days only (never a booking or a resident).
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization, organizations_in

from .choices import WEEKDAYS, BookingStatus, CentreKind, Outcome


def _of_centre(prefix: str):
    def scope_filter(cls, scope, action) -> Q:
        if not scope.paths:
            return Q(pk__in=[])
        return Q(**{f"{prefix}organization__in": organizations_in(scope, action)})
    return classmethod(scope_filter)


class ServiceCentre(models.Model):
    """A service centre (sub-district) or station (community) where residents get help."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=CentreKind.choices, default=CentreKind.STATION)
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="service_centres")
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("office phone"), max_length=30, blank=True,
                             help_text=_("The public office phone, never a personal number."))
    open_days = models.CharField(_("open days"), max_length=20, default="0,1,2,3,4",
                                 help_text=_("Weekdays open, 0 = Monday."))
    opens = models.TimeField(_("opens at"), default=datetime.time(9))
    closes = models.TimeField(_("closes at"), default=datetime.time(17))
    hours_note = models.CharField(_("note on opening hours"), max_length=200, blank=True)
    coverage = models.ManyToManyField(Organization, verbose_name=_("serves"), blank=True, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("")

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["kind", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def day_numbers(self) -> list[int]:
        return [int(d) for d in self.open_days.split(",") if d.strip().isdigit()]

    @property
    def days_display(self) -> str:
        labels = dict(WEEKDAYS)
        return "、".join(str(labels[d]) for d in self.day_numbers if d in labels)

    def is_open_on(self, day: datetime.date) -> bool:
        return day.weekday() in self.day_numbers


class ServiceItem(models.Model):
    """One service of a centre's catalogue: legal advice, dispute mediation, job referral…"""

    centre = models.ForeignKey(ServiceCentre, verbose_name=_("centre"), on_delete=models.CASCADE,
                               related_name="items")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    duration = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    needs_booking = models.BooleanField(_("needs booking"), default=True)
    capacity = models.PositiveSmallIntegerField(_("people per slot"), default=1)
    needs_phone = models.BooleanField(_("asks for a contact phone"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("centre__")

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["centre", "name", "id"]

    def __str__(self):
        return self.name


class Booking(models.Model):
    """A resident's booking of a service at a slot. Changes state only through ``booking_step``."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service"), on_delete=models.PROTECT,
                             related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), on_delete=models.PROTECT,
                             related_name="centre_bookings")
    day = models.DateField(_("date"))
    start = models.TimeField(_("time"))
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    note = models.CharField(_("what it is about"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("item__centre__")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["day", "start", "id"]
        indexes = [models.Index(fields=["item", "day", "start", "status"])]

    def __str__(self):
        return f"{self.item} {self.day} {self.start:%H:%M}"

    @property
    def centre(self):
        return self.item.centre


class BookingLog(models.Model):
    """One transition of a booking: who, when, from, to, note."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="logs")
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=BookingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ServiceRecord(models.Model):
    """What staff did for a booking or a walk-in visitor."""

    centre = models.ForeignKey(ServiceCentre, verbose_name=_("centre"), on_delete=models.CASCADE,
                               related_name="records")
    item = models.ForeignKey(ServiceItem, verbose_name=_("service"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="records")
    booking = models.OneToOneField(Booking, verbose_name=_("booking"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="record")
    served_on = models.DateField(_("date"))
    handled_by = models.CharField(_("handled by"), max_length=100)
    summary = models.TextField(_("what was done"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RESOLVED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("centre__")

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-id"]

    def __str__(self):
        return f"{self.served_on} {self.summary[:20]}"

    @property
    def walk_in(self) -> bool:
        return self.booking_id is None


class RepresentativeDay(models.Model):
    """A day a Party representative (党代表) receives residents at a centre (党代表接访日)."""

    centre = models.ForeignKey(ServiceCentre, verbose_name=_("centre"), on_delete=models.CASCADE,
                               related_name="representative_days")
    day = models.DateField(_("date"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    delegate_name = models.CharField(_("representative"), max_length=50)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("centre__")

    class Meta:
        verbose_name = _("representative day")
        verbose_name_plural = _("representative days")
        ordering = ["day", "starts", "id"]

    def __str__(self):
        return f"{self.delegate_name} {self.day}"


class RepresentativeVisit(models.Model):
    """A visit received on a representative day: the matter raised and the response (no visitor's data)."""

    day = models.ForeignKey(RepresentativeDay, verbose_name=_("representative day"), on_delete=models.CASCADE,
                            related_name="visits")
    matter = models.TextField(_("matter raised"))
    response = models.TextField(_("response"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = _of_centre("day__centre__")

    class Meta:
        verbose_name = _("representative visit")
        verbose_name_plural = _("representative visits")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.matter[:30]
