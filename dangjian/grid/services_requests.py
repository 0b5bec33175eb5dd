"""Services around requests beyond the lifecycle (``workflow``): photos, revealing the resident's
contact, and the combined "accept, register and dispatch" of a dispatcher."""
from __future__ import annotations

import io
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log

from .choices import RequestAction, RequestStatus
from .models import RequestAttachment, ServiceRequest
from .workflow import capacities, request_file, request_transition

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": ("jpg", "JPEG"), "PNG": ("png", "PNG"), "WEBP": ("webp", "WEBP")}
MAX_PHOTO_SIDE = 2560


# A phone camera takes at most about 50 megapixels; anything larger is refused before it is decoded.
MAX_PHOTO_PIXELS = 60_000_000


def clean_photo(upload) -> ContentFile:
    """A photo checked (JPEG, PNG or WebP, at most 10 MB) and re-encoded without its metadata
    (EXIF, GPS position, camera), ready to be saved."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("A photo may be at most 10 MB.")})
    try:
        upload.seek(0)
        image = Image.open(upload)
        kind = image.format
        if image.width * image.height > MAX_PHOTO_PIXELS:  # checked before decoding (a decompression bomb)
            raise ValidationError({"photo": _("The photo is too large; please send a smaller one.")})
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"photo": _("Please send a photo (JPEG, PNG or WebP).")}) from None
    if kind not in PHOTO_FORMATS:
        raise ValidationError({"photo": _("Please send a photo (JPEG, PNG or WebP).")})
    image = ImageOps.exif_transpose(image)  # keep the photo upright once the orientation tag is gone
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    ext, save_as = PHOTO_FORMATS[kind]
    if save_as == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=save_as, **({"quality": 85} if save_as in ("JPEG", "WEBP") else {}))
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def _keep_photo(*, actor, request: ServiceRequest, content: ContentFile, action: str) -> RequestAttachment:
    """Keep a cleaned photo with a request (inside the step's transaction; the step authorized it)."""
    attachment = RequestAttachment.objects.create(request=request, file=content, action=action,
                                                  uploaded_by=actor if getattr(actor, "pk", None) else None)
    audit_log(actor=actor, action="request.attachment_added", obj=request, organization=request.organization,
              changes={"step": action})
    return attachment


def request_file_with_photo(*, actor, photo=None, **fields) -> ServiceRequest:
    """File a request (see ``workflow.request_file``) and keep its photo, all or nothing. The photo
    is checked first, so a bad photo files nothing."""
    content = clean_photo(photo) if photo is not None else None
    with transaction.atomic():
        request = request_file(actor=actor, **fields)
        if content is not None:
            _keep_photo(actor=actor, request=request, content=content, action=RequestAction.FILE)
    return request


def request_step_with_photo(*, actor, request: ServiceRequest, action: str, photo=None, **params) -> ServiceRequest:
    """Take a step (see ``workflow.request_transition``) and keep its photo (the evidence of handling),
    all or nothing; the photo is checked first."""
    content = clean_photo(photo) if photo is not None else None
    with transaction.atomic():
        request = request_transition(request=request, action=action, actor=actor, **params)
        if content is not None:
            _keep_photo(actor=actor, request=request, content=content, action=action)
    return request


def request_reveal(*, actor, request: ServiceRequest, purpose: str) -> str:
    """The resident's full contact phone, for those who act on the request as staff, logged with
    the stated purpose."""
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise ValidationError({"purpose": _("State why you need to see this information.")})
    if not may_reveal(actor, request):
        raise PermissionDenied
    value = ServiceRequest.objects.values_list("contact_phone", flat=True).get(pk=request.pk)
    with transaction.atomic():
        audit_log(actor=actor, action="request.revealed", obj=request, organization=request.organization,
                  changes={"field": "contact_phone"}, note=purpose)
    return value


def may_reveal(user, request: ServiceRequest) -> bool:
    """Staff acting on the request (grid staff, its team, dispatchers) may see the phone in full."""
    from .choices import ActorRole

    return bool(capacities(user, request) & {ActorRole.GRID_WORKER, ActorRole.TEAM, ActorRole.DISPATCHER,
                                             ActorRole.SUBDISTRICT})


def request_take_in(*, actor, request: ServiceRequest, team=None, urgency: str = "", category=None,
                    note: str = "") -> ServiceRequest:
    """Accept, register and dispatch a reported request at once (three logged steps, all or none)."""
    with transaction.atomic():
        request = request_transition(request=request, action=RequestAction.ACCEPT, actor=actor, note=note,
                                     expected_status=RequestStatus.REPORTED)
        request = request_transition(request=request, action=RequestAction.REGISTER, actor=actor,
                                     expected_status=RequestStatus.ACCEPTED, urgency=urgency, category=category)
        request = request_transition(request=request, action=RequestAction.DISPATCH, actor=actor,
                                     expected_status=RequestStatus.REGISTERED, team=team)
    return request
