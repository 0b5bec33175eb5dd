"""Writes of small wishes: submitting a wish, and its one transition service over an explicit
transition table (each step leaves a :class:`WishLog` row and one audit entry)."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import pii
from dangjian.core.access import user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text, validate_phone
from dangjian.members.models import Member

from .choices import Honorific, WishAction, WishCategory, WishStatus
from .models import Wish, WishLog

S, A = WishStatus, WishAction
MAX_VALUE = Decimal("1000")
MAX_DAYS_AHEAD = 180
DEFAULT_FULFIL_DAYS = 14
_SURNAME = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,2}$")


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    audit: str


# The transition table: action → (statuses it starts from, status it leads to, audit code).
TRANSITIONS: dict[str, Step] = {
    A.PUBLISH: Step((S.SUBMITTED,), S.PUBLISHED, "wish.published"),
    A.REJECT: Step((S.SUBMITTED,), S.REJECTED, "wish.rejected"),
    A.CLAIM: Step((S.PUBLISHED,), S.CLAIMED, "wish.claimed"),
    A.FULFIL: Step((S.CLAIMED,), S.FULFILLED, "wish.fulfilled"),
    A.THANK: Step((S.FULFILLED,), S.THANKED, "wish.thanked"),
    A.RELEASE: Step((S.CLAIMED,), S.PUBLISHED, "wish.released"),
    A.EXPIRE: Step((S.SUBMITTED, S.PUBLISHED), S.EXPIRED, "wish.expired"),
}


def is_reviewer(user, wish: Wish) -> bool:
    """Secretaries and organizers over the wish's community (and administrators)."""
    return Wish.objects.restrict(user, "transition").filter(pk=wish.pk).exists()


def is_party_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Member.objects.filter(user=user).exists()


def may(user, wish: Wish, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``wish`` (whatever its status now)."""
    if user is None:  # the system (expiry task)
        return action in (A.RELEASE, A.EXPIRE)
    if not getattr(user, "is_authenticated", False):
        return False
    if action in (A.PUBLISH, A.REJECT, A.EXPIRE):
        return is_reviewer(user, wish)
    if action == A.CLAIM:
        return is_reviewer(user, wish) or (
            is_party_member(user) and Wish.objects.restrict(user, "view").filter(pk=wish.pk).exists())
    if action in (A.FULFIL, A.RELEASE):
        return (wish.claimed_by_id is not None and wish.claimed_by_id == user.pk) or is_reviewer(user, wish)
    if action == A.THANK:
        return user.pk in (wish.wisher_id, wish.filed_by_id)
    return False


def _future_date(field: str, day, today, *, latest=None) -> None:
    if day is None:
        raise ValidationError({field: _("Enter a date.")})
    if day < today:
        raise ValidationError({field: _("The date cannot be in the past.")})
    if latest is not None and day > latest:
        raise ValidationError({field: _("Choose a date no later than %(date)s.") % {"date": latest}})


def wish_submit(*, actor, organization, text: str, category: str, expires_on: datetime.date, building=None,
                estimated_value: Decimal | None = None, surname: str = "", honorific: str = "",
                contact_phone: str = "", on_behalf: bool = False) -> Wish:
    """A resident's wish (or one a grid worker files on a resident's behalf), awaiting review."""
    today = timezone.localdate()
    text = clean_plain_text(text, "text", 200, required=True)
    if category not in WishCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    _future_date("expires_on", expires_on, today + datetime.timedelta(days=1),
                 latest=today + datetime.timedelta(days=MAX_DAYS_AHEAD))
    if estimated_value is not None and not (0 < estimated_value <= MAX_VALUE):
        raise ValidationError({"estimated_value": _("A small wish is worth more than 0 and at most %(max)s yuan.")
                               % {"max": MAX_VALUE}})
    if building is not None and (building.grid.organization_id != organization.pk or not building.grid.active):
        raise ValidationError({"building": _("Please choose a building of the community.")})
    if not organization.grids.filter(active=True).exists():
        raise ValidationError({"organization": _("This organization takes no wishes.")})
    surname = (surname or "").strip()
    if surname and not _SURNAME.match(surname):
        raise ValidationError({"surname": _("Enter the surname only (one or two characters).")})
    if honorific not in Honorific.values:
        raise ValidationError({"honorific": _("Choose a title.")})
    phone = (contact_phone or "").replace(" ", "")
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from None
    if on_behalf:
        scope = user_scope(actor, "add")
        staff = building is not None and building.grid_id in scope.grid_ids
        if not (staff or is_reviewer_of_org(actor, organization)):
            raise PermissionDenied
        if building is None:
            raise ValidationError({"building": _("Choose the resident's building.")})
    with transaction.atomic():
        wish = Wish.objects.create(
            organization=organization, building=building, wisher=None if on_behalf else actor,
            filed_by=actor if on_behalf else None, surname=surname, honorific=honorific if surname else "",
            contact_phone=phone, phone_masked=pii.mask_phone(phone), text=text, category=category,
            estimated_value=estimated_value, expires_on=expires_on)
        WishLog.objects.create(wish=wish, action="submit", to_status=wish.status, actor=actor)
        audit_log(actor=actor, action="wish.submitted", obj=wish, organization=organization,
                  changes={"category": category, "on_behalf": on_behalf})
    return wish


def is_reviewer_of_org(user, organization) -> bool:
    scope = user_scope(user, "transition")
    return scope.everything or any(organization.path.startswith(p) for p in scope.paths)


def wish_transition(*, actor, wish: Wish, action: str, note: str = "", unit: str = "",
                    fulfil_by: datetime.date | None = None, photo=None, thanks: str = "",
                    expected_status: str | None = None) -> Wish:
    """Take one step of a wish's life (see ``TRANSITIONS``); ``actor`` None is the expiry task."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError(_("Unknown step."))
    if not may(actor, wish, action):
        raise PermissionDenied
    note = clean_plain_text(note, "note", 500)
    today = timezone.localdate()
    content = None
    if action == A.FULFIL and photo:
        from dangjian.grid.services_requests import clean_photo

        content = clean_photo(photo)
    with transaction.atomic():
        locked = Wish.objects.select_for_update().get(pk=wish.pk)
        if locked.status not in step.sources or (expected_status and locked.status != expected_status):
            raise ValidationError(_("This wish is now “%(status)s”; the step cannot be taken.")
                                  % {"status": locked.get_status_display()})
        changes: dict = {"status": [locked.status, step.target]}
        fields = ["status", "updated_at"]
        if action == A.REJECT:
            if not note:
                raise ValidationError({"note": _("Give the reason, for the resident.")})
            locked.reject_reason = note
            fields.append("reject_reason")
        elif action == A.CLAIM:
            unit = clean_plain_text(unit, "unit", 100)
            reviewer = is_reviewer(actor, locked)
            if unit and not reviewer:
                raise ValidationError({"unit": _("Only the community's secretaries record a claim by a partner unit.")})
            if not unit and not is_party_member(actor):
                raise ValidationError({"unit": _("Name the partner unit that claims the wish.")})
            fulfil_by = fulfil_by or min(locked.expires_on, today + datetime.timedelta(days=DEFAULT_FULFIL_DAYS))
            _future_date("fulfil_by", fulfil_by, today, latest=locked.expires_on)
            locked.claimed_by = None if unit else actor
            locked.claimed_unit = unit
            locked.claimed_at, locked.fulfil_by = timezone.now(), fulfil_by
            fields += ["claimed_by", "claimed_unit", "claimed_at", "fulfil_by"]
            changes.update({"claimed_unit": unit, "fulfil_by": fulfil_by})
        elif action == A.FULFIL:
            if content is None and not note:
                raise ValidationError({"photo": _("Add a photo or a note on how the wish was fulfilled.")})
            locked.fulfilled_at, locked.fulfil_note = timezone.now(), note
            fields += ["fulfilled_at", "fulfil_note"]
            if content is not None:
                locked.evidence.save(content.name, content, save=False)
                fields.append("evidence")
        elif action == A.THANK:
            thanks = clean_plain_text(thanks, "thanks", 500, required=True)
            locked.thanks = thanks
            fields.append("thanks")
        elif action == A.RELEASE:
            locked.claimed_by, locked.claimed_unit, locked.claimed_at, locked.fulfil_by = None, "", None, None
            fields += ["claimed_by", "claimed_unit", "claimed_at", "fulfil_by"]
        previous = locked.status
        locked.status = step.target
        locked.save(update_fields=fields)
        WishLog.objects.create(wish=locked, action=action, from_status=previous, to_status=step.target,
                               actor=actor if getattr(actor, "pk", None) else None, note=note or thanks)
        audit_log(actor=actor, action=step.audit, obj=locked, organization=locked.organization, changes=changes,
                  note=note)
    return locked


def wishes_expire(*, today: datetime.date | None = None) -> int:
    """Return claimed wishes not fulfilled by their date to the board, then close published (or
    unreviewed) wishes past their date as expired. Idempotent; returns the number of steps taken."""
    today = today or timezone.localdate()
    count = 0
    for wish in Wish.objects.filter(status=S.CLAIMED, fulfil_by__lt=today):
        wish_transition(actor=None, wish=wish, action=A.RELEASE, note=_("Not fulfilled by the promised date."))
        count += 1
    for wish in Wish.objects.filter(status__in=(S.SUBMITTED, S.PUBLISHED), expires_on__lt=today):
        wish_transition(actor=None, wish=wish, action=A.EXPIRE, note=_("The wish's date has passed."))
        count += 1
    return count
