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
    """An uploaded evidence file checked (type, size, content), ready to be saved. Photos come back
    re-encoded without their metadata under a random name; documents keep their file name. Errors are
    raised under ``field``."""
    from dangjian.grid.services_requests import clean_photo

    name = Path(getattr(upload, "name", "") or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError({field: ValidationError(
            _("Only PDF, Word, Excel files and JPG or PNG photos can be attached."), code="evidence_file_type")})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({field: ValidationError(_("The file may be at most 10 MB."), code="evidence_file_size")})
    if suffix in PHOTO_TYPES:
        try:
            return clean_photo(upload)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if not any(content.startswith(magic) for magic in _MAGIC[suffix]):
        raise ValidationError({field: ValidationError(
            _("The file is not a valid %(kind)s file.") % {"kind": suffix[1:].upper()}, code="evidence_file_content")})
    return ContentFile(content, name=name)
