"""A web-process stand-in for the shared rate limit test: it counts submission attempts
with the real limiter on the database DATABASE_URL names, starting when all are ready.

    python -m tests.hardening.rate_worker DIR WORKERS ATTEMPTS LIMIT

prints how many of its ATTEMPTS were allowed (one citizen, one address, LIMIT a window).
With POS_TEST_REDIS_URL set, it counts in that Redis as production does with REDIS_URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import django

from tests.notifications.race_worker import wait_for_the_others


def main(folder: str, workers: str, attempts: str, limit: str) -> None:
    django.setup()
    from django.conf import settings
    from django.db import connection

    from cms.submission.ratelimit import check_submission_rate

    redis_url = os.environ.get("POS_TEST_REDIS_URL")
    if redis_url:  # before the first use of the cache, which reads CACHES then
        settings.REDIS_URL = redis_url
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.POS_PORTAL_RATE_LIMITS = {"citizen": (int(limit), 3600),
                                       "address": (10 * int(limit), 3600)}
    request = SimpleNamespace(user=SimpleNamespace(pk=424242),
                              META={"REMOTE_ADDR": "10.20.30.40"})
    connection.ensure_connection()
    wait_for_the_others(Path(folder), int(workers))
    print(sum(check_submission_rate(request).allowed for _ in range(int(attempts))))


if __name__ == "__main__":
    main(*sys.argv[1:])
