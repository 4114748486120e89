"""Rate limits on submissions, per citizen and per address, counted where every web
process counts together.

Two places can hold the count, and both are shared by all workers (a per-process cache
would let each gunicorn worker count its own flood):

- `database` (the default without REDIS_URL): one upsert on `RateCounter` counts the
  attempt for both keys and returns both counts, a single statement per submit on
  PostgreSQL and SQLite alike; a scheduled sweep deletes the rows of finished windows;
- `cache` (the default with REDIS_URL): an atomic increment per key in the shared cache.

Fixed windows: a window is `seconds` long and starts at a multiple of it.

Settings (optional): `POS_PORTAL_RATE_LIMITS = {"citizen": (count, seconds),
"address": (count, seconds)}`; `POS_RATE_LIMIT_STORE = "database" | "cache"`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .models import RateCounter

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = {
    # A citizen writes a few messages in a sitting, not dozens.
    "citizen": (10, 600),
    # One address may be a whole office behind NAT: more room, same window.
    "address": (30, 600),
}
# In the order the upsert takes its rows: the same order in every request, so two
# requests never wait for each other's rows crosswise (a deadlock on PostgreSQL).
SCOPES = ("citizen", "address")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


@dataclass(frozen=True)
class Hit:
    """One attempt counted against one limit."""

    scope: str
    subject: str
    count: int
    seconds: int
    window_start: int

    @property
    def expires_at(self) -> int:
        return self.window_start + self.seconds


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "POS_PORTAL_RATE_LIMITS", {})}


def store() -> str:
    configured = getattr(settings, "POS_RATE_LIMIT_STORE", None)
    return configured or ("cache" if getattr(settings, "REDIS_URL", None) else "database")


def client_address(request) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR (e.g. via its real-IP module):
    # X-Forwarded-For is the client's to forge.
    return request.META.get("REMOTE_ADDR", "")


def count_upsert(hits: list[Hit]) -> tuple[str, list]:
    """The upsert counting one attempt for every hit, returning (scope, used) per hit:
    (SQL, params)."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s, 1)"] * len(hits))
    params = [value for hit in hits
              for value in (hit.scope, hit.subject[:64], hit.window_start, hit.expires_at)]
    sql = (f"INSERT INTO {table} (scope, subject, window_start, expires_at, used) "
           f"VALUES {rows} ON CONFLICT (scope, subject, window_start) "
           f"DO UPDATE SET used = {table}.used + 1 RETURNING scope, used")
    return sql, params


def _count_in_database(hits: list[Hit]) -> dict[str, int]:
    """Count one attempt for every hit in one statement; the counts after it, by scope."""
    with connection.cursor() as cursor:
        cursor.execute(*count_upsert(hits))
        return dict(cursor.fetchall())


def _count_in_cache(hits: list[Hit]) -> dict[str, int]:
    counts = {}
    for hit in hits:
        key = f"portal:rate:{hit.scope}:{hit.subject}:{hit.window_start}"
        cache.add(key, 0, timeout=hit.seconds + 5)
        try:
            counts[hit.scope] = cache.incr(key)
        except ValueError:  # expired between add and incr: start the window again
            cache.add(key, 1, timeout=hit.seconds + 5)
            counts[hit.scope] = 1
    return counts


def _count_in_shared_cache(hits: list[Hit]) -> dict[str, int]:
    """The cache's count, or the database's while the cache does not answer (Redis
    restarting): a citizen's message is not refused with a 500 for a counter. The
    database's count starts from zero, so the limit is looser for that while."""
    try:
        return _count_in_cache(hits)
    except Exception:  # the cache client's own errors (redis.ConnectionError, timeouts)
        logger.warning("rate limit: the cache did not answer; counting in the database",
                       exc_info=True)
        return _count_in_database(hits)


def window_hit(scope: str, subject: str, count: int, seconds: int, now: int) -> Hit:
    return Hit(scope, subject, count, seconds, now - now % seconds)


def count_attempt(hits: list[Hit], now: int) -> Verdict:
    """Count one attempt against each of `hits`' limits at once; refuse past any."""
    counted = _count_in_database(hits) if store() == "database" else _count_in_shared_cache(hits)
    return verdict(hits, counted, now)


def verdict(hits: list[Hit], counted: dict[str, int], now: int) -> Verdict:
    """Refused past any limit, with the time until the last such window ends."""
    refused = [hit for hit in hits if counted[hit.scope] > hit.count]
    if refused:
        return Verdict(False, retry_after=max(hit.expires_at - now for hit in refused))
    return Verdict(True)


def _hit(scope: str, subject: str, count: int, seconds: int) -> Verdict:
    """One attempt against one limit (the Open311 key's rate)."""
    now = int(time.time())
    return count_attempt([window_hit(scope, subject, count, seconds, now)], now)


def submission_hits(request, now: int) -> list[Hit]:
    """The attempt of this citizen from this address, against both limits."""
    configured = limits()
    subjects = {"citizen": str(request.user.pk), "address": client_address(request)}
    return [window_hit(scope, subjects[scope], *configured[scope], now) for scope in SCOPES]


def check_submission_rate(request) -> Verdict:
    """Count one submission attempt by this citizen and address; refuse past a limit."""
    now = int(time.time())
    return count_attempt(submission_hits(request, now), now)


def sweep_rate_counters(now: int | None = None) -> int:
    """Delete the counters of windows that are over; returns how many."""
    now = int(time.time()) if now is None else now
    deleted, _by_model = RateCounter.objects.filter(expires_at__lte=now).delete()
    return deleted


def sweep_rate_counters_task() -> int:
    """Scheduled (hourly): the counter table holds only the windows still running."""
    return sweep_rate_counters()
