"""Reads of volunteering. Every figure comes from sign-ups: hours at check-out, never typed."""
from decimal import Decimal

from django.db.models import Count, Q, Sum

from dangjian.members.models import Member

from .choices import HOLDS_PLACE, ActivityStatus, SignUpStatus
from .models import ActivityNeed, SignUp, Volunteer, VolunteerActivity, VolunteerTeam
from .services import window_hours

DONE = SignUpStatus.CHECKED_OUT


def needs_with_counts(activity):
    """The activity's needs with ``taken`` and ``waiting`` counts and their scheduled hours."""
    needs = list(ActivityNeed.objects.filter(activity=activity).annotate(
        taken=Count("signups", filter=Q(signups__status__in=HOLDS_PLACE)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING))))
    for need in needs:
        need.scheduled_hours = window_hours(need.start_time, need.end_time)
        need.full = need.taken >= need.quantity
    return needs


def activity_signups(activity):
    return (SignUp.objects.filter(need__activity=activity).select_related("need", "volunteer")
            .defer("volunteer__phone").order_by("need__start_time", "need_id", "queued_at", "id"))


def scheduled_hours(signup) -> Decimal:
    return window_hours(signup.need.start_time, signup.need.end_time)


def _done(signups, year=None):
    qs = signups.filter(status=DONE)
    return qs.filter(need__activity__date__year=year) if year else qs


def volunteer_ledger(volunteers, year=None):
    """Each volunteer with ``hours`` (completed), ``services`` (activities checked out of) and
    ``scheduled`` (hours of the needs they hold a place on, not cancelled), for a year or all time."""
    date_q = Q(signups__need__activity__date__year=year) if year else Q()
    return (volunteers.defer("phone").select_related("team").annotate(
        hours=Sum("signups__hours", filter=Q(signups__status=DONE) & date_q, default=Decimal(0)),
        services=Count("signups", filter=Q(signups__status=DONE) & date_q),
    ).order_by("-hours", "name", "id"))


def team_totals(team, year=None) -> dict:
    signups = _done(SignUp.objects.filter(need__activity__team=team), year)
    activities = team.activities.filter(status=ActivityStatus.HELD)
    if year:
        activities = activities.filter(date__year=year)
    agg = signups.aggregate(hours=Sum("hours", default=Decimal(0)), services=Count("id"),
                            people=Count("volunteer", distinct=True))
    return {**agg, "activities": activities.count(), "volunteers": team.volunteers.filter(active=True).count()}


def _person_key(row):
    user, member, pk = row
    return ("u", user) if user else ("m", member) if member else ("v", pk)


def community_figures(organization, year=None) -> dict:
    """Figures of the teams of an organization's subtree: people who served (a person on two teams
    counts once), activities held, service hours, teams."""
    teams_q = Q(need__activity__team__organization__path__startswith=organization.path)
    signups = _done(SignUp.objects.filter(teams_q), year)
    # Distinct (account, member, volunteer) in SQL, unsorted: one row per volunteer, not per sign-up.
    people = {_person_key(r) for r in signups.order_by().values_list("volunteer__user", "volunteer__member",
                                                                     "volunteer_id").distinct()}
    activities = VolunteerActivity.objects.filter(team__organization__path__startswith=organization.path,
                                                  status=ActivityStatus.HELD)
    if year:
        activities = activities.filter(date__year=year)
    return {"people": len(people), "activities": activities.count(),
            "hours": signups.aggregate(h=Sum("hours", default=Decimal(0)))["h"], "services": signups.count(),
            "teams": VolunteerTeam.objects.filter(organization__path__startswith=organization.path, active=True).count()}


def community_volunteers(organization):
    return Volunteer.objects.filter(team__organization__path__startswith=organization.path)


def member_service_hours(member: Member, year: int) -> Decimal:
    """A Party member's volunteer hours of a year (for their service record): sign-ups of the
    volunteers that are this member, by record or by account."""
    q = Q(volunteer__member=member)
    if member.user_id:
        q |= Q(volunteer__user_id=member.user_id)
    return _done(SignUp.objects.filter(q), year).aggregate(h=Sum("hours", default=Decimal(0)))["h"]


def my_signups(user):
    return (SignUp.objects.filter(volunteer__user=user).select_related("need__activity__team", "volunteer")
            .defer("volunteer__phone").order_by("-need__activity__date", "-need__start_time"))


def open_activities_for(user, today):
    """Planned activities from today on of the teams the user volunteers on."""
    return (VolunteerActivity.objects.filter(team__volunteers__user=user, team__volunteers__active=True,
                                             status=ActivityStatus.PLANNED, date__gte=today)
            .select_related("team").distinct().order_by("date", "start_time"))


def my_hours(user, year=None) -> Decimal:
    return _done(SignUp.objects.filter(volunteer__user=user), year).aggregate(h=Sum("hours", default=Decimal(0)))["h"]
