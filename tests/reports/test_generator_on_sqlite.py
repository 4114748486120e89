"""Issue 13: the generator's "smaller counts also work on SQLite", on the demo's database
(a migrated SQLite file), with the same rows for the same seed as on any other run."""

from __future__ import annotations

import json
import shutil

# The demo database fixture of the hardening tests (a migrated SQLite file, copied).
from tests.hardening.conftest import (  # noqa: F401
    migrated_sqlite,
    migrated_sqlite_template,
)
from tests.notifications.workers import run, worker_environ

SUMMARY = """
import hashlib, json
from django.db.models import Count
from cms.models import Appeal, AppealEvent
rows = Appeal.objects.order_by("number").values_list(
    "number", "status", "subcategory_id", "territory_id", "organisation_id", "created_at",
    "deadline")
print(json.dumps({
    "messages": Appeal.objects.count(),
    "events": AppealEvent.objects.count(),
    "statuses": dict(Appeal.objects.values_list("status").annotate(n=Count("pk"))),
    "digest": hashlib.sha256(repr(list(rows)).encode()).hexdigest(),
}))
"""


def generated(database_url: str) -> dict:
    environ = worker_environ(database_url, {})
    run(["manage.py", "load_region", "config/regions/demo",
         "--classifier", "config/regions/classifier.json"], environ, timeout=600)
    run(["manage.py", "generate_messages", "--region", "demo", "--count", "300",
         "--seed", "3", "--end", "2026-11-01", "--yes"], environ, timeout=600)
    return json.loads(run(["manage.py", "shell", "-c", SUMMARY], environ).splitlines()[-1])


def test_the_generator_fills_the_demos_sqlite_the_same_way_twice(
    migrated_sqlite, migrated_sqlite_template, tmp_path  # noqa: F811
):
    second = tmp_path / "second.sqlite3"
    shutil.copy(migrated_sqlite_template, second)
    first_run, second_run = generated(migrated_sqlite), generated(f"sqlite:///{second}")
    assert first_run["messages"] == 300
    assert first_run["events"] >= 300  # each message has at least its registration
    # Messages in every stage, not one status for all.
    assert len(first_run["statuses"]) >= 5, first_run["statuses"]
    assert second_run == first_run
