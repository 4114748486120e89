"""The two formats of GeoReport v2: JSON and XML, the same data in both.

A response body is built once as plain data (lists of dicts of scalars, lists and None),
then rendered here. The XML follows the spec's layout: a root element, one child per list
item (`<services><service>…`), nested lists under their plural name with singular children
(`<attributes><attribute>…`, `<values><value>…`), None as an empty element, booleans as
`true`/`false`.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

from .errors import ApiError

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
# The spec's media types, as the discovery document lists them.
MEDIA_TYPES = ("text/xml", "application/json")

# A nested list's element name → its items' element name.
SINGULAR = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "services": "service",
    "service_requests": "request",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        child_tag = SINGULAR.get(element.tag, "item")
        for item in value:
            _fill(ElementTree.SubElement(element, child_tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    """`body` under `<root>`: a list becomes one child per item (the spec's layout)."""
    element = ElementTree.Element(root)
    _fill(element, body)
    return ElementTree.tostring(element, encoding="UTF-8", xml_declaration=True)


def render(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    """The response in `fmt`; `root` names the XML root element (ignored by JSON)."""
    if fmt == XML:
        content = to_xml(root, body)
    else:
        content = json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_entries(error: ApiError) -> list[dict[str, Any]]:
    errors = getattr(error, "errors", None) or [error]
    return [{"code": entry.code, "description": entry.description} for entry in errors]


def render_error(fmt: str, error: ApiError) -> HttpResponse:
    """The spec's error list, with the error's HTTP status."""
    response = render(fmt if fmt in FORMATS else JSON, "errors", error_entries(error),
                      status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response
