"""Plain-text e-mails are rendered without HTML escaping.

Django's template engine escapes `"`, `&`, `<` for HTML; in a text/plain letter those would
reach the reader as `&quot;`, `&amp;`, `&lt;`. Every e-mail body and subject goes through
`render_plain_text`, which renders the same templates with autoescape off.
"""

from __future__ import annotations

from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    # The backend's Template wraps the engine's one; only the latter takes a Context,
    # and only a Context says "no escaping" for every tag of the template and its includes.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))
