"""Writes of volunteering: teams, volunteers, activities and their needs, sign-ups (one
transition service over an explicit table, a log row per change) and commendations.

Hours: a sign-up's scheduled hours are its need's window; its completed hours are the time from
check-in to check-out, rounded to the nearest half hour and capped at the window plus one hour.
"""
import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.access import can
from dangjian.core.audit import audit_log

from .choices import HOLDS_PLACE, SIGNUP_TRANSITIONS, ActivityStatus, SignUpStatus, TeamKind
from .models import (
    ActivityNeed,
    Commendation,
    SignUp,
    SignUpTransition,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)

HALF = Decimal("0.5")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def may_lead(user, team: VolunteerTeam) -> bool:
    """Whether ``user`` may run the team's activities: its leader, or whoever may change it."""
    return bool(getattr(user, "pk", None)) and (team.leader_id == user.pk or can(user, "change", team))


def window_hours(start: datetime.time, end: datetime.time) -> Decimal:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def completed_hours(need: ActivityNeed, checked_in_at: datetime.datetime, checked_out_at: datetime.datetime) -> Decimal:
    """Check-in to check-out, rounded to the nearest half hour, capped at the need's window + 1 h."""
    seconds = max((checked_out_at - checked_in_at).total_seconds(), 0)
    halves = (Decimal(seconds) / 1800).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    cap = window_hours(need.start_time, need.end_time) + 1
    return min(halves * HALF, cap)


# Teams and volunteers ------------------------------------------------------------------------

def _clean(value: str) -> str:
    return (value or "").strip()


def team_create(*, actor, organization, name: str, kind: str = TeamKind.SERVICE, leader=None,
                description: str = "") -> VolunteerTeam:
    if not _clean(name):
        raise ValidationError({"name": _("Give the team a name.")})
    if kind not in TeamKind.values:
        raise ValidationError({"kind": _("Choose the kind of team.")})
    with transaction.atomic():
        team = VolunteerTeam.objects.create(organization=organization, name=_clean(name), kind=kind, leader=leader,
                                            description=_clean(description))
        audit_log(actor=actor, action="volunteer_team.created", obj=team, organization=organization,
                  changes={"name": team.name, "kind": kind, "leader": str(leader or "")})
    return team


def volunteer_add(*, actor, team: VolunteerTeam, name: str = "", user=None, member=None, phone: str = "",
                  joined_on: datetime.date | None = None) -> Volunteer:
    """Put a person on a team: an account, a member record, or a name (with an optional phone)."""
    name = _clean(name) or (member.name if member else "") or (user.get_full_name() or user.get_username() if user
                                                                 else "")
    if not name:
        raise ValidationError({"name": _("Enter the volunteer's name.")})
    phone = _clean(phone)
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
        raise ValidationError({"phone": _("Enter a phone number of 7 to 15 digits.")})
    if member is not None and user is None and member.user_id:
        user = member.user
    if user is not None and team.volunteers.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the team.")})
    if member is not None and team.volunteers.filter(member=member).exists():
        raise ValidationError({"member": _("This member is already on the team.")})
    with transaction.atomic():
        volunteer = Volunteer.objects.create(team=team, user=user, member=member, name=name, phone=phone,
                                             phone_masked=pii.mask_phone(phone), joined_on=joined_on or
                                             timezone.localdate())
        audit_log(actor=actor, action="volunteer.added", obj=volunteer, organization=team.organization,
                  changes={"team": team.name, "name": name, "phone": volunteer.phone_masked})
    return volunteer


def commendation_give(*, actor, volunteer: Volunteer, reason: str, given_on: datetime.date,
                      given_by: str) -> Commendation:
    if not _clean(reason):
        raise ValidationError({"reason": _("Say what the volunteer is commended for.")})
    if not _clean(given_by):
        raise ValidationError({"given_by": _("Say who gives the commendation.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        commendation = Commendation.objects.create(volunteer=volunteer, reason=_clean(reason), given_on=given_on,
                                                   given_by=_clean(given_by), recorded_by=_user(actor))
        audit_log(actor=actor, action="volunteer.commended", obj=volunteer, organization=volunteer.team.organization,
                  changes={"reason": commendation.reason, "given_on": given_on})
    return commendation


# Activities ----------------------------------------------------------------------------------

def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def activity_create(*, actor, team: VolunteerTeam, title: str, place: str, date: datetime.date,
                    start_time: datetime.time, end_time: datetime.time, needs: list[dict], description: str = "",
                    service_request=None) -> VolunteerActivity:
    """Plan an activity with its needs (each a dict of role, start_time, end_time, quantity)."""
    if not _clean(title):
        raise ValidationError({"title": _("Give the activity a title.")})
    if not _clean(place):
        raise ValidationError({"place": _("Say where the activity takes place.")})
    if end_time <= start_time:
        raise ValidationError({"end_time": _("The activity must end after it starts.")})
    if not needs:
        raise ValidationError({"needs": _("Say what volunteers are needed: at least one role.")})
    for need in needs:
        if not _clean(need.get("role")):
            raise ValidationError({"needs": _("Every need has a role.")})
        if not (start_time <= need["start_time"] < need["end_time"] <= end_time):
            raise ValidationError({"needs": _("A need's time window must lie within the activity's hours.")})
        if not need.get("quantity") or need["quantity"] < 1:
            raise ValidationError({"needs": _("Every need asks for at least one volunteer.")})
    if service_request is not None and not (service_request.organization.path.startswith(team.organization.path)
                                            or team.organization.path.startswith(service_request.organization.path)):
        raise ValidationError({"service_request": _("The request is not from the team's area.")})
    with transaction.atomic():
        activity = VolunteerActivity.objects.create(
            team=team, title=_clean(title), place=_clean(place), date=date, start_time=start_time, end_time=end_time,
            description=_clean(description), service_request=service_request, checkin_code=new_checkin_code(),
            created_by=_user(actor))
        ActivityNeed.objects.bulk_create([
            ActivityNeed(activity=activity, role=_clean(n["role"]), start_time=n["start_time"], end_time=n["end_time"],
                         quantity=n["quantity"]) for n in needs])
        audit_log(actor=actor, action="volunteer_activity.created", obj=activity, organization=team.organization,
                  changes={"title": activity.title, "date": date, "needs": len(needs)})
    return activity


def activity_cancel(*, actor, activity: VolunteerActivity, note: str = "") -> VolunteerActivity:
    """Cancel a planned activity; its open sign-ups are cancelled with it."""
    if activity.status != ActivityStatus.PLANNED:
        raise ValidationError(_("Only a planned activity can be cancelled."))
    if SignUp.objects.filter(need__activity=activity, status__in=[SignUpStatus.CHECKED_IN,
                                                                  SignUpStatus.CHECKED_OUT]).exists():
        raise ValidationError(_("Volunteers have already checked in: the activity took place."))
    with transaction.atomic():
        for signup in SignUp.objects.filter(need__activity=activity,
                                            status__in=[SignUpStatus.SIGNED_UP, SignUpStatus.WAITING]):
            _move(signup, SignUpStatus.CANCELLED, actor=actor, note=_("The activity was cancelled."))
        _set_activity_status(actor, activity, ActivityStatus.CANCELLED, note)
    return activity


def activity_close(*, actor, activity: VolunteerActivity) -> VolunteerActivity:
    """Record that the activity was held: those signed up who never checked in did not come."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("The activity was cancelled."))
    if SignUp.objects.filter(need__activity=activity, status=SignUpStatus.CHECKED_IN).exists():
        raise ValidationError(_("Check out everyone still checked in first."))
    with transaction.atomic():
        for signup in SignUp.objects.filter(need__activity=activity, status=SignUpStatus.SIGNED_UP):
            _move(signup, SignUpStatus.NO_SHOW, actor=actor)
        for signup in SignUp.objects.filter(need__activity=activity, status=SignUpStatus.WAITING):
            _move(signup, SignUpStatus.CANCELLED, actor=actor, note=_("The activity is over."))
        if activity.status != ActivityStatus.HELD:
            _set_activity_status(actor, activity, ActivityStatus.HELD, "")
    return activity


def _set_activity_status(actor, activity, status, note):
    old = activity.status
    activity.status = status
    activity.save(update_fields=["status"])
    audit_log(actor=actor, action="volunteer_activity.status_changed", obj=activity,
              organization=activity.team.organization, changes={"status": [old, status]}, note=note)


# Sign-ups ------------------------------------------------------------------------------------

def _move(signup: SignUp, to: str, *, actor, note: str = "", at: datetime.datetime | None = None) -> SignUp:
    """The one place a sign-up's status changes: checks the table, writes the log row."""
    if to not in SIGNUP_TRANSITIONS.get(signup.status, ()):
        raise ValidationError(_("A sign-up that is “%(from)s” cannot become “%(to)s”.") % {
            "from": SignUpStatus(signup.status).label, "to": SignUpStatus(to).label})
    old, at = signup.status, at or timezone.now()
    signup.status = to
    fields = ["status"]
    if to == SignUpStatus.CHECKED_IN:
        signup.checked_in_at, signup.checked_out_at, signup.hours = at, None, Decimal(0)
        fields += ["checked_in_at", "checked_out_at", "hours"]
    elif to == SignUpStatus.CHECKED_OUT:
        if at < signup.checked_in_at:
            raise ValidationError({"at": _("Check-out cannot come before check-in.")})
        signup.checked_out_at, signup.hours = at, completed_hours(signup.need, signup.checked_in_at, at)
        fields += ["checked_out_at", "hours"]
    elif to in (SignUpStatus.SIGNED_UP, SignUpStatus.WAITING) and old == SignUpStatus.CANCELLED:
        signup.queued_at = at
        fields.append("queued_at")
    signup.save(update_fields=fields)
    SignUpTransition.objects.create(signup=signup, from_status=old, to_status=to, actor=_user(actor), at=at,
                                    note=note[:200])
    return signup


def _lock_need(need: ActivityNeed) -> ActivityNeed:
    return ActivityNeed.objects.select_for_update().select_related("activity__team__organization").get(pk=need.pk)


def _promote(need: ActivityNeed, actor) -> None:
    """Give freed places to the waiting list, first come first served."""
    free = need.quantity - need.signups.filter(status__in=HOLDS_PLACE).count()
    for signup in need.signups.filter(status=SignUpStatus.WAITING).order_by("queued_at", "id")[:max(free, 0)]:
        _move(signup, SignUpStatus.SIGNED_UP, actor=actor, note=_("Promoted from the waiting list."))


def signup_join(*, actor, need: ActivityNeed, volunteer: Volunteer) -> SignUp:
    """Sign a volunteer up for a need; when the need is full they go on its waiting list."""
    activity = need.activity
    if activity.status != ActivityStatus.PLANNED:
        raise ValidationError(_("Sign-up is open only for planned activities."))
    if volunteer.team_id != activity.team_id or not volunteer.active:
        raise ValidationError({"volunteer": _("Only active volunteers of the team can sign up.")})
    with transaction.atomic():
        need = _lock_need(need)
        taken = need.signups.filter(status__in=HOLDS_PLACE).count()
        to = SignUpStatus.SIGNED_UP if taken < need.quantity else SignUpStatus.WAITING
        signup = SignUp.objects.filter(need=need, volunteer=volunteer).first()
        other = SignUp.objects.filter(need__activity=activity, volunteer=volunteer).exclude(
            status=SignUpStatus.CANCELLED).exclude(need=need).first()
        if other:
            raise ValidationError(_("You are already signed up for this activity as %(role)s.") % {
                "role": other.need.role})
        if signup is None:
            signup = SignUp.objects.create(need=need, volunteer=volunteer, status=to, queued_at=timezone.now())
            SignUpTransition.objects.create(signup=signup, from_status="", to_status=to, actor=_user(actor),
                                            at=signup.queued_at)
        elif signup.status == SignUpStatus.CANCELLED:
            _move(signup, to, actor=actor)
        else:
            raise ValidationError(_("Already signed up for this need."))
        audit_log(actor=actor, action="volunteer_signup.changed", obj=signup, organization=activity.team.organization,
                  changes={"status": ["", to], "volunteer": volunteer.name})
    return signup


def signup_transition(*, actor, signup: SignUp, to: str, at: datetime.datetime | None = None,
                      note: str = "") -> SignUp:
    """Cancel, check in, check out or mark as not come; a cancelled place goes to the waiting list."""
    activity = signup.need.activity
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("The activity was cancelled."))
    if to in (SignUpStatus.CHECKED_IN, SignUpStatus.CHECKED_OUT, SignUpStatus.NO_SHOW):
        at = at or timezone.now()
        if timezone.localtime(at).date() != activity.date and to != SignUpStatus.NO_SHOW:
            raise ValidationError({"at": _("Check-in and check-out are on the day of the activity (%(date)s).") % {
                "date": activity.date}})
    with transaction.atomic():
        need = _lock_need(signup.need)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        signup.need = need
        old = signup.status
        _move(signup, to, actor=actor, note=note, at=at)
        if old in HOLDS_PLACE and to == SignUpStatus.CANCELLED:
            _promote(need, actor)
        if to == SignUpStatus.CHECKED_IN and activity.status == ActivityStatus.PLANNED:
            _set_activity_status(actor, activity, ActivityStatus.HELD, "")
        audit_log(actor=actor, action="volunteer_signup.changed", obj=signup, organization=activity.team.organization,
                  changes={"status": [old, to], "hours": signup.hours}, note=note)
    return signup


def checkin_by_code(*, actor, code: str, at: datetime.datetime | None = None,
                    activity: VolunteerActivity | None = None) -> SignUp:
    """A volunteer checks in (or, when already in, out) on their phone with the activity's code."""
    code = _clean(code)
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    signups = SignUp.objects.filter(need__activity=activity) if activity is not None else SignUp.objects.all()
    signup = (signups.select_related("need__activity__team", "volunteer")
              .filter(volunteer__user=actor, need__activity__checkin_code=code, need__activity__date=day)
              .exclude(need__activity__status=ActivityStatus.CANCELLED)
              .filter(status__in=[SignUpStatus.SIGNED_UP, SignUpStatus.CHECKED_IN, SignUpStatus.NO_SHOW]).first())
    if not code or signup is None:
        raise ValidationError({"code": _("No activity today with this code that you signed up for.")})
    to = SignUpStatus.CHECKED_OUT if signup.status == SignUpStatus.CHECKED_IN else SignUpStatus.CHECKED_IN
    return signup_transition(actor=actor, signup=signup, to=to, at=at)
