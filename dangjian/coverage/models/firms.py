"""Firms and social organizations (两新组织): the register, door-to-door surveys, the units joint
organizations cover, and the people assigned to firms with their contact logs.

A firm's coverage (own organization, joint one, instructor or liaison only, none) is never
stored: ``selectors.with_coverage`` computes it from the org tree (``Organization.unit`` and
its dated versions), :class:`JointUnit` periods and :class:`Assignment` terms.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.members.models import Member
from dangjian.organizations.models import Organization, Unit, organizations_in

from ..choices import AssignmentRole, FirmSize, FirmStatus, Industry
from .scope import of_org


class FirmQuerySet(RestrictedQuerySet):
    pass


class Firm(models.Model):
    """A private firm (非公企业) or social organization (社会组织) in an area: the register entry.

    Name, kind (``private_enterprise`` or ``social_organization``), credit code and address are
    those of its :class:`Unit`, the same unit a Party organization formed in the firm names, so
    the org tree and the register meet there. ``area_organization`` is the community or
    sub-district organization that looks after it by area (属地管理); ``sector_organization`` the
    Party organization of the department in charge of its trade (行业管理), for dual management.
    """

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="firm")
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=FirmSize.choices, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    area_organization = models.ForeignKey(Organization, verbose_name=_("organization in charge by area"),
                                          on_delete=models.PROTECT, related_name="area_firms")
    sector_organization = models.ForeignKey(
        Organization, verbose_name=_("organization in charge by sector"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sector_firms")
    building = models.ForeignKey("coverage.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tenants")
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    status = models.CharField(_("operating status"), max_length=16, choices=FirmStatus.choices,
                              default=FirmStatus.OPERATING)
    closed_on = models.DateField(_("closed or moved out on"), null=True, blank=True)
    is_key = models.BooleanField(_("key firm"), default=False,
                                 help_text=_("A key firm (重点企业) is contacted by a leader."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm or social organization")
        verbose_name_plural = _("firms and social organizations")
        ordering = ["unit__name", "id"]
        indexes = [models.Index(fields=["area_organization", "status"]), models.Index(fields=["building", "floor"])]

    def __str__(self):
        return self.unit.name

    @property
    def name(self):
        return self.unit.name

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Firms whose area or sector organization lies in the scope, or whose own Party
        organization does (its secretary sees the firm)."""
        if not scope.paths:
            return Q(pk__in=[])
        orgs = organizations_in(scope, action)
        return (Q(area_organization__in=orgs) | Q(sector_organization__in=orgs)
                | Q(unit__in=Organization.objects.filter(pk__in=orgs, unit__isnull=False).values("unit")))


class FirmSurvey(models.Model):
    """A door-to-door survey visit to a firm (走访摸底): what was found there on that day."""

    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("surveyed on"))
    surveyor = models.CharField(_("surveyed by"), max_length=50)
    status_found = models.CharField(_("status found"), max_length=16, choices=FirmStatus.choices,
                                    default=FirmStatus.OPERATING)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    members_reported = models.PositiveIntegerField(
        _("Party members reported"), null=True, blank=True,
        help_text=_("Members the firm says work there, wherever their relation is kept; compared with the roster."))
    has_union = models.BooleanField(_("has a trade union"), default=False)
    has_youth_league = models.BooleanField(_("has a Youth League organization"), default=False)
    wants_organization = models.BooleanField(_("willing to form a Party organization"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm survey")
        verbose_name_plural = _("firm surveys")
        ordering = ["-surveyed_on", "-id"]
        indexes = [models.Index(fields=["firm", "surveyed_on"])]

    def __str__(self):
        return f"{self.firm} {self.surveyed_on}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return Q(firm__in=Firm.objects.filter(Firm.scope_filter(scope, action)).values("pk"))


class JointUnit(models.Model):
    """A unit a joint Party organization (联合党支部, or a trade organization) covers, for a period.

    Forming a joint branch (``services.joint_branch_form``) opens one period per firm; a firm that
    later forms its own branch or moves away leaves (``left_on``).
    """

    organization = models.ForeignKey(Organization, verbose_name=_("joint organization"), on_delete=models.PROTECT,
                                     related_name="joint_units")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="joint_periods")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org()

    class Meta:
        verbose_name = _("unit of a joint organization")
        verbose_name_plural = _("units of joint organizations")
        ordering = ["organization", "joined_on", "id"]
        indexes = [models.Index(fields=["unit", "joined_on", "left_on"])]
        constraints = [models.UniqueConstraint(fields=["organization", "unit"], condition=Q(left_on__isnull=True),
                                               name="coverage_joint_unit_open_once")]

    def __str__(self):
        return f"{self.unit} @ {self.organization}"


class Assignment(models.Model):
    """Someone assigned to a firm for a term: an instructor (党建指导员), a liaison (联络员) or a
    contact leader (联系领导). ``appointed_by`` is the organization that appointed them, by area
    or by sector (双重管理). ``member`` links the person's member record where there is one."""

    firm = models.ForeignKey(Firm, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("post"), max_length=100, blank=True, help_text=_("For example 街道党工委副书记."))
    member = models.ForeignKey(Member, verbose_name=_("member record"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="firm_assignments")
    appointed_by = models.ForeignKey(Organization, verbose_name=_("appointed by"), on_delete=models.PROTECT,
                                     related_name="firm_assignments")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    end_note = models.CharField(_("why it ended"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm assignment")
        verbose_name_plural = _("firm assignments")
        ordering = ["firm", "role", "-started_on", "id"]
        indexes = [models.Index(fields=["firm", "role", "started_on", "ended_on"])]

    def __str__(self):
        return f"{self.name} → {self.firm}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Assignments of firms in the scope or made by an organization in it; a member sees the
        assignments they hold themselves (a leader logs their own contacts)."""
        q = Q(pk__in=[])
        if scope.paths:
            q = (Q(firm__in=Firm.objects.filter(Firm.scope_filter(scope, action)).values("pk"))
                 | Q(appointed_by__in=organizations_in(scope, action)))
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q


class ContactLog(models.Model):
    """One contact with a firm by the person assigned to it (联系记录): when, about what, which
    problems the firm raised and whether they were solved."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE,
                                   related_name="contacts")
    contacted_on = models.DateField(_("contacted on"))
    topic = models.CharField(_("topic"), max_length=200)
    problems = models.TextField(_("problems raised"), blank=True)
    solved = models.BooleanField(_("solved"), default=False)
    solution = models.TextField(_("how they were solved"), blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact log")
        verbose_name_plural = _("contact logs")
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["assignment", "contacted_on"])]

    def __str__(self):
        return f"{self.assignment} {self.contacted_on}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return Q(assignment__in=Assignment.objects.filter(Assignment.scope_filter(scope, action)).values("pk"))
