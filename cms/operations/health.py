"""`/health/` for a load balancer: database, cache, broker and worker heartbeat.

Answered by a middleware at the top of the stack rather than a URL: a load balancer polls
by address (its Host header is in no ALLOWED_HOSTS list), over plain HTTP (no HTTPS
redirect) and without a session. 200 when every check passes, else 503; the JSON body
says which check failed.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import JsonResponse

PATH = "/health/"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache():
    key = f"pos:health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": found}


def check_broker():
    from django_q.brokers import get_broker

    broker = get_broker()
    broker.ping()
    return {"ok": True, "broker": broker.info()}


def check_workers():
    """A qcluster's sentinel saves its Stat every cycle with a 3 s lifetime, so a stat
    exists only while a cluster is alive. A per-process cache cannot show another
    process's stat: there the check is reported as not observable, not as failed."""
    from django_q.brokers import get_broker
    from django_q.status import Stat

    broker = get_broker()
    if not settings.Q_CLUSTER.get("redis") and isinstance(getattr(broker, "cache", None), LocMemCache):
        return {"ok": True, "observable": False}
    clusters = [stat for stat in Stat.get_all(broker) if getattr(stat, "status", "") != "Stopped"]
    return {
        "ok": bool(clusters),
        "clusters": len(clusters),
        "workers": sum(len(getattr(stat, "workers", []) or []) for stat in clusters),
    }


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "workers": check_workers,
}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as error:  # noqa: BLE001 (a failed check is the answer, not a 500)
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(result["ok"] for result in results.values()), results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        healthy, checks = run_checks()
        response = JsonResponse(
            {"status": "ok" if healthy else "fail", "checks": checks},
            status=200 if healthy else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
