"""Service teams (组团式服务团队) and the request categories they are responsible for."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization

from ..choices import TeamLevel, TeamUnitKind, Urgency
from .scope import GridQuerySet, orgs_reached


class RequestCategory(models.Model):
    """A kind of request (诉求类别), published as an Open311 service (``code`` is the service code).

    ``attributes`` holds the Open311 attribute definitions asked when filing (each a dict with
    ``code``, ``datatype``, ``required``, ``description``, ``order`` and, for lists, ``values``).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=50, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Comma separated."))
    default_urgency = models.CharField(_("default urgency"), max_length=16, choices=Urgency.choices,
                                       default=Urgency.GENERAL)
    attributes = models.JSONField(_("questions asked when filing"), default=list, blank=True)
    public_description = models.BooleanField(
        _("publish what residents wrote"), default=True,
        help_text=_("Show the description in the public Open311 search. Turn off where a description may point "
                    "to a vulnerable person (help for the elderly, disputes)."))
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ServiceTeam(models.Model):
    """A service team at community or sub-district level (社区/街道服务团队), under the organization
    of its community or sub-district, responsible for some request categories. The default team
    of a level takes a request that has bounced too often."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="service_teams")
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=TeamLevel.choices)
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(RequestCategory, verbose_name=_("responsible for"), blank=True,
                                        related_name="teams")
    is_default = models.BooleanField(_("default owner"), default=False,
                                     help_text=_("Takes requests sent back too often at this level."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        ordering = ["organization__path", "level", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        q = Q(pk__in=scope.team_ids)
        if scope.paths:
            q |= Q(organization__in=orgs_reached(scope))
        return q


class TeamMember(models.Model):
    """A person on a service team: from the sub-district, the community or a partner unit
    (police station, school, clinic, city management …). With a user account they see and handle
    the team's requests."""

    team = models.ForeignKey(ServiceTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    unit_kind = models.CharField(_("from"), max_length=16, choices=TeamUnitKind.choices)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    duty = models.CharField(_("duty"), max_length=100, blank=True)
    is_leader = models.BooleanField(_("team leader"), default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="team_memberships")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "-is_leader", "name"]

    def __str__(self):
        return self.name
