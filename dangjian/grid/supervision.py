"""Supervision (督办) of requests: the notices to a request's team and to the level above, and the
background sweep that supervises every request whose step deadline has passed, once per deadline."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import Role

from .choices import RUNNING, ActorRole, RequestAction, SupervisionReason, TeamLevel
from .models import RequestTransition, ServiceRequest, Supervision


def team_users(request):
    from dangjian.accounts.models import User

    if request.team_id is None:
        return User.objects.none()
    return User.objects.filter(team_memberships__team_id=request.team_id, team_memberships__active=True, is_active=True)


def level_above_users(request):
    """Organizers and secretaries of the nearest organization above the request's owner."""
    from dangjian.accounts.models import RoleAssignment, User

    owner = request.team.organization if request.level == TeamLevel.SUBDISTRICT and request.team else \
        request.organization
    above = owner.lineage_paths[:-1]
    rows = list(RoleAssignment.objects.filter(organization__path__in=above, grid__isnull=True,
                                              role__in=(Role.ORGANIZER, Role.SECRETARY))
                .values_list("user_id", "organization__path"))
    if not rows:
        return User.objects.none()
    deepest = max(len(p) for _, p in rows)
    return User.objects.filter(pk__in=[u for u, p in rows if len(p) == deepest], is_active=True)


def notify_team(request, title):
    from dangjian.notices.services import notify

    notify(list(team_users(request)), title=title, body=request.description[:200], url=f"/grid/requests/{request.pk}/")


def notify_supervision(request, title):
    from dangjian.notices.services import notify

    users = list(team_users(request)) + list(level_above_users(request))
    notify(users, title=title, body=request.description[:200], url=f"/grid/requests/{request.pk}/")


def supervise_overdue(*, now=None) -> int:
    """Supervise every open request whose step deadline has passed, once per deadline: a
    supervision notice to the handling team and to the level above, and a step in the log.
    Idempotent; run by the background worker."""
    now = now or timezone.now()
    overdue = (ServiceRequest.objects.filter(status__in=RUNNING, stage_due_at__lt=now)
               .exclude(Exists(Supervision.objects.filter(request=OuterRef("pk"), reason=SupervisionReason.OVERDUE,
                                                           due_at=OuterRef("stage_due_at"))))
               .select_related("organization", "team", "team__organization", "category"))
    count = 0
    for request in overdue:
        with transaction.atomic():
            locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
            if locked.stage_due_at != request.stage_due_at or locked.status != request.status:
                continue
            _supervision, created = Supervision.objects.get_or_create(
                request=locked, reason=SupervisionReason.OVERDUE, due_at=locked.stage_due_at,
                defaults={"status": locked.status, "team": locked.team, "note": _("Deadline passed")})
            if not created:
                continue
            RequestTransition.objects.create(
                request=locked, action=RequestAction.SUPERVISE, from_status=locked.status, to_status=locked.status,
                actor_name=str(ActorRole.SYSTEM.label), actor_role=ActorRole.SYSTEM, team=locked.team,
                note=_("Deadline passed"), at=now, due_at=locked.stage_due_at, overdue=True,
                new_due_at=locked.stage_due_at)
            notify_supervision(request, _("Request #%(id)s is overdue") % {"id": request.pk})
            count += 1
    return count
