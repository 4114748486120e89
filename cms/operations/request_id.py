"""A request id in every log line of a request and in its response header.

`X-Request-ID` from the proxy (nginx passes its own $request_id) is kept when it looks
like an id; otherwise one is generated. The id lives in a context variable, so any logger
called while the request runs (views, the ORM's errors, gunicorn's error log through the
root logger) gets it through `RequestIdFilter`.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# Enough for a UUID, nginx's 32 hex digits or a load balancer's trace id; nothing that
# could split a log line or a header.
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "pos_request_id", default="-"
)
access_log = logging.getLogger("pos.request")


def incoming_or_new(meta) -> str:
    candidate = meta.get(META_KEY, "")
    return candidate if VALID_ID.match(candidate) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: sets the id before anything can log, writes one access line
    (method, path, status, duration) when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_or_new(request.META)
        request.request_id = request_id
        # Kept until the response is closed (`forget_request_id`), not reset here: Django's
        # handler logs a 4xx/5xx ("Not Found: ...") after the middleware chain returned.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="pos_operations_forget_request_id")
def forget_request_id(sender, **kwargs):
    """Lines logged between requests (a worker's own) carry no stale id."""
    current_request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (on a handler, so third-party loggers get it)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True
