"""Small wishes (微心愿): a resident's small wish, reviewed by the community's secretaries,
published on the public board, claimed by a Party member or a partner unit, fulfilled and thanked.

Who sees a wish: those over the community organization (organizers, secretaries, auditors), grid
staff of the wish's building, the wisher, whoever filed it on their behalf and whoever claimed
it, and the Party members under the community while it is on the board (published onwards).
The public board shows a display name (a surname with 女士/先生/某, or "a resident of building
N"), never a full name, a phone number, a room or an account.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet, path_filter, user_scope
from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization

from .choices import MEMBER_STATUSES, Honorific, WishCategory, WishStatus


class WishQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        scope = user_scope(user, action)
        if scope.everything:
            return self
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(self.model.scope_filter_for(user, scope, action))


class Wish(models.Model):
    organization = models.ForeignKey(Organization, verbose_name=_("community organization"),
                                     on_delete=models.PROTECT, related_name="wishes")
    building = models.ForeignKey("grid.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="wishes")
    wisher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("wisher"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="wishes")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="filed_wishes")
    surname = models.CharField(_("surname"), max_length=2, blank=True,
                               help_text=_("Only the surname is kept; leave empty to be shown as a resident of the building."))
    honorific = models.CharField(_("title"), max_length=2, choices=Honorific.choices, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    text = models.CharField(_("wish"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=WishCategory.choices)
    estimated_value = models.DecimalField(_("estimated value (yuan)"), max_digits=8, decimal_places=2,
                                          null=True, blank=True)
    expires_on = models.DateField(_("wanted by"))
    status = models.CharField(_("status"), max_length=12, choices=WishStatus.choices, default=WishStatus.SUBMITTED)
    reject_reason = models.CharField(_("reason"), max_length=500, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="claimed_wishes")
    claimed_unit = models.CharField(_("claimed by (partner unit)"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfil_by = models.DateField(_("to be fulfilled by"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfil_note = models.CharField(_("note on fulfilment"), max_length=500, blank=True)
    evidence = models.FileField(_("photo"), upload_to="wishes/%Y/%m/", blank=True)
    thanks = models.CharField(_("thanks"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("small wish")
        verbose_name_plural = _("small wishes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["status", "expires_on"]),
                   models.Index(fields=["status", "fulfil_by"])]

    def __str__(self):
        return f"#{self.pk} {self.text[:20]}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """The organizational part of the scope (subtrees; grid staff for viewing)."""
        q = Q(organization__in=Organization.objects.filter(path_filter(scope)).values("pk")) if scope.paths \
            else Q(pk__in=[])
        if action == "view" and scope.grid_ids:
            q |= Q(building__grid__in=scope.grid_ids)
        return q

    @classmethod
    def scope_filter_for(cls, user, scope, action) -> Q:
        q = cls.scope_filter(scope, action)
        if action != "view":
            return q
        q |= Q(wisher=user) | Q(filed_by=user) | Q(claimed_by=user)
        if scope.own_org_ids:
            lineage = set()
            for org in Organization.objects.filter(pk__in=scope.own_org_ids):
                lineage.update(org.lineage_paths)
            q |= Q(status__in=MEMBER_STATUSES, organization__path__in=sorted(lineage))
        return q

    @property
    def display_name(self) -> str:
        """How the board names the wisher: 王女士, 王先生, 王某, or a resident of the building."""
        if self.surname:
            return self.surname + (Honorific(self.honorific).label if self.honorific else "某")
        if self.building_id:
            return str(_("A resident of %(building)s") % {"building": self.building.name})
        return str(_("A resident"))

    @property
    def claimer_display(self) -> str:
        if self.claimed_unit:
            return self.claimed_unit
        if self.claimed_by_id:
            name = getattr(self.claimed_by, "full_name", "") or ""
            return (name[:1] + "同志") if name else str(_("A Party member"))
        return ""


class WishLog(models.Model):
    """One step of a wish's life: who, when, from which status to which, with a note."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(_("action"), max_length=12)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("wish step")
        verbose_name_plural = _("wish steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.wish_id} {self.action}"
