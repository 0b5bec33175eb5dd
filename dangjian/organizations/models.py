"""The organization tree (组织体系): organizations, units, dated versions, leadership posts."""
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.core.access import RestrictedQuerySet, path_filter

from .choices import OrgStatus, OrgType, UnitKind


class Unit(models.Model):
    """A workplace or area an organization sits in (所在单位): an organ, firm, village, community…"""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("unit kind"), max_length=32, choices=UnitKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                               name="unit_credit_code_once")]

    def __str__(self):
        return self.name


class OrganizationQuerySet(MP_NodeQuerySet, RestrictedQuerySet):
    pass


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model).order_by("path")


class Organization(MP_Node):
    """A Party organization (党组织): a node of the tree, from a city committee to a Party group.

    The parent, type, status and name are also kept as dated :class:`OrganizationVersion` rows,
    so that the tree of any past day can be shown. Change structure only through the services.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.CharField(_("organization code"), max_length=32, unique=True)
    org_type = models.CharField(_("organization type"), max_length=32, choices=OrgType.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    unit_kind = models.CharField(_("unit kind"), max_length=32, choices=UnitKind.choices)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)

    node_order_by = ["code"]
    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["org_type", "status"]),
            # Subtree prefix queries (path LIKE 'xxx%') use this on PostgreSQL.
            models.Index(fields=["path"], opclasses=["varchar_pattern_ops"], name="org_path_prefix"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def is_active(self):
        return self.status == OrgStatus.ACTIVE

    @property
    def holds_members(self):
        return self.org_type != OrgType.PARTY_GROUP

    @property
    def lineage_paths(self) -> list[str]:
        """The paths of the root, every ancestor and the organization itself, root first (one indexed
        ``path__in`` lookup reaches them all)."""
        return [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]

    @classmethod
    def scope_filter(cls, scope, action):
        q = path_filter(scope)
        if scope.own_org_ids:
            q |= Q(pk__in=scope.own_org_ids)
        return q

    def subtree(self):
        """This organization and everything below it (one indexed prefix query)."""
        return Organization.objects.filter(path__startswith=self.path)


def organizations_in(scope, action):
    """The ids of the organizations a scope reaches, as a subquery for other models' filters."""
    return Organization.objects.filter(Organization.scope_filter(scope, action)).values("pk")


class OrganizationVersion(models.Model):
    """What an organization's parent, type, status and name were from one day to another."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parent = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    org_type = models.CharField(_("organization type"), max_length=32, choices=OrgType.choices)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices)

    class Meta:
        verbose_name = _("organization version")
        verbose_name_plural = _("organization versions")
        ordering = ["organization", "valid_from", "id"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.name} {self.valid_from}–{self.valid_to or ''}"


class PostKind(models.Model):
    """A kind of leadership post (职务): 书记, 副书记, 委员, 党代表, 驻村第一书记, 一肩挑…; kept as data."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=30)
    is_committee = models.BooleanField(
        _("committee seat"), default=True, help_text=_("Counts as a seat of the organization's committee.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("post kind")
        verbose_name_plural = _("post kinds")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class LeadershipPostQuerySet(RestrictedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(term_start__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on))


class LeadershipPost(models.Model):
    """A seat in an organization's leadership team (班子) held by a member for a term (任期)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.ForeignKey(PostKind, verbose_name=_("post"), on_delete=models.PROTECT)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="posts"
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    ended_on = models.DateField(_("left post on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LeadershipPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership post")
        verbose_name_plural = _("leadership posts")
        ordering = ["organization", "kind__order", "term_start"]

    def __str__(self):
        return f"{self.organization} {self.kind} {self.member}"

    @classmethod
    def scope_filter(cls, scope, action):
        return Q(organization__in=organizations_in(scope, action))
