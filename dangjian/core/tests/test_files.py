"""Serving stored files: a download, a photo shown in the page, and 404 for an empty or lost file."""
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from dangjian.core.files import stored_file_response
from dangjian.notices.models import Notice


def _field_file(name):
    return FieldFile(instance=Notice(), field=Notice._meta.get_field("attachment"), name=name)


def test_a_stored_file_is_a_private_download_with_its_own_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("notices/通知.pdf", ContentFile(b"%PDF-1.4 test"))
    response = stored_file_response(_field_file(name))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "private" in response["Cache-Control"]
    shown = stored_file_response(_field_file(name), attachment=False, filename="照片.pdf")
    assert shown["Content-Disposition"].startswith("inline")


def test_an_empty_or_lost_file_answers_404(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Http404):
        stored_file_response(_field_file(""))
    with pytest.raises(Http404):
        stored_file_response(_field_file("notices/gone.pdf"))
