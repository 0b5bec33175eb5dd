"""The lifecycle of a request (诉求办理流程) as one explicit transition table and one service.

Main line (rules.md §7): reported → accepted → registered → dispatched → handled → checked →
closed → rated. Side steps: decline, send back (退单), extend (延期), park (挂账) and resume,
escalate to the sub-district (吹哨), return after a failed check, redo after a "not satisfied"
rating (重办), merge duplicates (合并), supervise (督办) and call back (回访).

Every step goes through :func:`request_transition`, which locks the request row, checks the
table and the actor's capacity, freezes the verdict on the deadline in force, sets the next
deadline, appends a :class:`RequestTransition` and writes one audit entry. The capacity
"owner" is the community dispatcher while the request is at community level and the
sub-district once it has been escalated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text, validate_phone

from .choices import (
    FINISHED,
    RUNNING,
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
from .deadlines import RequestClock
from .models import RequestRating, RequestTransition, ServiceRequest, ServiceTeam, Supervision, TeamMember
from .supervision import notify_supervision, notify_team

A, S, R = RequestAction, RequestStatus, ActorRole
OWNER = "owner"  # the dispatcher at the request's level: community dispatcher, or the sub-district


@dataclass(frozen=True)
class Step:
    """One row of the transition table: from which statuses, to which (``None``: unchanged),
    who may take it, and whether a reason is required."""

    sources: tuple[str, ...]
    target: str | None
    capacities: tuple[str, ...]
    reason_required: bool = False
    params: tuple[str, ...] = field(default=())


TRANSITIONS: dict[str, Step] = {
    A.ACCEPT: Step((S.REPORTED,), S.ACCEPTED, (OWNER,)),
    A.DECLINE: Step((S.REPORTED, S.ACCEPTED), S.DECLINED, (OWNER,), reason_required=True),
    A.REGISTER: Step((S.ACCEPTED,), S.REGISTERED, (OWNER,), params=("urgency", "category")),
    # From "dispatched" a dispatch hands the request to another team (an owner change).
    A.DISPATCH: Step((S.REGISTERED, S.DISPATCHED), S.DISPATCHED, (OWNER,), params=("team",)),
    A.HANDLE: Step((S.DISPATCHED,), S.HANDLED, (R.TEAM, OWNER), reason_required=True),
    A.SEND_BACK: Step((S.DISPATCHED,), S.REGISTERED, (R.TEAM,), reason_required=True),
    A.EXTEND: Step((S.DISPATCHED,), None, (OWNER,), reason_required=True, params=("days",)),
    A.PARK: Step((S.REGISTERED, S.DISPATCHED), S.PARKED, (OWNER,), reason_required=True, params=("until",)),
    A.RESUME: Step((S.PARKED,), S.DISPATCHED, (OWNER,)),
    A.ESCALATE: Step((S.REGISTERED, S.DISPATCHED), S.DISPATCHED, (R.DISPATCHER, R.TEAM), reason_required=True,
                     params=("team",)),
    A.CHECK: Step((S.HANDLED,), S.CHECKED, (OWNER,)),
    A.REJECT: Step((S.HANDLED,), S.DISPATCHED, (OWNER,), reason_required=True),
    A.CLOSE: Step((S.CHECKED,), S.CLOSED, (OWNER,)),
    # The resident rates; a grid worker or the community may record the rating on their behalf ("assisted").
    A.RATE: Step((S.CLOSED,), S.RATED, (R.RESIDENT, R.GRID_WORKER, R.DISPATCHER), params=("satisfaction",)),
    A.REDO: Step((S.RATED,), S.DISPATCHED, (R.SYSTEM, OWNER), reason_required=True),
    A.MERGE: Step((S.REPORTED, S.ACCEPTED, S.REGISTERED), S.MERGED, (OWNER,), params=("into",)),
    A.SUPERVISE: Step(RUNNING, None, (R.SUBDISTRICT, R.SYSTEM),
                      reason_required=True),
    A.CALLBACK: Step((S.CLOSED, S.RATED), None, (R.SUBDISTRICT,), params=("satisfaction",)),
}

# The deadline each status runs against, by the rule pack's step names.
STAGE_OF = {S.REPORTED: "accept", S.ACCEPTED: "register", S.REGISTERED: "dispatch", S.HANDLED: "check",
            S.CHECKED: "close"}


def capacities(user, request: ServiceRequest) -> set[str]:
    """In which capacities ``user`` may act on ``request`` (``SYSTEM`` when there is no user)."""
    if user is None:
        return {R.SYSTEM}
    found: set[str] = set()
    if not user.is_authenticated:
        return found
    if request.reporter_id == user.pk:
        found.add(R.RESIDENT)
    scope = user_scope(user, "transition")
    if request.grid_id and request.grid_id in scope.grid_ids:
        found.add(R.GRID_WORKER)
    if request.team_id and TeamMember.objects.filter(team_id=request.team_id, user=user, active=True,
                                                     team__active=True).exists():
        found.add(R.TEAM)
    if covers(scope, request.organization):
        found.add(R.DISPATCHER)
    # Above the community: a scope that reaches its parent (the sub-district and those over it).
    parent = request.organization.path[:-request.organization.steplen]
    if scope.everything or any(parent.startswith(p) for p in scope.paths):
        found.add(R.SUBDISTRICT)
    return found


def resolve(step: Step, request: ServiceRequest, held: set[str]) -> str | None:
    """The capacity in which the step is taken, or None if ``held`` allows none."""
    for capacity in step.capacities:
        if capacity == OWNER:
            capacity = R.SUBDISTRICT if request.level == TeamLevel.SUBDISTRICT else R.DISPATCHER
        if capacity in held:
            return capacity
    return None


def allowed_actions(user, request: ServiceRequest, held: set[str] | None = None) -> list[str]:
    """The steps ``user`` may take on ``request`` now (for pages and the API); ``held`` the user's
    capacities if already known."""
    held = capacities(user, request) if held is None else held
    return [action for action, step in TRANSITIONS.items()
            if request.status in step.sources and resolve(step, request, held)
            and not (action == A.REDO and request.satisfaction != Satisfaction.NOT_SATISFIED)
            and not (action == A.ESCALATE and request.level == TeamLevel.SUBDISTRICT)]


def request_file(*, actor, channel: str, category, description: str, organization=None, grid=None,
                 building=None, household=None, address: str = "", lat=None, long=None, urgency: str = "",
                 contact_name: str = "", contact_phone: str = "", contact_email: str = "",
                 attributes: dict | None = None, media_url: str = "", client=None, at=None) -> ServiceRequest:
    """File a request (上报). The place decides the community that takes it in: the building's grid,
    else the grid, else ``organization`` (an Open311 client's intake organization)."""
    description = clean_plain_text(description, "description", 4000)
    if not description:
        raise ValidationError({"description": _("Please describe the request.")})
    if not category.active:
        raise ValidationError({"category": _("This category is no longer taken.")})
    if household is not None:
        building = household.building
    if building is not None:
        grid = building.grid
    if grid is not None:
        organization = grid.organization
        if not address:
            address = (building.address or building.name) if building is not None else grid.name
    if organization is None:
        raise ValidationError({"building": _("Please say where the problem is.")})
    if urgency and urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Unknown urgency.")})
    phone = (contact_phone or "").replace(" ", "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from None
    if channel in (Channel.GRID_WORKER, Channel.HOTLINE, Channel.WALK_IN) and not may_file_for(actor, organization, grid):
        raise PermissionDenied
    now = at or timezone.now()
    with transaction.atomic():
        request = ServiceRequest(
            category=category, urgency=urgency or category.default_urgency, description=description,
            organization=organization, grid=grid, building=building, household=household, address=address[:200],
            lat=lat if lat is not None else getattr(building, "lat", None),
            long=long if long is not None else getattr(building, "long", None),
            attributes=attributes or {}, media_url=media_url, channel=channel,
            reporter=actor if channel == Channel.RESIDENT else None,
            filed_by=actor if channel in (Channel.GRID_WORKER, Channel.HOTLINE, Channel.WALK_IN) else None,
            client=client, contact_name=contact_name[:50], contact_phone=phone,
            phone_masked=pii.mask_phone(phone), contact_email=contact_email, reported_at=now,
        )
        clock = RequestClock(request, on=timezone.localtime(now).date())
        clock.set_stage("accept", now)
        request.status_notes = _("Waiting to be accepted")
        request.save()
        RequestTransition.objects.create(
            request=request, action=A.FILE, from_status="", to_status=S.REPORTED, actor=actor if _real(actor) else None,
            actor_name=_name(actor, client), actor_role=_filing_role(channel), at=now, new_due_at=request.stage_due_at)
        audit_log(actor=actor if _real(actor) else None, action="request.filed", obj=request,
                  organization=organization, changes={"channel": channel, "category": category.code})
    return request


def may_file_for(user, organization, grid) -> bool:
    """Whether staff ``user`` may file for residents here: grid staff of the grid, or anyone who
    may add records over the community."""
    if not _real(user):
        return False
    scope = user_scope(user, "add")
    return (scope.everything or (grid is not None and grid.pk in scope.grid_ids)
            or covers(scope, organization))


def _real(user) -> bool:
    return bool(getattr(user, "pk", None))


def _name(user, client=None) -> str:
    if _real(user):
        return user.get_full_name() or user.get_username()
    return client.name if client is not None else ""


def _filing_role(channel: str) -> str:
    return {Channel.RESIDENT: R.RESIDENT, Channel.OPEN311: R.CLIENT}.get(channel, R.GRID_WORKER)


@dataclass
class Change:
    """What one step does to the request, built by the step's handler and applied in one place."""

    note: str = ""
    team: ServiceTeam | None = None
    stage: str | None = None          # the rule-pack step whose deadline now runs (None: by the new status)
    keep: bool = False                # the handler set the deadlines itself, or the step leaves them as they are
    # Steps taken at once by the system after this one: (action, note, params).
    after: list = field(default_factory=list)


def request_transition(*, request: ServiceRequest, action: str, actor, note: str = "",
                       expected_status: str | None = None, at=None, **params) -> ServiceRequest:
    """Take one step on a request. Raises ``ValidationError`` (with a Chinese message) when the
    step is not allowed now, and ``PermissionDenied`` when the actor may not take it."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    step = TRANSITIONS[action]
    note = clean_plain_text(note, "note", 2000)
    if step.reason_required and not note:
        raise ValidationError({"note": _("Please give a reason.")})
    now = at or timezone.now()
    with transaction.atomic():
        # Lock the request row only (of=self): PostgreSQL refuses FOR UPDATE on the outer join to
        # the optional team, and locking the community or category rows would serialize requests.
        rows = ServiceRequest.objects.select_for_update(of=("self",)).select_related("organization", "category",
                                                                                      "team")
        into = params.get("into")
        if action == A.MERGE and into is not None and into.pk != request.pk:
            # A merge writes to the request merged into as well: lock both, in the order of their
            # ids (two requests merged into each other at once would deadlock, or both be merged),
            # and check the fresh row.
            found = {row.pk: row for row in rows.filter(pk__in=[request.pk, into.pk]).order_by("pk")}
            locked, params["into"] = found[request.pk], found.get(into.pk)
        else:
            locked = rows.get(pk=request.pk)
        if expected_status and locked.status != expected_status:
            raise ValidationError(_("Someone else has just changed this request; please look at it again."))
        if locked.status not in step.sources:
            raise ValidationError(_("This step cannot be taken while the request is “%(status)s”.")
                                  % {"status": locked.get_status_display()})
        capacity = resolve(step, locked, capacities(actor, locked))
        if capacity is None:
            raise PermissionDenied
        clock = RequestClock(locked, on=timezone.localtime(now).date())
        _apply(locked, action, step, capacity, actor, note, now, clock, params)
    request.refresh_from_db()
    return request


def _log(request, action, from_status, capacity, actor, note, now, due_before):
    overdue = None if due_before is None else now > due_before
    RequestTransition.objects.create(
        request=request, action=action, from_status=from_status, to_status=request.status,
        actor=actor if _real(actor) else None, actor_name=_name(actor) or str(ActorRole(capacity).label),
        actor_role=capacity, team=request.team, note=note, at=now, due_at=due_before, overdue=overdue,
        new_due_at=request.stage_due_at)
    return overdue


def _apply(request, action, step, capacity, actor, note, now, clock, params):
    from_status, due_before = request.status, request.stage_due_at
    handler = HANDLERS.get(action)
    change = handler(request, capacity=capacity, actor=actor, note=note, now=now, clock=clock, **params) \
        if handler else Change()
    if step.target:
        request.status = step.target
    stage = change.stage or (None if change.keep or step.target is None else STAGE_OF.get(request.status))
    if stage:
        clock.set_stage(stage, now)
    elif request.status in FINISHED or request.status == S.PARKED:
        clock.clear_stage()
    request.status_notes = (note or change.note or request.get_status_display())[:300]
    request.save()
    overdue = _log(request, action, from_status, capacity, actor, note, now, due_before)
    audit_log(actor=actor if _real(actor) else None, action="request.transition", obj=request,
              organization=request.organization,
              changes={"step": action, "from": from_status, "to": request.status, "overdue": overdue}, note=note)
    for follow_action, follow_note, follow_params in change.after:
        _apply(request, follow_action, TRANSITIONS[follow_action], R.SYSTEM, None, follow_note, now, clock,
               follow_params)


# ----- what each step does beyond the status ------------------------------------------------------

def _dispatch_deadline(request, clock, now):
    """While dispatched the request runs against its deadline to be solved at its level."""
    clock.mirror_stage()
    return Change(keep=True)


def _register(request, *, clock, now, urgency=None, category=None, **kw):
    if category is not None:
        request.category = category
    if urgency:
        if urgency not in Urgency.values:
            raise ValidationError({"urgency": _("Unknown urgency.")})
        request.urgency = urgency
    request.registered_at = now
    clock.set_resolution("handle", now)
    return Change()


def team_for(request, level: str) -> ServiceTeam | None:
    """The team that takes ``request`` at ``level``: the nearest team above the community that is
    responsible for the category, else the nearest default team."""
    teams = list(ServiceTeam.objects.filter(level=level, active=True,
                                            organization__path__in=request.organization.lineage_paths)
                 .select_related("organization").prefetch_related("categories"))
    # Nearest first; at the same organization a team made for the category before the catch-all default team.
    teams.sort(key=lambda t: (-len(t.organization.path), t.is_default, t.pk))
    for team in teams:
        if any(c.pk == request.category_id for c in team.categories.all()):
            return team
    return next((t for t in teams if t.is_default), None)


def _check_team(request, team, level):
    if team is None:
        raise ValidationError({"team": _("No service team takes this category here; please choose a team.")})
    if not team.active or team.level != level:
        raise ValidationError({"team": _("Please choose an active team of the right level.")})
    org = request.organization
    if not (org.path.startswith(team.organization.path) or team.organization.path.startswith(org.path)):
        raise ValidationError({"team": _("This team does not serve the request's community.")})


def _dispatch(request, *, clock, now, team=None, **kw):
    team = team or team_for(request, request.level)
    _check_team(request, team, request.level)
    if request.status == S.DISPATCHED:
        if team.pk == request.team_id:
            raise ValidationError({"team": _("The request is already with this team.")})
        request.bounce_count += 1  # an owner change
    default = None if team.is_default else _past_bounce_limit(request, clock)
    request.team = default or team
    change = _dispatch_deadline(request, clock, now)
    change.note = (_("Sent on %(n)s times: given to the default team %(team)s") % {"n": request.bounce_count,
                                                                                  "team": default}
                   if default else _("Dispatched to %(team)s") % {"team": team})
    return change


def _past_bounce_limit(request, clock) -> ServiceTeam | None:
    """The default team of the request's level once it has been sent back or handed on as often as the
    rule pack allows (with a supervision notice), else None."""
    if request.bounce_count < clock.value("bounce_limit"):
        return None
    default = default_team(request, request.level)
    if default is not None:
        Supervision.objects.create(request=request, reason=SupervisionReason.BOUNCED, status=request.status,
                                   team=default, note=_("Sent back or handed on %(n)s times") % {"n": request.bounce_count})
        notify_supervision(request, _("Request #%(id)s was sent back too often") % {"id": request.pk})
    return default


def _handle(request, *, now, **kw):
    request.handled_at = now
    request.handled_on_time = request.stage_due_at is None or now <= request.stage_due_at
    return Change()


def default_team(request, level: str) -> ServiceTeam | None:
    """The default owner at ``level``: the nearest default team above the request's community."""
    return (ServiceTeam.objects.filter(level=level, is_default=True, active=True,
                                       organization__path__in=request.organization.lineage_paths)
            .order_by("-organization__depth").first())


def _send_back(request, *, clock, now, **kw):
    limit = clock.value("bounce_limit")
    if request.team and request.team.is_default and request.bounce_count >= limit:
        raise ValidationError(_("This request has been sent back too often; the default team must handle it."))
    request.bounce_count += 1
    request.team = None
    default = _past_bounce_limit(request, clock)
    if default is None:
        return Change(stage="dispatch")
    note = _("Sent back %(n)s times: given to the default team %(team)s") % {"n": request.bounce_count,
                                                                           "team": default}
    return Change(stage="dispatch", after=[(A.DISPATCH, note, {"team": default})])


def _extend(request, *, clock, days=None, **kw):
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Please give the number of working days.")}) from None
    if not 1 <= days <= clock.value("max_extension_days"):
        raise ValidationError({"days": _("An extension adds 1 to %(n)s working days.")
                               % {"n": clock.value("max_extension_days")}})
    if request.extension_count >= clock.value("max_extensions"):
        raise ValidationError(_("This request has had all the extensions it may have."))
    request.extension_count += 1
    clock.extend_resolution(days)
    return _dispatch_deadline(request, clock, None)


def _park(request, *, until=None, now, **kw):
    if until is not None and until <= timezone.localtime(now).date():
        raise ValidationError({"until": _("The review date must be in the future.")})
    request.parked_until = until
    return Change()


def _resume(request, *, clock, now, **kw):
    request.parked_until = None
    if request.team is None:
        request.team = team_for(request, request.level)
        _check_team(request, request.team, request.level)
    clock.set_resolution("escalated" if request.level == TeamLevel.SUBDISTRICT else "handle", now)
    return _dispatch_deadline(request, clock, now)


def _escalate(request, *, clock, now, team=None, **kw):
    if request.level == TeamLevel.SUBDISTRICT:
        raise ValidationError(_("This request is already with the sub-district."))
    team = team or team_for(request, TeamLevel.SUBDISTRICT)
    _check_team(request, team, TeamLevel.SUBDISTRICT)
    request.level, request.team, request.escalated_at = TeamLevel.SUBDISTRICT, team, now
    if request.registered_at is None:
        request.registered_at = now
    clock.set_resolution("escalated", now)
    notify_team(request, _("Request #%(id)s escalated to your team") % {"id": request.pk})
    return _dispatch_deadline(request, clock, now)


def _rework_deadline(request, clock, now) -> Change:
    """Work done again (a failed check, a redo) runs against the rule pack's redo time; the deadline to be
    solved moves with it if it would end sooner, so that a later extension counts from the right day."""
    clock.set_stage("redo", now)
    if request.resolution_due_at is None or request.resolution_due_at < request.stage_due_at:
        clock.set_resolution("redo", now)
    return Change(keep=True)


def _reject(request, *, clock, now, **kw):
    return _rework_deadline(request, clock, now)


def _close(request, *, clock, now, **kw):
    first = request.closed_at is None
    request.closed_at = now
    if first:
        request.closed_on_time = request.resolution_due_at is None or now <= request.resolution_due_at
        request.callback_due = sampled(request.pk, float(clock.value("callback_sample_rate")))
    request.satisfaction, request.rating_assisted = "", False
    return Change(note=_("Closed; waiting for the resident's rating"))


def sampled(pk: int, rate: float) -> bool:
    """Whether request ``pk`` is in the call-back sample: a fixed spread of ids (Knuth's multiplicative
    hash), so the sample is random-looking, the same on every run and about ``rate`` of all requests."""
    return (pk * 2654435761 % 2**32) / 2**32 < rate


def _satisfaction(value):
    if value not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Please choose how satisfied the resident is.")})
    return value


def _rate(request, *, capacity, actor, note, now, satisfaction=None, **kw):
    value = _satisfaction(satisfaction)
    assisted = capacity != R.RESIDENT
    RequestRating.objects.create(request=request, kind=RatingKind.FIRST, satisfaction=value, assisted=assisted,
                                 rated_by=actor if _real(actor) else None, note=note[:500], at=now)
    request.satisfaction, request.rating_assisted = value, assisted
    if value == Satisfaction.NOT_SATISFIED:
        return Change(after=[(A.REDO, _("The resident is not satisfied: redo"), {})])
    return Change()


def _redo(request, *, clock, now, capacity, **kw):
    if capacity != R.SYSTEM and request.satisfaction != Satisfaction.NOT_SATISFIED:
        raise ValidationError(_("Only a request the resident is not satisfied with is redone."))
    request.rework_count += 1
    request.handled_at = None
    notify_team(request, _("Request #%(id)s must be redone") % {"id": request.pk})
    return _rework_deadline(request, clock, now)


def _merge(request, *, into=None, actor, now, capacity, **kw):
    if into is None or into.pk == request.pk:
        raise ValidationError({"into": _("Please choose the request this one repeats.")})
    if into.status in FINISHED or into.organization_id != request.organization_id:
        raise ValidationError({"into": _("Merge only into an open request of the same community.")})
    if resolve(TRANSITIONS[A.MERGE], into, capacities(actor, into)) is None:
        raise PermissionDenied
    request.merged_into = into
    RequestTransition.objects.create(
        request=into, action=A.MERGE, from_status=into.status, to_status=into.status,
        actor=actor if _real(actor) else None, actor_name=_name(actor), actor_role=capacity, team=into.team,
        note=_("Request #%(id)s merged into this one") % {"id": request.pk}, at=now, new_due_at=into.stage_due_at)
    return Change(note=_("Merged into #%(id)s") % {"id": into.pk})


def _supervise(request, *, actor, note, now, **kw):
    """A leader's supervision: a notice, and a step in the log; the deadlines stay as they are."""
    Supervision.objects.create(request=request, reason=SupervisionReason.MANUAL, status=request.status,
                               due_at=request.stage_due_at, team=request.team, note=note[:300],
                               created_by=actor if _real(actor) else None)
    notify_supervision(request, _("Request #%(id)s is being supervised") % {"id": request.pk})
    return Change(keep=True)


def _callback(request, *, actor, note, now, satisfaction=None, **kw):
    value = _satisfaction(satisfaction)
    RequestRating.objects.create(request=request, kind=RatingKind.CALLBACK, satisfaction=value,
                                 rated_by=actor if _real(actor) else None, note=note[:500], at=now)
    return Change(keep=True)


HANDLERS = {
    A.REGISTER: _register, A.DISPATCH: _dispatch, A.HANDLE: _handle, A.SEND_BACK: _send_back,
    A.EXTEND: _extend, A.PARK: _park, A.RESUME: _resume, A.ESCALATE: _escalate, A.REJECT: _reject, A.CLOSE: _close,
    A.RATE: _rate, A.REDO: _redo, A.MERGE: _merge, A.SUPERVISE: _supervise, A.CALLBACK: _callback,
}


__all__ = ["TRANSITIONS", "allowed_actions", "capacities", "request_file", "request_transition", "team_for"]
