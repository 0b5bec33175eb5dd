"""Evidence uploads: type by name, size, content by magic bytes, photos re-encoded without EXIF."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.uploads import EVIDENCE_ACCEPT, EVIDENCE_MAX_BYTES, clean_evidence


def _codes(exc: ValidationError, field: str = "evidence") -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def _jpeg_with_exif() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_accept_lists_every_allowed_type():
    assert set(EVIDENCE_ACCEPT.split(",")) == {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png"}


def test_a_real_pdf_is_kept_with_its_name():
    content = clean_evidence(SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 body"))
    assert content.name == "会议记录.pdf"
    assert content.read() == b"%PDF-1.4 body"


def test_old_office_and_new_office_signatures():
    assert clean_evidence(SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 body")).name == "a.doc"
    assert clean_evidence(SimpleUploadedFile("a.xlsx", b"PK\x03\x04 body")).name == "a.xlsx"


def test_a_file_that_is_not_what_its_name_says_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable"))
    assert _codes(exc.value) == ["evidence_file_content"]
    assert "PDF" in exc.value.error_dict["evidence"][0].messages[0]


@pytest.mark.parametrize("name", ["run.exe", "page.html", "noextension", "a.svg"])
def test_other_types_are_refused(name):
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile(name, b"%PDF-1.4"))
    assert _codes(exc.value) == ["evidence_file_type"]


def test_size_limit():
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * EVIDENCE_MAX_BYTES)
    with pytest.raises(ValidationError) as exc:
        clean_evidence(upload)
    assert _codes(exc.value) == ["evidence_file_size"]


def test_errors_go_under_the_given_field():
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile("x.exe", b""), field="file")
    assert _codes(exc.value, "file") == ["evidence_file_type"]


def test_photos_are_re_encoded_without_exif():
    from PIL import Image

    content = clean_evidence(SimpleUploadedFile("photo.jpg", _jpeg_with_exif()))
    assert content.name != "photo.jpg"
    image = Image.open(io.BytesIO(content.read()))
    assert "SecretCamera" not in str(dict(image.getexif()))


def test_a_photo_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile("photo.png", b"%PDF-1.4 not a photo"))
    assert "evidence" in exc.value.error_dict
