"""Watermarked downloads (导出水印): every spreadsheet and Word file a user takes away says who took
it and when, so a copy found elsewhere can be traced to the export in the audit log.

:func:`watermark` stamps a file: in an xlsx every sheet's printed header and footer and the
document properties (creator, description); in a docx each section's footer and the core
properties. The stamp is applied in two places only: :class:`WatermarkMiddleware` for files
answered at once (any view whose response is xlsx or docx for a signed-in user), and
:func:`dangjian.core.exports.export_run` for files written by the worker (stamped for the
requester; the middleware sees the mark and leaves them). Zip packs are not opened.

Only files the platform generates are stamped. Stored files (a ``django.core.files.File`` behind a
``FileResponse``: users' attachments, which go out byte for byte, and the worker's exports, stamped
already) are not opened, and a file larger than :data:`MAX_UNCOMPRESSED` unpacked goes out as
written (logged) rather than being unpacked in a worker's memory.
"""
import io
import logging
import zipfile
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = {XLSX: "xlsx", DOCX: "docx"}
# The language of the stamp, like the rest of the files' text (core.spreadsheets.FILE_LANGUAGE).
FILE_LANGUAGE = "zh-hans"
# Kept in the file's keywords property: marks a stamped file and for whom.
MARK = "dangjian-watermark:"
# The most a download may unpack to (all zip members together) for the middleware to stamp it;
# ``WATERMARK_MAX_UNCOMPRESSED`` in the settings overrides it.
MAX_UNCOMPRESSED = 100 * 1024 * 1024

_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
# Worksheet elements that must come after <headerFooter> (ECMA-376 CT_Worksheet order).
_AFTER_HEADER_FOOTER = ("<rowBreaks", "<colBreaks", "<customProperties", "<cellWatches", "<ignoredErrors",
                        "<smartTags", "<drawing", "<legacyDrawing", "<drawingHF", "<picture", "<oleObjects",
                        "<controls", "<webPublishItems", "<tableParts", "<extLst", "</worksheet>")


def who(user) -> str:
    """``姓名(用户名)``, or the user name alone for accounts without a name."""
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return f"{name}({user.get_username()})" if name else user.get_username()


def stamp_text(user, at) -> str:
    """``导出人 姓名(用户名) · 2026-12-07 10:20 · 基层党建工作平台``."""
    with translation.override(FILE_LANGUAGE):
        return _("Exported by %(who)s · %(at)s · %(platform)s") % {
            "who": who(user), "at": f"{timezone.localtime(at):%Y-%m-%d %H:%M}",
            "platform": _("Grassroots Party-building Platform"),
        }


def watermark(content: bytes, *, kind: str, user, at=None) -> bytes:
    """``content`` (an xlsx or docx file) stamped with who exported it and when."""
    at = at or timezone.now()
    if kind == "xlsx":
        return _xlsx(content, stamp_text(user, at), user)
    if kind == "docx":
        return _docx(content, stamp_text(user, at), user)
    raise ValueError(f"Cannot watermark {kind!r} files")


def watermark_file(target, *, kind: str, user, at=None) -> None:
    """Stamp an open, seekable binary file in place (background exports)."""
    if kind not in ("xlsx", "docx"):
        return
    target.seek(0)
    stamped = watermark(target.read(), kind=kind, user=user, at=at)
    target.seek(0)
    target.truncate()
    target.write(stamped)
    target.seek(0)


def stamped_for(content: bytes, user) -> bool:
    """Whether the file already carries the stamp for ``user`` (written by the worker)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            core = archive.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError):
        return False
    keywords = etree.fromstring(core).find(f"{{{_CP}}}keywords")
    return keywords is not None and (keywords.text or "") == MARK + user.get_username()


# xlsx ---------------------------------------------------------------------------------------------

def _header_code(text: str) -> str:
    """Text for an Excel header/footer section: '&' doubled (it starts codes), at most 200 characters."""
    return text.replace("&", "&&")[:200]


def _sheet_xml(xml: str, text: str) -> str:
    code = escape(_header_code(text))
    block = (f"<headerFooter><oddHeader>&amp;C{code}</oddHeader>"
             f"<oddFooter>&amp;L{code}&amp;R&amp;P / &amp;N</oddFooter></headerFooter>")
    tail_from = max(xml.rfind("</sheetData>"), xml.rfind("<sheetData/>"), 0)
    start = xml.find("<headerFooter", tail_from)
    if start != -1:  # replace the sheet's own header and footer
        open_end = xml.find(">", start)
        end = open_end + 1 if xml[open_end - 1] == "/" else (
            xml.find("</headerFooter>", open_end) + len("</headerFooter>"))
        return xml[:start] + block + xml[end:]
    positions = [p for p in (xml.find(tag, tail_from) for tag in _AFTER_HEADER_FOOTER) if p != -1]
    at = min(positions)
    return xml[:at] + block + xml[at:]


def _core_xml(core: bytes, text: str, user) -> bytes:
    root = etree.fromstring(core)
    values = {(_DC, "creator"): who(user), (_DC, "description"): text, (_CP, "keywords"): MARK + user.get_username(),
              (_CP, "lastModifiedBy"): who(user)}
    for (ns, name), value in values.items():
        element = root.find(f"{{{ns}}}{name}")
        if element is None:
            element = etree.SubElement(root, f"{{{ns}}}{name}")
        element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _xlsx(content: bytes, text: str, user) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
                data = _sheet_xml(data.decode("utf-8"), text).encode("utf-8")
            elif info.filename == "docProps/core.xml":
                data = _core_xml(data, text, user)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# docx ---------------------------------------------------------------------------------------------

def _docx(content: bytes, text: str, user) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document(io.BytesIO(content))
    properties = document.core_properties
    previous = properties.comments if (properties.keywords or "").startswith(MARK) else None
    both_pages = document.settings.odd_and_even_pages_header_footer
    for index, section in enumerate(document.sections):
        footers = [section.footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        if both_pages:
            footers.append(section.even_page_footer)
        for footer in footers:
            if index and footer.is_linked_to_previous:
                continue
            if previous:  # stamped before (by the worker): the new stamp replaces the old one
                for paragraph in footer.paragraphs:
                    if paragraph.text == previous:
                        paragraph._element.getparent().remove(paragraph._element)
            paragraph = footer.add_paragraph(text)
            for run in paragraph.runs:
                run.font.size = Pt(8)
    properties.author = who(user)
    properties.last_modified_by = who(user)
    properties.comments = text
    properties.keywords = MARK + user.get_username()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# The middleware -----------------------------------------------------------------------------------

def unpacked_size(content: bytes) -> int | None:
    """The total size of a zip file's members as its directory declares them (reading a member
    never gives more than declared), or None when it is no zip file."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return None


def is_stored_file(response) -> bool:
    """Whether a response streams a stored file (an upload or a finished background export)."""
    return isinstance(getattr(response, "file_to_stream", None), File)


class WatermarkMiddleware:
    """Stamps every xlsx or docx the platform generates for a signed-in user (HttpResponse and
    FileResponse alike).

    Stored files are left as they are: users' uploaded attachments (never rewritten) and files the
    worker stamped already (background exports). So are files that would unpack to more than
    :data:`MAX_UNCOMPRESSED`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = KINDS.get(response.get("Content-Type", "").split(";")[0].strip())
        user = getattr(request, "user", None)
        if kind is None or response.status_code != 200 or user is None or not user.is_authenticated:
            return response
        if is_stored_file(response):
            return response
        streaming = response.streaming
        content = b"".join(response.streaming_content) if streaming else response.content
        limit = getattr(settings, "WATERMARK_MAX_UNCOMPRESSED", MAX_UNCOMPRESSED)
        size = unpacked_size(content)
        if size is not None and size > limit:
            logger.warning("Not watermarking a %s download for %s: it unpacks to %s bytes (limit %s)",
                           kind, user.get_username(), size, limit)
            stamped = content
        elif stamped_for(content, user):
            stamped = content
        else:
            try:
                stamped = watermark(content, kind=kind, user=user)
            except Exception:  # a file that cannot be opened goes out as written, and the failure is logged
                logger.exception("Could not watermark a %s download for %s", kind, user.get_username())
                stamped = content
        if streaming:
            response.streaming_content = [stamped]
        else:
            response.content = stamped
        response["Content-Length"] = str(len(stamped))
        return response
