"""Residents' requests (诉求) and everything kept with them: the transition log, ratings,
attachments and supervision notices."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization

from ..choices import (
    ActorRole,
    Channel,
    RatingKind,
    RequestAction,
    RequestStatus,
    Satisfaction,
    SupervisionReason,
    TeamLevel,
    Urgency,
)
from .grids import Building, Grid, Household
from .scope import GridQuerySet, orgs_reached
from .teams import RequestCategory, ServiceTeam


class ServiceRequest(models.Model):
    """A resident's request or a reported problem (诉求/事件), from filing to the resident's rating.

    ``status`` and every field the lifecycle sets are written only by ``grid.workflow``; each
    change appends a :class:`RequestTransition`. ``organization`` is the community (or, where
    the place is not known, the sub-district) whose dispatchers take the request in.
    """

    category = models.ForeignKey(RequestCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="requests")
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.GENERAL)
    description = models.TextField(_("description"), max_length=4000)
    organization = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="service_requests")
    grid = models.ForeignKey(Grid, verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="requests")
    building = models.ForeignKey(Building, verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="requests")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="requests")
    address = models.CharField(_("place"), max_length=200, blank=True,
                               help_text=_("Building-level place; shown in public."))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    media_url = models.URLField(_("media link"), max_length=500, blank=True)

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident account"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="service_requests")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="filed_requests")
    client = models.ForeignKey("grid.Open311Client", verbose_name=_("Open311 client"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="requests")
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    contact_name = models.CharField(_("how to address the resident"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    contact_email = EncryptedTextField(_("e-mail"), blank=True)

    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.REPORTED, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=TeamLevel.choices, default=TeamLevel.COMMUNITY)
    team = models.ForeignKey(ServiceTeam, verbose_name=_("handling team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="requests")
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    stage_due_at = models.DateTimeField(_("step due by"), null=True, blank=True, db_index=True)
    stage_due_provisional = models.BooleanField(default=False)
    resolution_due_at = models.DateTimeField(_("to be solved by"), null=True, blank=True, db_index=True)
    resolution_due_provisional = models.BooleanField(default=False)
    # How the two deadlines above were computed (rule-pack step, start, extension days), so that they
    # can be computed again when the official calendar of a year is loaded or corrected.
    deadline_basis = models.JSONField(default=dict, blank=True, editable=False)
    handled_on_time = models.BooleanField(_("handled on time"), null=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True)
    bounce_count = models.PositiveSmallIntegerField(_("send-backs and owner changes"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    parked_until = models.DateField(_("parked until"), null=True, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="duplicates")
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True)
    rating_assisted = models.BooleanField(_("rated with a grid worker's help"), default=False)
    callback_due = models.BooleanField(_("sampled for a call-back"), default=False)
    status_notes = models.CharField(_("latest note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["grid", "reported_at"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.category}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        q = Q(pk__in=[])
        if scope.paths:
            q |= Q(organization__in=orgs_reached(scope)) | Q(team__organization__in=orgs_reached(scope))
        if scope.grid_ids:
            q |= Q(grid__in=scope.grid_ids)
        if scope.team_ids:
            q |= Q(team__in=scope.team_ids)
        if scope.user_id:
            q |= Q(reporter=scope.user_id)
        return q

    @property
    def is_open(self) -> bool:
        from ..choices import FINISHED

        return self.status not in FINISHED


class RequestTransition(models.Model):
    """One step in a request's life (流转记录): who did it in which capacity, from and to which
    status, the deadline that was in force and whether it was missed (frozen when the step is
    taken, never recomputed)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("step"), max_length=16, choices=RequestAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by"), max_length=100, blank=True)
    actor_role = models.CharField(_("as"), max_length=16, choices=ActorRole.choices)
    team = models.ForeignKey(ServiceTeam, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    due_at = models.DateTimeField(_("deadline in force"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), null=True)
    new_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "at"]), models.Index(fields=["request", "action", "at"])]

    def __str__(self):
        return f"{self.request_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class RequestRating(models.Model):
    """A rating of a closed request: the resident's own (or collected by a grid worker on their
    behalf, ``assisted``) at closing, or the sub-district's call-back."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="ratings")
    kind = models.CharField(_("kind"), max_length=16, choices=RatingKind.choices, default=RatingKind.FIRST)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices)
    assisted = models.BooleanField(_("collected by a grid worker"), default=False)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.request_id} {self.get_satisfaction_display()}"


class RequestAttachment(models.Model):
    """A photo or file kept with a request (at filing or as evidence of handling)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="requests/%Y/%m/")
    action = models.CharField(_("step"), max_length=16, choices=RequestAction.choices, default=RequestAction.FILE)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.file.name


class Supervision(models.Model):
    """A supervision notice (督办) to a request's handler and the level above: for a missed
    deadline (once per deadline), for too many send-backs, or by a leader."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="supervisions")
    reason = models.CharField(_("reason"), max_length=16, choices=SupervisionReason.choices)
    status = models.CharField(_("status then"), max_length=16, choices=RequestStatus.choices)
    due_at = models.DateTimeField(_("deadline missed"), null=True, blank=True)
    team = models.ForeignKey(ServiceTeam, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "reason", "due_at"], condition=Q(reason="overdue"),
                                    name="supervision_once_per_deadline"),
        ]

    def __str__(self):
        return f"{self.request_id} {self.get_reason_display()}"


class Open311Client(models.Model):
    """A registered client application that may file requests through Open311 with its API key.
    Only a hash of the key is kept; requests it files land at ``organization`` unless their place
    names a building of a grid."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    organization = models.ForeignKey(Organization, verbose_name=_("takes requests in at"),
                                     on_delete=models.PROTECT, related_name="open311_clients")
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self):
        return self.name
