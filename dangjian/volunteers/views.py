"""Pages of volunteering: teams, activities (needs, sign-ups, the leader's check-in/out panel),
my volunteering (sign up, check in with a code on a phone, my hours), hours ledgers and figures."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import can, get_for, has_any_scope, user_scope
from dangjian.core.forms import act, submit
from dangjian.grid.models import ServiceRequest
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from . import selectors, services
from .choices import ActivityStatus, SignUpStatus
from .forms import ActivityForm, CheckinCodeForm, CommendationForm, LeaderStepForm, TeamForm, VolunteerForm
from .models import ActivityNeed, Commendation, SignUp, Volunteer, VolunteerActivity, VolunteerTeam

# What the leader's panel may do to a sign-up (the service checks the table).
LEADER_STEPS = {"check_in": SignUpStatus.CHECKED_IN, "check_out": SignUpStatus.CHECKED_OUT,
                "no_show": SignUpStatus.NO_SHOW, "cancel": SignUpStatus.CANCELLED}


def _year(request):
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _team(request, pk, action="view"):
    team = get_for(request.user, VolunteerTeam.objects.select_related("organization", "leader"), "view", pk=pk)
    if action != "view" and not services.may_lead(request.user, team):
        raise PermissionDenied
    return team


def _activity(request, pk):
    return get_for(request.user, VolunteerActivity.objects.select_related("team__organization", "service_request"),
                   "view", pk=pk)


@login_required
def teams(request):
    team_list = VolunteerTeam.objects.restrict(request.user).select_related("organization", "leader")
    return render(request, "volunteers/teams.html", {
        "nav": "volunteers", "teams": team_list, "can_add": has_any_scope(request.user, "add")})


@login_required
def team_create(request):
    organizations = Organization.objects.restrict(request.user, "add").order_by("path")
    if not organizations.exists():
        raise PermissionDenied
    form = TeamForm(request.POST or None, organizations=organizations, initial={"organization": request.GET.get("org")})
    done = submit(request, form, lambda d: services.team_create(actor=request.user, **d),
                  message=_("Team created."), next_url=lambda t: reverse("volunteers:team", args=[t.pk]))
    return done or render(request, "volunteers/form.html", {
        "nav": "volunteers", "form": form, "title": _("New volunteer team"), "submit": _("Create the team"),
        "back": reverse("volunteers:teams")})


@login_required
def team_detail(request, pk):
    team = _team(request, pk)
    lead = services.may_lead(request.user, team)
    year = _year(request)
    return render(request, "volunteers/team.html", {
        "nav": "volunteers", "team": team, "lead": lead, "year": year,
        "totals": selectors.team_totals(team, year),
        "volunteers": selectors.volunteer_ledger(team.volunteers.filter(active=True), year),
        "activities": team.activities.order_by("-date", "-start_time")[:30],
        "commendations": Commendation.objects.filter(volunteer__team=team).select_related("volunteer")[:20],
        "can_change": can(request.user, "change", team),
    })


@login_required
def volunteer_add(request, pk):
    team = _team(request, pk, "change")
    members = Member.objects.on_roll().filter(organization__path__startswith=team.organization.path).restrict(
        request.user).defer("id_number", "phone", "address").order_by("name")
    form = VolunteerForm(request.POST or None, members=members, initial={"joined_on": timezone.localdate()})

    def add(d):
        return services.volunteer_add(actor=request.user, team=team, name=d["name"], user=d["username"],
                                      member=d["member"], phone=d["phone"], joined_on=d["joined_on"])
    done = submit(request, form, add, message=_("Volunteer added."),
                  next_url=reverse("volunteers:team", args=[team.pk]))
    return done or render(request, "volunteers/form.html", {
        "nav": "volunteers", "form": form, "title": _("Add a volunteer to %(team)s") % {"team": team.name},
        "submit": _("Add"), "back": reverse("volunteers:team", args=[team.pk])})


@login_required
def commend(request, pk):
    team = _team(request, pk)
    if not can(request.user, "change", team):
        raise PermissionDenied
    form = CommendationForm(request.POST or None, volunteers=team.volunteers.defer("phone"),
                            initial={"given_on": timezone.localdate(), "given_by": team.organization.name})
    done = submit(request, form, lambda d: services.commendation_give(actor=request.user, **d),
                  message=_("Commendation recorded."), next_url=reverse("volunteers:team", args=[team.pk]))
    return done or render(request, "volunteers/form.html", {
        "nav": "volunteers", "form": form, "title": _("Commend a volunteer"), "submit": _("Record"),
        "back": reverse("volunteers:team", args=[team.pk])})


@login_required
def activity_create(request, pk):
    team = _team(request, pk, "change")
    requests = ServiceRequest.objects.restrict(request.user).filter(
        organization__path__startswith=team.organization.path).order_by("-id")
    form = ActivityForm(request.POST or None, requests=requests)
    done = submit(request, form, lambda d: services.activity_create(actor=request.user, team=team, **d),
                  message=_("Activity planned."), next_url=lambda a: reverse("volunteers:activity", args=[a.pk]))
    return done or render(request, "volunteers/form.html", {
        "nav": "volunteers", "form": form, "title": _("New activity of %(team)s") % {"team": team.name},
        "submit": _("Plan the activity"), "back": reverse("volunteers:team", args=[team.pk])})


@login_required
def activity_detail(request, pk):
    activity = _activity(request, pk)
    lead = services.may_lead(request.user, activity.team)
    me = Volunteer.objects.filter(team=activity.team, user=request.user, active=True).first()
    signups = list(selectors.activity_signups(activity))
    mine = [s for s in signups if me and s.volunteer_id == me.pk]
    return render(request, "volunteers/activity.html", {
        "nav": "volunteers", "activity": activity, "team": activity.team, "lead": lead, "me": me,
        "needs": selectors.needs_with_counts(activity), "signups": signups,
        "mine": mine[0] if mine else None, "step_form": LeaderStepForm(),
        "open": activity.status == ActivityStatus.PLANNED,
    })


@login_required
@require_POST
def signup(request, pk):
    activity = _activity(request, pk)
    me = Volunteer.objects.filter(team=activity.team, user=request.user, active=True).first()
    if me is None:
        raise PermissionDenied
    try:
        need = ActivityNeed.objects.get(activity=activity, pk=int(request.POST.get("need", "")))
    except (ValueError, ActivityNeed.DoesNotExist):
        raise PermissionDenied from None
    url = reverse("volunteers:activity", args=[activity.pk])
    return act(request, lambda: services.signup_join(actor=request.user, need=need, volunteer=me),
               message=_("Signed up. If the need was full you are on the waiting list."), next_url=url)


@login_required
@require_POST
def signup_step(request, pk):
    """The leader's panel (check in, check out, did not come, cancel), and a volunteer's own cancelling."""
    signup_obj = get_for(request.user, SignUp.objects.select_related("need__activity__team", "volunteer"),
                         "view", pk=pk)
    activity = signup_obj.need.activity
    step = request.POST.get("step", "")
    own = signup_obj.volunteer.user_id == request.user.pk
    if step not in LEADER_STEPS or not (services.may_lead(request.user, activity.team) or (own and step == "cancel")):
        raise PermissionDenied
    form = LeaderStepForm(request.POST)
    at = None
    if form.is_valid() and form.cleaned_data["at"]:
        at = timezone.make_aware(datetime.datetime.combine(activity.date, form.cleaned_data["at"]))
    url = reverse("volunteers:activity", args=[activity.pk])
    return act(request, lambda: services.signup_transition(actor=request.user, signup=signup_obj,
                                                           to=LEADER_STEPS[step], at=at), message=_("Saved."), next_url=url)


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = _activity(request, pk)
    if not services.may_lead(request.user, activity.team):
        raise PermissionDenied
    return act(request, lambda: services.activity_cancel(actor=request.user, activity=activity),
               message=_("Activity cancelled."), next_url=reverse("volunteers:activity", args=[activity.pk]))


@login_required
@require_POST
def activity_close(request, pk):
    activity = _activity(request, pk)
    if not services.may_lead(request.user, activity.team):
        raise PermissionDenied
    return act(request, lambda: services.activity_close(actor=request.user, activity=activity),
               message=_("Activity recorded as held."), next_url=reverse("volunteers:activity", args=[activity.pk]))


@login_required
def mine(request):
    today, year = timezone.localdate(), _year(request)
    return render(request, "volunteers/mine.html", {
        "nav": "volunteers", "signups": selectors.my_signups(request.user)[:50], "year": year,
        "open_activities": selectors.open_activities_for(request.user, today),
        "hours": selectors.my_hours(request.user, year), "total": selectors.my_hours(request.user),
        "form": CheckinCodeForm(),
    })


@login_required
def checkin(request):
    """Check in (or, when in, out) with the activity's six-digit code, on a phone."""
    form = CheckinCodeForm(request.POST or None)

    def step(d):
        return services.checkin_by_code(actor=request.user, code=d["code"])

    def message(s):
        if s.status == SignUpStatus.CHECKED_IN:
            return _("Checked in to %(title)s.") % {"title": s.need.activity.title}
        return _("Checked out: %(hours)s hours.") % {"hours": s.hours}
    done = submit(request, form, step, message=message, next_url=reverse("volunteers:mine"))
    return done or render(request, "volunteers/checkin.html", {"nav": "volunteers", "form": form})


def _chosen_org(request):
    scope = user_scope(request.user, "view")
    if request.GET.get("org"):
        return get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
    if scope.everything:
        org = Organization.objects.filter(depth=1).order_by("path").first()
    else:
        org = Organization.objects.filter(path__in=scope.paths).order_by("path").first()
    if org is None:
        raise PermissionDenied
    return org


@login_required
def figures(request):
    """Hours ledger and figures of an organization's subtree: people, activities held, hours."""
    org = _chosen_org(request)
    if not user_scope(request.user, "view").paths and not user_scope(request.user, "view").everything:
        raise PermissionDenied
    year = _year(request)
    volunteers = selectors.community_volunteers(org).restrict(request.user)
    return render(request, "volunteers/figures.html", {
        "nav": "volunteers", "org": org, "year": year, "figures": selectors.community_figures(org, year),
        "ledger": list(selectors.volunteer_ledger(volunteers, year).filter(hours__gt=0)[:200]),
    })
