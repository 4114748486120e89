"""Starting worker processes on the test's own database (PostgreSQL) or a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection


def postgres_url() -> str:
    """The test database, as a worker process must be told it."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def worker_environ(database_url: str, smtp_environ: dict) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "pos_site.settings.test",
            "DATABASE_URL": database_url, **smtp_environ}


def run(args: list[str], environ: dict, timeout: float = 180) -> str:
    done = subprocess.run([sys.executable, *args], cwd=Path(settings.BASE_DIR), env=environ,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def race(pks: list[int], environ: dict, folder: Path, workers: int = 2) -> list[tuple]:
    """`workers` processes, each with its own connection, send the same notifications at
    the same moment; their (exit code, output) once all stopped."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.notifications.race_worker", "send", str(folder),
             str(workers), *map(str, pks)],
            cwd=Path(settings.BASE_DIR), env=environ, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        for _worker in range(workers)
    ]
    return [(process.wait(timeout=180), process.stdout.read()) for process in processes]


def sqlite_database(path: Path, smtp_environ: dict, count: int) -> tuple[dict, list[int]]:
    """A migrated SQLite database holding `count` pending notifications (the demo's
    database); the workers' environment and the notifications' pks."""
    from tests import sqlite_template

    environ = worker_environ(sqlite_template.migrated_copy(path), smtp_environ)
    pks = json.loads(run(["-m", "tests.notifications.race_worker", "setup", str(count)],
                         environ))
    return environ, pks


def report(environ: dict) -> list[list]:
    return json.loads(run(["-m", "tests.notifications.race_worker", "report"], environ))
