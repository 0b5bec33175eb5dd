"""Reads of co-building: lists within the user's scope and the counts derived from them."""
import datetime

from django.db.models import Count, Q

from .choices import BookingStatus
from .models import EXPIRING_DAYS, Agreement, JointProject, MemberRegistration, PartnerUnit, ResourceBooking


def _under(queryset, org, prefix=""):
    return queryset.filter(**{f"{prefix}organization__path__startswith": org.path})


def units_in(user, org):
    return _under(PartnerUnit.objects.restrict(user, "view"), org).defer("contact_phone") \
        .select_related("organization", "party_organization") \
        .annotate(resource_count=Count("resources", distinct=True), project_count=Count("projects", distinct=True))


def registrations_in(user, org):
    return _under(MemberRegistration.objects.restrict(user, "view"), org) \
        .select_related("member", "member__organization", "organization") \
        .defer("member__id_number", "member__phone", "member__address")


def bookings_in(user, org):
    return _under(ResourceBooking.objects.restrict(user, "view"), org, "resource__unit__") \
        .select_related("resource", "resource__unit")


def projects_in(user, org):
    return _under(JointProject.objects.restrict(user, "view"), org).prefetch_related("units")


def agreements_in(user, org):
    return _under(Agreement.objects.restrict(user, "view"), org).select_related("unit", "organization")


def expiring_filter(today: datetime.date) -> Q:
    return Q(term_end__gte=today, term_end__lte=today + datetime.timedelta(days=EXPIRING_DAYS))


def counts(user, org, today: datetime.date) -> dict:
    """Figures of the overview, all derived from the records."""
    units = _under(PartnerUnit.objects.restrict(user, "view"), org)
    agreements = agreements_in(user, org)
    return {
        "units": units.filter(active=True).count(),
        "members": registrations_in(user, org).count(),
        "projects": projects_in(user, org).count(),
        "agreements_in_force": agreements.filter(term_start__lte=today, term_end__gte=today).count(),
        "agreements_expiring": agreements.filter(expiring_filter(today)).count(),
        "bookings_waiting": bookings_in(user, org).filter(status=BookingStatus.REQUESTED).count(),
    }


def counts_by_community(user, org) -> list[dict]:
    """Units and members registered with each community of the subtree."""
    units = dict(_under(PartnerUnit.objects.restrict(user, "view"), org).filter(active=True)
                 .values_list("organization_id").annotate(n=Count("id")))
    members = dict(registrations_in(user, org).values_list("organization_id").annotate(n=Count("id")))
    from dangjian.organizations.models import Organization

    orgs = Organization.objects.filter(pk__in=set(units) | set(members)).order_by("path")
    return [{"org": o, "units": units.get(o.pk, 0), "members": members.get(o.pk, 0)} for o in orgs]
