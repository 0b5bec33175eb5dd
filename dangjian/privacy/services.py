"""Writes of residents' personal-information rights: recording consent with the form it came with,
the resident's requests (correction, deletion, withdrawal) and their handling, the erasure of a
resident, and the download of their own data.

Each service validates, runs in one transaction and writes one audit entry; errors are
``ValidationError``s with codes (``consent_required``, ``open_matters`` …)."""
from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log

from . import selectors
from .choices import Purpose, RequestKind, RequestStatus
from .models import Consent, PersonalDataRequest, PersonalDataRequestStep
from .notice import notice_version

CONSENT_FIELD = "consent"
# Transitions of a request (architecture rule 2): from → allowed targets.
TRANSITIONS = {RequestStatus.SUBMITTED: (RequestStatus.DONE, RequestStatus.REFUSED)}


# Consent ------------------------------------------------------------------------------------------------------

def consent_record(*, user, purpose: str, obj=None) -> Consent:
    """Record that ``user`` agreed to the current notice for ``purpose`` (inside the caller's transaction)."""
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown purpose {purpose!r}")
    return Consent.objects.create(user=user if getattr(user, "pk", None) else None, purpose=purpose,
                                  notice_version=notice_version(),
                                  object_id=str(obj.pk) if getattr(obj, "pk", None) else "")


def with_consent(*, actor, purpose: str, data: dict, run):
    """The hook for resident forms: refuse without the consent box ticked, else run the form's
    service ``run(data without the box)`` and record the consent in the same transaction, so a
    form is saved with its consent or not at all."""
    data = dict(data)
    if not data.pop(CONSENT_FIELD, False):
        raise ValidationError({CONSENT_FIELD: ValidationError(
            _("Please read the privacy notice and tick the box to agree."), code="consent_required")})
    with transaction.atomic():
        result = run(data)
        consent_record(user=actor, purpose=purpose, obj=result)
    return result


# Requests about personal data ---------------------------------------------------------------------------------

def _admins():
    return get_user_model().objects.filter(is_superuser=True, is_active=True)


def _log(request, *, actor, from_status: str, note: str = ""):
    PersonalDataRequestStep.objects.create(
        request=request, from_status=from_status, to_status=request.status, note=note, at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else "")


def data_request_submit(*, actor, kind: str, details: str = "") -> PersonalDataRequest:
    """A resident asks to correct or delete their personal data or to withdraw consent. Due in 15
    working days; the administrators are told."""
    from dangjian.notices.services import notify

    details = (details or "").strip()
    if kind not in RequestKind.values:
        raise ValidationError({"kind": ValidationError(_("Choose what you ask for."), code="kind")})
    if kind == RequestKind.CORRECTION and not details:
        raise ValidationError({"details": ValidationError(_("Say what is wrong and what it should be."),
                                                          code="details_required")})
    if len(details) > 2000:
        raise ValidationError({"details": ValidationError(_("At most 2000 characters."), code="too_long")})
    with transaction.atomic():
        if PersonalDataRequest.objects.filter(user=actor, kind=kind, status=RequestStatus.SUBMITTED).exists():
            raise ValidationError(ValidationError(_("You have a request of this kind in progress already."),
                                                  code="duplicate"))
        request = PersonalDataRequest.objects.create(user=actor, kind=kind, details=details,
                                                     submitted_at=timezone.now())
        _log(request, actor=actor, from_status="")
        audit_log(actor=actor, action="privacy.request_submitted", obj=request, changes={"kind": kind})
        notify(_admins(), title=_("A resident asks about their personal information"),
               body=request.get_kind_display(), url=reverse("privacy:request", args=[request.pk]))
    return request


def data_request_decide(*, actor, request: PersonalDataRequest, to: str, note: str,
                        expected_status: str | None = RequestStatus.SUBMITTED) -> PersonalDataRequest:
    """An administrator answers a request: ``done`` (a correction states what was changed; a
    deletion erases the resident, see ``resident_erase``; a withdrawal marks their consents
    withdrawn) or ``refused`` with the reason. The resident is told."""
    from dangjian.notices.services import notify

    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    note = (note or "").strip()
    with transaction.atomic():
        locked = PersonalDataRequest.objects.select_for_update().get(pk=request.pk)
        if to not in TRANSITIONS.get(locked.status, ()) or (expected_status and locked.status != expected_status):
            raise ValidationError(ValidationError(_("This request is “%(status)s” now; it cannot be answered again.")
                                                  % {"status": locked.get_status_display()}, code="status"))
        if not note and (to == RequestStatus.REFUSED or locked.kind == RequestKind.CORRECTION):
            message = _("Give the reason, for the resident.") if to == RequestStatus.REFUSED else \
                _("Say what was corrected, for the resident.")
            raise ValidationError({"note": ValidationError(message, code="note_required")})
        resident = locked.user
        if to == RequestStatus.DONE and locked.kind == RequestKind.DELETION:
            resident_erase(actor=actor, user=resident, note=note)
        elif to == RequestStatus.DONE and locked.kind == RequestKind.WITHDRAW:
            Consent.objects.filter(user=resident, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        from_status = locked.status
        locked.status, locked.outcome = to, note
        locked.decided_at, locked.decided_by = timezone.now(), actor
        locked.save(update_fields=["status", "outcome", "decided_at", "decided_by"])
        _log(locked, actor=actor, from_status=from_status, note=note)
        audit_log(actor=actor, action=f"privacy.request_{to}", obj=locked,
                  changes={"kind": locked.kind, "status": [from_status, to]})
        title = _("Your request about personal information is done") if to == RequestStatus.DONE else \
            _("Your request about personal information is refused")
        notify([resident], title=title, body=f"{locked.get_kind_display()}：{note}" if note else locked.get_kind_display(),
               url=reverse("privacy:mine"))
    return locked


def resident_erase(*, actor, user, note: str = "") -> None:
    """Erase a resident (删除): blank their name, phone, e-mail and other personal fields on their
    requests, wishes and bookings (the matters stay, for statistics), withdraw their consents,
    deactivate the account and rename it ``erased-<id>``. Refused while a matter of theirs is
    still open (it is finished or cancelled first) and for Party members, whose records are kept
    under the Party's rules."""
    from dangjian.centres.models import Booking
    from dangjian.grid.models import ServiceRequest
    from dangjian.members.models import Member
    from dangjian.wishes.models import Wish

    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if Member.objects.filter(user=user).exists():
        raise ValidationError(ValidationError(_("This account belongs to a Party member; member records are not "
                                                "erased here."), code="member"))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        open_now = selectors.open_matters(user)
        if any(open_now.values()):
            raise ValidationError(ValidationError(
                _("Matters still open: %(requests)s requests, %(wishes)s wishes, %(bookings)s coming bookings. "
                  "Finish or cancel them first, or refuse the deletion saying so.")
                % {k: len(v) for k, v in open_now.items()}, code="open_matters"))
        counts = {
            "requests": ServiceRequest.objects.filter(reporter=user).update(
                contact_name="", contact_phone="", phone_masked="", contact_email=""),
            "wishes": Wish.objects.filter(wisher=user).update(surname="", honorific="", contact_phone="",
                                                              phone_masked=""),
            "bookings": Booking.objects.filter(user=user).update(contact_phone="", phone_masked="", note=""),
        }
        Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        old_name = user.get_username()
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.full_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        _forget_tokens(user)
        audit_log(actor=actor, action="privacy.resident_erased", obj=user, note=note,
                  changes={**counts, "account": [old_name[:1] + "…", user.username]})


def _forget_tokens(user) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def own_data_download(*, actor) -> bytes:
    """A copy of everything the platform holds about the resident (复制), as JSON; logged."""
    data = selectors.own_data(actor)
    with transaction.atomic():
        audit_log(actor=actor, action="privacy.exported_own", obj=actor,
                  changes={k: len(v) for k, v in data.items() if isinstance(v, list)})
    payload = {"generated_at": timezone.localtime().isoformat(timespec="seconds"),
               "notice_version": notice_version(), **data}
    return json.dumps(payload, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()


def contacts_purge(*, today=None) -> dict[str, int]:
    """Blank the contact details kept with matters that ended longer ago than the notice's
    retention days (``[retention]`` of ``notice.toml``); the matters stay. Run daily by
    ``manage.py privacy_purge``; one audit entry with the counts when anything was blanked."""
    import datetime

    from django.db.models import Q

    from dangjian.centres.models import Booking
    from dangjian.grid.choices import FINISHED
    from dangjian.grid.models import ServiceRequest
    from dangjian.wishes.models import Wish

    from .notice import retention_days

    today = today or timezone.localdate()

    def cutoff(key):
        day = today - datetime.timedelta(days=retention_days(key))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    request_cut = cutoff("request_contact_days")
    with transaction.atomic():
        counts = {
            "requests": ServiceRequest.objects.filter(status__in=FINISHED).filter(
                Q(closed_at__lt=request_cut) | Q(closed_at__isnull=True, updated_at__lt=request_cut)).exclude(
                contact_name="", phone_masked="", contact_email="").update(
                contact_name="", contact_phone="", phone_masked="", contact_email=""),
            "wishes": Wish.objects.filter(status__in=("fulfilled", "thanked", "rejected", "expired"),
                                          updated_at__lt=cutoff("wish_contact_days")).exclude(phone_masked="").update(
                contact_phone="", phone_masked=""),
            "bookings": Booking.objects.filter(
                day__lt=today - datetime.timedelta(days=retention_days("booking_contact_days"))).exclude(
                phone_masked="", note="").update(contact_phone="", phone_masked="", note=""),
        }
        if any(counts.values()):
            audit_log(actor=None, action="privacy.contacts_purged", changes=counts)
    return counts
