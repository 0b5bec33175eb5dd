"""Serving stored files (attachments, evidence, photos) to those who may see the record they belong to."""
from django.http import FileResponse, Http404


def stored_file_response(field_file, *, filename: str | None = None, attachment: bool = True) -> FileResponse:
    """The file of a ``FileField`` value as a download (or shown in the page, ``attachment=False``, for
    photos). An empty field or a file missing from storage answers 404. Callers check access first."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError included
        raise Http404 from None
    name = filename or field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=attachment, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
