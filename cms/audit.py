"""Writing the audit trail (`cms.models.AuditRecord`).

`record(...)` appends one record. The client's address comes from the request being
served: `AuditAddressMiddleware` keeps it in a context variable for the request's
duration, so write paths that never see the request (the workflow's `do_*` functions)
still record where an action came from. Outside a request (sweeps, commands) it is empty.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from cms.models import AuditKind, AuditRecord

_address: ContextVar[str | None] = ContextVar("pos_audit_address", default=None)


def client_address(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy
    # rewrites it, and a proxy setup sets REMOTE_ADDR through its own middleware.
    return request.META.get("REMOTE_ADDR") or None


@contextmanager
def address_of(request):
    token = _address.set(client_address(request))
    try:
        yield
    finally:
        _address.reset(token)


class AuditAddressMiddleware:
    """Make the client's address available to `record` while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with address_of(request):
            return self.get_response(request)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def record(*, kind: AuditKind, what: str, actor=None, appeal=None,
           data: dict | None = None) -> AuditRecord:
    """Append one record: `actor` did `what` (of `kind`) to `appeal`."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditRecord.objects.create(
        kind=kind, what=what[:255], actor=actor, actor_name=_name(actor), appeal=appeal,
        address=_address.get(), data=data or {},
    )
