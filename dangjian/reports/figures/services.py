"""Figures of serving residents and members for a subtree: small wishes (微心愿), pairings (结对帮扶),
Party-and-public service centres (党群服务中心), care of members in hardship and care visits (关怀慰问),
and co-building with units in the area (共驻共建).

Stocks are read on the day from the records' own dates (a pairing from its start to its end, a
hardship case from its registration to its closing, a partner unit from its registration while it
is still active); flows count from the first of the year to the day. One aggregate query per kind
of record, whatever the size of the subtree.
"""
from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from dangjian.care.choices import CaseStatus
from dangjian.care.models import CareVisit, HardshipCase, SupportRecord
from dangjian.centres.choices import BookingStatus, CentreKind
from dangjian.centres.models import Booking, ServiceCentre, ServiceRecord
from dangjian.cobuilding.choices import ProjectArea
from dangjian.cobuilding.models import JointProject, MemberRegistration, PartnerUnit
from dangjian.pairings.models import Pairing, PairingVisit
from dangjian.wishes.models import Wish

from .base import Figure, Scope, Section, as_money, valid_on
from .links import with_params


def _days(scope: Scope, field: str) -> Q:
    return Q(**{f"{field}__gte": scope.year_start, f"{field}__lte": scope.on})


def wishes(scope: Scope) -> dict:
    start, end = scope.span()
    return Wish.objects.filter(scope.org_q()).aggregate(
        submitted=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        fulfilled=Count("pk", filter=Q(fulfilled_at__gte=start, fulfilled_at__lt=end)),
    )


def pairings(scope: Scope) -> dict:
    active = Pairing.objects.filter(scope.org_q(), valid_on(scope.on, "started_on", "ended_on")).count()
    visits = PairingVisit.objects.filter(scope.org_q("pairing__organization"), _days(scope, "visited_on")).aggregate(
        visits=Count("pk"), money=Sum("amount"))
    return {"active": active, "visits": visits["visits"], "money_given": as_money(visits["money"])}


def centres(scope: Scope) -> dict:
    by_kind = dict(
        ServiceCentre.objects.filter(scope.org_q(), active=True, created_at__lt=scope.span()[1])
        .values_list("kind").annotate(n=Count("pk")).order_by()
    )
    records = ServiceRecord.objects.filter(scope.org_q("centre__organization"), _days(scope, "served_on")).count()
    bookings = Booking.objects.filter(scope.org_q("item__centre__organization"), _days(scope, "day")).aggregate(
        booked=Count("pk", filter=~Q(status=BookingStatus.CANCELLED)),
        attended=Count("pk", filter=Q(status=BookingStatus.ATTENDED)),
    )
    return {
        "total": sum(by_kind.values()),
        "by_kind": {code: by_kind.get(code, 0) for code in CentreKind.values},
        "service_records": records,
        "bookings": bookings["booked"],
        "bookings_attended": bookings["attended"],
    }


def care(scope: Scope) -> dict:
    cases = HardshipCase.objects.filter(scope.org_q("member__organization")).aggregate(
        open=Count("pk", filter=valid_on(scope.on, "opened_on", "closed_on")),
        opened=Count("pk", filter=_days(scope, "opened_on")),
        closed=Count("pk", filter=_days(scope, "closed_on")),
    )
    visits = CareVisit.objects.filter(scope.org_q("member__organization"), year=scope.year,
                                      visited_on__lte=scope.on).count()
    support = SupportRecord.objects.filter(scope.org_q("case__member__organization"),
                                           _days(scope, "given_on")).aggregate(n=Count("pk"), money=Sum("amount"))
    return {
        "hardship_open": cases["open"],
        "hardship_opened": cases["opened"],
        "hardship_closed": cases["closed"],
        "support_given": support["n"],
        "support_money": as_money(support["money"]),
        "visits": visits,
    }


def cobuilding(scope: Scope) -> dict:
    units = PartnerUnit.objects.filter(scope.org_q(), active=True, registered_on__lte=scope.on).count()
    registrations = MemberRegistration.objects.filter(scope.org_q(), registered_on__lte=scope.on).count()
    ongoing = (Q(starts_on__lte=scope.on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=scope.on)))
    projects = dict(
        JointProject.objects.filter(scope.org_q()).filter(ongoing)
        .values_list("area").annotate(n=Count("pk")).order_by()
    )
    return {
        "partner_units": units,
        "member_registrations": registrations,
        "projects": sum(projects.values()),
        "projects_by_area": {code: projects.get(code, 0) for code in ProjectArea.values},
    }


def compute(scope: Scope) -> dict:
    return {
        "wishes": wishes(scope),
        "pairings": pairings(scope),
        "centres": centres(scope),
        "care": care(scope),
        "cobuilding": cobuilding(scope),
    }


def _hardship_link(scope: Scope, key: str = "") -> str:
    return with_params("care:register", org=scope.root.pk, status=CaseStatus.OPEN)


def _visits_link(scope: Scope, key: str = "") -> str:
    return with_params("care:visits", org=scope.root.pk, year=scope.year)


SECTION = Section(
    code="services",
    label=_("Services to residents and members"),
    compute=compute,
    figures=[
        Figure("wishes.submitted", _("Small wishes submitted"),
               _("Small wishes (微心愿) filed with the subtree's communities from the first of the year to the day, "
                 "whatever became of them."), _("Wishes.")),
        Figure("wishes.fulfilled", _("Small wishes fulfilled"),
               _("Wishes of the subtree's communities marked fulfilled from the first of the year to the day."),
               _("Wishes.")),
        Figure("pairings.active", _("Pairings in force"),
               _("Pairings of members or units with households in need (结对帮扶) of the subtree's organizations "
                 "that had started and not ended on the day."), _("Pairings.")),
        Figure("pairings.visits", _("Pairing visits"),
               _("Visits recorded for those organizations' pairings from the first of the year to the day."),
               _("Pairing visits.")),
        Figure("pairings.money_given", _("Money given in pairing visits"),
               _("Money recorded with those visits."), _("Pairing visits."), unit="yuan"),
        Figure("centres.total", _("Service centres and stations"),
               _("Active Party-and-public service centres and stations of the subtree's organizations, set up by "
                 "the end of the day."), _("Service centres.")),
        Figure("centres.by_kind", _("Service centres by kind"), _("The same, centres and stations apart."),
               _("Service centres."), keys=lambda: dict(CentreKind.choices)),
        Figure("centres.service_records", _("Services recorded at centres"),
               _("Services the centres' staff recorded (bookings and walk-in visitors) from the first of the year "
                 "to the day."), _("Service records.")),
        Figure("centres.bookings", _("Bookings at centres"),
               _("Residents' bookings for days from the first of the year to the day, not cancelled."),
               _("Bookings.")),
        Figure("centres.bookings_attended", _("Bookings attended"), _("Of those bookings, those attended."),
               _("Bookings.")),
        Figure("care.hardship_open", _("Members in hardship being helped"),
               _("Hardship cases of members of the subtree's organizations registered by the day and not closed "
                 "then (the member's organization as recorded now)."), _("Hardship cases."),
               records=_hardship_link),
        Figure("care.hardship_opened", _("Hardship cases registered"),
               _("Hardship cases registered from the first of the year to the day."), _("Hardship cases.")),
        Figure("care.hardship_closed", _("Hardship cases closed"),
               _("Hardship cases closed from the first of the year to the day."), _("Hardship cases.")),
        Figure("care.support_given", _("Support given"),
               _("Support records (money, goods, visits, services) of those members' cases from the first of the "
                 "year to the day."), _("Support records.")),
        Figure("care.support_money", _("Money given in support"), _("Money recorded with that support."),
               _("Support records."), unit="yuan"),
        Figure("care.visits", _("Care visits"),
               _("Care visits (慰问) to members of the subtree for the occasions of the year, made by the day."),
               _("Care visits."), records=_visits_link),
        Figure("cobuilding.partner_units", _("Co-building units"),
               _("Active units in the area registered with the subtree's organizations by the day (驻区单位)."),
               _("Partner units.")),
        Figure("cobuilding.member_registrations", _("Members registered in their community"),
               _("Members registered with the subtree's communities by the day (双报到)."),
               _("Member registrations.")),
        Figure("cobuilding.projects", _("Joint projects under way"),
               _("Joint projects of the subtree's communities whose period (start to end) holds the day."),
               _("Joint projects.")),
        Figure("cobuilding.projects_by_area", _("Joint projects by area"),
               _("The same projects by the link of co-building they serve (六联)."), _("Joint projects."),
               keys=lambda: dict(ProjectArea.choices)),
    ],
)
