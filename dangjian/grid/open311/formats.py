"""JSON and XML answers of the Open311 endpoints (UTF-8; XML built with ``xml.etree``).

Every answer is a Python structure of dicts, lists and scalars. In XML a list becomes one element
per item, named by :data:`ITEM_TAGS` (``services`` → ``service``, ``attributes`` → ``attribute`` …),
booleans are ``true``/``false`` and ``None`` an empty element.
"""
from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element of each item of a list, by the list's element name.
ITEM_TAGS = {
    "services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
    "formats": "format", "service_requests": "request", "errors": "error",
}


def iso(value) -> str | None:
    """A date-time in ISO 8601 with the offset of the site's time zone (+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _plain(value):
    if isinstance(value, datetime.datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS.get(element.tag, "item")
        for inner in value:
            _fill(ET.SubElement(element, tag), inner)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    """``data`` under the element ``root`` (a list: one child per item, see :data:`ITEM_TAGS`)."""
    element = ET.Element(root)
    _fill(element, _plain(data))
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def to_json(data) -> bytes:
    return json.dumps(_plain(data), ensure_ascii=False).encode("utf-8")


def render(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """The answer in ``fmt``: ``root`` names the XML root element (``services``, ``service_requests`` …)."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
