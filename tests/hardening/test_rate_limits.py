"""Finding 6: without REDIS_URL the submission rate limits were counted in each process's
own memory, so every gunicorn worker allowed its own ten. They are counted in the
database now, in one statement for both keys, shared by every process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from cms.submission import ratelimit
from cms.submission.models import RateCounter
from tests.notifications.smtp import free_port
from tests.notifications.workers import postgres_url, worker_environ


def attempt(citizen=7, address="10.0.0.1"):
    return SimpleNamespace(user=SimpleNamespace(pk=citizen), META={"REMOTE_ADDR": address})


@pytest.fixture
def small_limits(settings):
    settings.POS_PORTAL_RATE_LIMITS = {"citizen": (3, 600), "address": (5, 600)}
    settings.REDIS_URL = None


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000 - 1_800_000_000 % 600 + 10}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def test_without_redis_the_count_is_in_the_database(small_limits, db):
    assert ratelimit.store() == "database"
    ratelimit.check_submission_rate(attempt())
    assert set(RateCounter.objects.values_list("scope", "subject", "used")) == {
        ("citizen", "7", 1), ("address", "10.0.0.1", 1)}


def test_one_statement_counts_both_keys(small_limits, db, django_assert_num_queries):
    ratelimit.check_submission_rate(attempt())
    with django_assert_num_queries(1):
        ratelimit.check_submission_rate(attempt())


def test_the_citizen_and_the_address_are_each_limited(small_limits, db, clock):
    verdicts = [ratelimit.check_submission_rate(attempt()) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 590
    # Other citizens behind the same address: its fifth attempt passes, the sixth not.
    others = [ratelimit.check_submission_rate(attempt(citizen=100 + i)) for i in range(2)]
    assert [v.allowed for v in others] == [True, False]
    assert ratelimit.check_submission_rate(attempt(citizen=99, address="10.0.0.2")).allowed


def test_the_window_expires_and_the_sweep_deletes_it(small_limits, db, clock):
    for _ in range(3):
        assert ratelimit.check_submission_rate(attempt()).allowed
    assert not ratelimit.check_submission_rate(attempt()).allowed
    clock["t"] += 590  # the next window
    assert ratelimit.check_submission_rate(attempt()).allowed
    assert RateCounter.objects.count() == 4
    assert ratelimit.sweep_rate_counters(now=clock["t"]) == 2  # the first window's rows
    assert set(RateCounter.objects.values_list("used", flat=True)) == {1}


def race_counters(database_url: str, folder: Path, workers=2, attempts=8, limit=5,
                  extra=None) -> list:
    environ = worker_environ(database_url, extra or {})
    processes = [
        subprocess.Popen([sys.executable, "-m", "tests.hardening.rate_worker", str(folder),
                          str(workers), str(attempts), str(limit)],
                         cwd=Path(settings.BASE_DIR), env=environ, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [p.returncode for p in processes] == [0] * workers, outputs
    return [int(out) for out, _err in outputs]


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_count_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The processes share the test database: PostgreSQL only.")
    allowed = race_counters(postgres_url(), tmp_path)
    # Each process alone would allow 5 of its 8: together they allow 5, not 10.
    assert sum(allowed) == 5, allowed
    assert RateCounter.objects.get(scope="citizen").used == 16


def test_two_processes_share_the_count_on_the_demos_sqlite(migrated_sqlite, tmp_path):
    allowed = race_counters(migrated_sqlite, tmp_path)
    assert sum(allowed) == 5, allowed


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis on loopback, nothing written to disk."""
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline and process.poll() is None, "no redis-server"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server here")
def test_with_redis_two_processes_share_the_count_there(migrated_sqlite, redis_server,
                                                        tmp_path):
    allowed = race_counters(migrated_sqlite, tmp_path,
                            extra={"POS_TEST_REDIS_URL": redis_server})
    assert sum(allowed) == 5, allowed


def test_while_redis_does_not_answer_the_database_counts(small_limits, db, settings):
    """Redis restarting (issue 16's fault run): the cache's client raises, and every
    citizen's submit answered 500. Nothing listens on the port below."""
    settings.POS_RATE_LIMIT_STORE = "cache"
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5}}}
    verdicts = [ratelimit.check_submission_rate(attempt()) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert RateCounter.objects.get(scope="citizen").used == 4
