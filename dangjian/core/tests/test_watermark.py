"""Downloads carry who exported them and when: xlsx headers/footers and properties, docx footers."""
import datetime
import io
import time
import zipfile

import openpyxl
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import Workbook

from dangjian.core.watermark import MARK, stamped_for, watermark
from dangjian.members.exporting import members_export


def _workbook(rows=3, sheets=2) -> bytes:
    book = Workbook()
    for index in range(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"S{index}")
        sheet.oddFooter.center.text = "old footer"
        for n in range(rows):
            sheet.append([n, f"行{n}", "x" * 20])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_every_sheet_and_the_properties_are_stamped(personas):
    user = personas["branch"]
    at = timezone.make_aware(datetime.datetime(2026, 12, 7, 10, 20))
    stamped = watermark(_workbook(), kind="xlsx", user=user, at=at)
    book = openpyxl.load_workbook(io.BytesIO(stamped))
    assert len(book.worksheets) == 2
    for sheet in book.worksheets:
        assert user.get_full_name() in sheet.oddHeader.center.text
        assert "2026-12-07 10:20" in sheet.oddHeader.center.text
        assert user.username in sheet.oddFooter.left.text
        assert sheet["B2"].value == "行1"  # the data is untouched
    assert user.get_full_name() in book.properties.creator
    assert "2026-12-07 10:20" in book.properties.description
    assert stamped_for(stamped, user) and not stamped_for(stamped, personas["sibling"])


def test_a_real_xlsx_download_is_stamped_for_the_downloader(client_for, personas, org):
    response = client_for("branch").get(reverse("dues:ledger_xlsx"), {"org": org["branch"].pk})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert int(response["Content-Length"]) == len(content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    name = personas["branch"].get_full_name()
    assert all(name in sheet.oddHeader.center.text for sheet in book.worksheets)
    assert book.properties.keywords == MARK + "branch"


def test_a_real_docx_download_is_stamped(client_for, personas, org):
    response = client_for("branch").get(reverse("orglife:ledger_docx"), {"org": org["branch"].pk, "year": 2026})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    name = personas["branch"].get_full_name()
    assert all(any(name in p.text for p in section.footer.paragraphs) for section in document.sections)
    assert name in document.core_properties.author
    # Stamping again (another download) replaces the stamp instead of adding a second one.
    again = Document(io.BytesIO(watermark(response.content, kind="docx", user=personas["branch"])))
    assert sum(name in p.text for p in again.sections[0].footer.paragraphs) == 1


def test_streamed_file_responses_are_stamped(client_for, personas):
    response = client_for("branch").get(reverse("members:import_template"))
    assert response.status_code == 200 and response.streaming
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert personas["branch"].get_full_name() in book.worksheets[0].oddHeader.center.text


def test_background_exports_are_stamped_for_the_requester_once(settings, tmp_path, personas, client_for,
                                                               django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        outcome = members_export(actor=personas["branch"], params={})
    export = outcome.export
    export.refresh_from_db()
    assert export.status == "done", export.error
    with export.file.open("rb") as handle:
        written = handle.read()
    assert stamped_for(written, personas["branch"])
    response = client_for("branch").get(reverse("members:export_download", args=[export.pk]))
    assert b"".join(response.streaming_content) == written  # the middleware does not stamp twice


def test_anonymous_and_other_responses_are_left_alone(client):
    assert client.get(reverse("healthz")).status_code in (200, 503)


def test_cost_on_five_thousand_rows(personas):
    content = _workbook(rows=5000, sheets=1)
    started = time.perf_counter()
    stamped = watermark(content, kind="xlsx", user=personas["branch"])
    elapsed = time.perf_counter() - started
    print(f"watermark of a 5,000-row xlsx ({len(content)} bytes): {elapsed * 1000:.0f} ms")
    assert zipfile.ZipFile(io.BytesIO(stamped)).testzip() is None
    assert elapsed < 5


def _docx_bytes(text="会议纪要") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_uploaded_attachments_download_byte_identical(settings, tmp_path, client_for, org):
    from django.core.files.base import ContentFile

    from dangjian.orglife.models import Meeting, MeetingAttachment

    settings.MEDIA_ROOT = tmp_path
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t", starts_at=timezone.now())
    original = _docx_bytes()
    item = MeetingAttachment.objects.create(meeting=meeting, file=ContentFile(original, name="minutes.docx"),
                                            title="会议纪要.docx")
    response = client_for("branch").get(reverse("orglife:attachment", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert b"".join(response.streaming_content) == original  # the user's own document is not rewritten


def _middleware_answer(rf, user, response):
    from dangjian.core.watermark import WatermarkMiddleware

    request = rf.get("/x/")
    request.user = user
    return WatermarkMiddleware(lambda _request: response)(request)


def test_files_unpacking_beyond_the_limit_go_out_as_written(settings, rf, personas, caplog):
    from django.http import HttpResponse

    from dangjian.core.watermark import XLSX

    big = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook())) as source, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * 3_000_000)  # compresses to a few kB
    content = big.getvalue()
    assert len(content) < 100_000
    settings.WATERMARK_MAX_UNCOMPRESSED = 2_000_000
    with caplog.at_level("WARNING", logger="dangjian.core.watermark"):
        answered = _middleware_answer(rf, personas["branch"], HttpResponse(content, content_type=XLSX))
    assert answered.content == content and "unpacks to" in caplog.text
    settings.WATERMARK_MAX_UNCOMPRESSED = 4_000_000  # under the limit the same file is stamped
    stamped = _middleware_answer(rf, personas["branch"], HttpResponse(content, content_type=XLSX)).content
    assert stamped_for(stamped, personas["branch"])


def test_generated_file_responses_are_stamped_stored_ones_are_not(settings, tmp_path, rf, personas):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage
    from django.http import FileResponse

    from dangjian.core.watermark import XLSX

    content = _workbook()
    generated = _middleware_answer(rf, personas["branch"], FileResponse(io.BytesIO(content), content_type=XLSX))
    assert stamped_for(b"".join(generated.streaming_content), personas["branch"])
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("upload.xlsx", ContentFile(content))
    stored = _middleware_answer(rf, personas["branch"], FileResponse(storage.open(name, "rb"), content_type=XLSX))
    assert b"".join(stored.streaming_content) == content
