"""Volunteering (志愿服务): volunteer teams, their volunteers, activities with needs, sign-ups
and their check-in/out, and commendations.

Service hours are never typed: a sign-up's hours are worked out by the services when the
volunteer checks out, from the check-in and check-out times (see ``services.completed_hours``).

Seen by those whose subtree holds the team's organization, and personally by the team's leader
and its volunteers (their own team and its activities).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet, user_scope
from dangjian.core.pii import EncryptedTextField
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, organizations_in

from .choices import ActivityStatus, SignUpStatus, TeamKind


class VolunteerQuerySet(RestrictedQuerySet):
    """Restricted by the organization subtree of the team; for viewing, also the team's leader
    and its active volunteers see their team."""

    team_prefix = ""

    def restrict(self, user, action: str = "view"):
        scope = user_scope(user, action)
        if scope.everything:
            return self
        q = Q(**{f"{self.team_prefix}organization__in": organizations_in(scope, action)}) if scope.paths else Q(pk__in=[])
        if action == "view" and getattr(user, "is_authenticated", False):
            p = self.team_prefix
            q |= Q(**{f"{p}leader": user})
            q |= Q(**{f"{p}pk__in": Volunteer.objects.filter(user=user, active=True).values("team_id")})
        elif not scope.paths:
            return self.none()
        return self.filter(q)


def _queryset(prefix: str):
    return type(f"VolunteerQuerySet_{prefix or 'team'}", (VolunteerQuerySet,), {"team_prefix": prefix})


class VolunteerTeam(models.Model):
    """A volunteer team (志愿服务队) of a community or sub-district organization."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="volunteer_teams")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices, default=TeamKind.SERVICE)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="led_volunteer_teams")
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = _queryset("").as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["organization__path", "name"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A person on a team: a user (member or resident), a member record, or just a name."""

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="volunteers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="volunteerings")
    member = models.ForeignKey(Member, verbose_name=_("Party member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="volunteerings")
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    joined_on = models.DateField(_("joined on"))
    active = models.BooleanField(_("active"), default=True)

    objects = _queryset("team__").as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], condition=Q(user__isnull=False),
                                               name="volunteer_team_user_unique")]

    def __str__(self):
        return self.name


class VolunteerActivity(models.Model):
    """One volunteer activity of a team on one day, with the needs volunteers sign up for."""

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.PROTECT,
                             related_name="activities")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=16, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED)
    checkin_code = models.CharField(_("check-in code"), max_length=6, db_index=True)
    service_request = models.ForeignKey("grid.ServiceRequest", verbose_name=_("resident request it resolves"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="volunteer_activities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = _queryset("team__").as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self):
        return f"{self.date} {self.title}"


class ActivityNeed(models.Model):
    """A role an activity needs filled, for a time window, by so many volunteers."""

    activity = models.ForeignKey(VolunteerActivity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="needs")
    role = models.CharField(_("role"), max_length=50)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    quantity = models.PositiveSmallIntegerField(_("volunteers needed"))

    objects = _queryset("activity__team__").as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["activity", "start_time", "id"]

    def __str__(self):
        return f"{self.role} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class SignUp(models.Model):
    """A volunteer's sign-up for a need; ``status`` changes only through ``services.signup_transition``.
    ``hours`` are worked out at check-out (never typed)."""

    need = models.ForeignKey(ActivityNeed, verbose_name=_("need"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="signups")
    status = models.CharField(_("status"), max_length=16, choices=SignUpStatus.choices)
    queued_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=1, default=0)

    objects = _queryset("need__activity__team__").as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["need", "queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["need", "volunteer"], name="signup_need_volunteer_unique")]
        indexes = [models.Index(fields=["need", "status"])]

    def __str__(self):
        return f"{self.volunteer.name} · {self.need}"


class SignUpTransition(models.Model):
    """One change of a sign-up's status: who, when, from, to, note."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=SignUpStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=SignUpStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sign-up change")
        verbose_name_plural = _("sign-up changes")
        ordering = ["signup", "at", "id"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"


class Commendation(models.Model):
    """A commendation (表彰) of a volunteer: a reason, a date, by whom."""

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE,
                                  related_name="commendations")
    reason = models.CharField(_("reason"), max_length=200)
    given_on = models.DateField(_("date"))
    given_by = models.CharField(_("given by"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = _queryset("volunteer__team__").as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"{self.volunteer.name} {self.reason}"
