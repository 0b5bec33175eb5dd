"""Figures of volunteering (志愿服务) for a subtree: teams and registered volunteers on the day,
activities held, people who served and completed service hours from the first of the year to the day.

Teams and volunteers have no dated history: a team counts from the day it was set up while it is
still active, a volunteer from the day they joined while they are still active. Hours are the
volunteers app's completed hours (``SignUp.hours``, worked out at check-out, never typed) of the
sign-ups checked out of activities dated from the first of the year to the day.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, CharField, Count, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from dangjian.volunteers.choices import ActivityStatus, SignUpStatus, TeamKind
from dangjian.volunteers.models import SignUp, Volunteer, VolunteerActivity, VolunteerTeam

from .base import Figure, Scope, Section
from .links import with_params


def _person():
    """One key per person: their account, else their member record, else the volunteer row."""
    return Case(
        When(volunteer__user__isnull=False, then=Concat(Value("u"), Cast("volunteer__user", CharField()))),
        When(volunteer__member__isnull=False, then=Concat(Value("m"), Cast("volunteer__member", CharField()))),
        default=Concat(Value("v"), Cast("volunteer", CharField())), output_field=CharField(),
    )


def compute(scope: Scope) -> dict:
    teams = dict(
        VolunteerTeam.objects.filter(scope.org_q(), active=True, created_at__lt=scope.span()[1])
        .values_list("kind").annotate(n=Count("pk")).order_by()
    )
    volunteers = Volunteer.objects.filter(scope.org_q("team__organization"), active=True, team__active=True,
                                          joined_on__lte=scope.on).count()
    activities = VolunteerActivity.objects.filter(scope.org_q("team__organization"), status=ActivityStatus.HELD,
                                                  date__gte=scope.year_start, date__lte=scope.on).count()
    done = SignUp.objects.filter(scope.org_q("need__activity__team__organization"), status=SignUpStatus.CHECKED_OUT,
                                 need__activity__date__gte=scope.year_start, need__activity__date__lte=scope.on)
    totals = done.annotate(person=_person()).aggregate(
        hours=Sum("hours", default=Decimal(0)), services=Count("pk"), people=Count("person", distinct=True))
    return {
        "teams": sum(teams.values()),
        "teams_by_kind": {code: teams.get(code, 0) for code in TeamKind.values},
        "volunteers": volunteers,
        "activities_held": activities,
        "services": totals["services"],
        "people_served": totals["people"],
        "hours": str(Decimal(totals["hours"]).quantize(Decimal("0.1"))),
    }


def _figures_link(scope: Scope, key: str = "") -> str:
    return with_params("volunteers:figures", org=scope.root.pk, year=scope.year)


SECTION = Section(
    code="volunteers",
    label=_("Volunteer service"),
    compute=compute,
    figures=[
        Figure("teams", _("Volunteer teams"),
               _("Active volunteer teams of the subtree's organizations, set up by the end of the day."),
               _("Volunteer teams."), records=_figures_link),
        Figure("teams_by_kind", _("Volunteer teams by kind"), _("The same teams by kind."), _("Volunteer teams."),
               keys=lambda: dict(TeamKind.choices)),
        Figure("volunteers", _("Registered volunteers"),
               _("Active volunteers of those teams who joined by the day (a person on two teams counts twice)."),
               _("Volunteers of the teams.")),
        Figure("activities_held", _("Activities held"),
               _("Volunteer activities of the subtree's teams held from the first of the year to the day."),
               _("Volunteer activities."), records=_figures_link),
        Figure("services", _("Services given"),
               _("Sign-ups checked out of those activities (one volunteer serving one need once)."),
               _("Sign-ups and their check-out.")),
        Figure("people_served", _("People who served"),
               _("People with at least one sign-up checked out of those activities (a person on two teams counts "
                 "once)."), _("Sign-ups and their check-out."), records=_figures_link),
        Figure("hours", _("Volunteer service hours"),
               _("Completed hours of the sign-ups checked out of activities held from the first of the year to the "
                 "day, worked out from check-in and check-out times."), _("Sign-ups and their check-out."),
               unit="hours", records=_figures_link),
    ],
)
