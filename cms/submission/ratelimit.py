"""Rate limits on submissions, per citizen and per address, counted in the shared cache.

The cache is the one every web process shares (Redis in production, see settings), so a
flood spread over several processes is still counted once. Fixed windows keep it to one
atomic increment per check.

Settings (optional): `POS_PORTAL_RATE_LIMITS = {"citizen": (count, seconds),
"address": (count, seconds)}`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {
    # A citizen writes a few messages in a sitting, not dozens.
    "citizen": (10, 600),
    # One address may be a whole office behind NAT: more room, same window.
    "address": (30, 600),
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "POS_PORTAL_RATE_LIMITS", {})}


def client_address(request) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR (e.g. via its real-IP module):
    # X-Forwarded-For is the client's to forge.
    return request.META.get("REMOTE_ADDR", "")


def _hit(scope: str, key: str, count: int, seconds: int) -> Verdict:
    window = int(time.time()) // seconds
    cache_key = f"portal:rate:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=seconds + 5)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: start the window again
        cache.add(cache_key, 1, timeout=seconds + 5)
        used = 1
    if used > count:
        return Verdict(False, retry_after=seconds - int(time.time()) % seconds)
    return Verdict(True)


def check_submission_rate(request) -> Verdict:
    """Count one submission attempt by this citizen and address; refuse past a limit."""
    configured = limits()
    verdicts = [
        _hit("citizen", str(request.user.pk), *configured["citizen"]),
        _hit("address", client_address(request), *configured["address"]),
    ]
    refused = [v for v in verdicts if not v.allowed]
    if refused:
        return Verdict(False, retry_after=max(v.retry_after for v in refused))
    return Verdict(True)
