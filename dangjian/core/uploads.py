"""Checking uploaded evidence files (证明材料): Office documents, PDF and photos, at most 10 MB.

A file must be what its name says: its first bytes are compared with the signature of its kind.
Photos come back re-encoded without their metadata (EXIF, position, camera).
"""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

# The `accept` attribute of an evidence file input.
EVIDENCE_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = frozenset({".jpg", ".jpeg", ".png"})
# The first bytes of each kind of document: a file must be what its name says.
_MAGIC = {".pdf": (b"%PDF",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",),
          ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",)}
EVIDENCE_TYPES = frozenset(_MAGIC) | PHOTO_TYPES


def clean_evidence(upload, field: str = "evidence") -> ContentFile:
    """An uploaded evidence file checked (type, size, content), ready to be saved: :func:`clean_upload`
    with the evidence kinds, errors coded ``evidence_file_type``, ``_size``, ``_content`` under ``field``."""
    return clean_upload(upload, field=field, types=EVIDENCE_TYPES, code="evidence_file")


# Further kinds some pages accept besides evidence (meeting files, course material, recruitment
# documents, notice attachments), each with the first bytes it must start with.
_MORE_MAGIC = {".ppt": (b"\xd0\xcf\x11\xe0",), ".pptx": (b"PK\x03\x04",), ".gif": (b"GIF87a", b"GIF89a")}
REENCODED_PHOTOS = frozenset({".jpg", ".jpeg", ".png", ".webp"})


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def clean_upload(upload, *, field: str, types, max_bytes: int = EVIDENCE_MAX_BYTES,
                 code: str = "upload_file") -> ContentFile:
    """An uploaded file checked like evidence (its kind among ``types``, its size, its first bytes
    matching its kind; a text file must be text), ready to be saved. JPEG, PNG and WebP photos come
    back re-encoded without their metadata under a random name; other files keep their name. Errors
    are raised under ``field`` with codes ``<code>_type``, ``<code>_size``, ``<code>_content``."""
    from dangjian.grid.services_requests import clean_photo

    name = Path(getattr(upload, "name", "") or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in types:
        raise ValidationError({field: ValidationError(
            _("%(name)s: this kind of file cannot be attached (allowed: %(types)s).")
            % {"name": name, "types": " ".join(sorted(t.lstrip(".") for t in types))}, code=f"{code}_type")})
    if upload.size > max_bytes:
        raise ValidationError({field: ValidationError(_("%(name)s is larger than %(mb)s MB.")
                                                      % {"name": name, "mb": max_bytes // (1024 * 1024)},
                                                      code=f"{code}_size")})
    if suffix in REENCODED_PHOTOS:
        try:
            return clean_photo(upload)
        except ValidationError:
            raise ValidationError({field: ValidationError(_("%(name)s is not a valid photo.") % {"name": name},
                                                          code=f"{code}_content")}) from None
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    magic = {**_MAGIC, **_MORE_MAGIC}.get(suffix)
    valid = _is_text(content) if suffix == ".txt" else bool(magic) and any(content.startswith(m) for m in magic)
    if not valid:
        raise ValidationError({field: ValidationError(
            _("%(name)s is not a valid %(kind)s file.") % {"name": name, "kind": suffix[1:].upper()},
            code=f"{code}_content")})
    return ContentFile(content, name=name)
