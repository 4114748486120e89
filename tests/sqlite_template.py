"""The demo's database (a SQLite file) migrated once per test process, copied for each
test that needs one: `manage.py migrate` in a process of its own takes from 30 s (idle)
to 100 s (loaded) on a 2-core machine, and several tests start from a fresh file."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path


@cache
def migrated_template() -> Path:
    """A SQLite file migrated by `manage.py migrate` in a process of its own (as
    scripts/demo makes the demo's); never handed out, only copied."""
    from tests.notifications.workers import run, worker_environ

    folder = Path(tempfile.mkdtemp(prefix="pos-sqlite-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "demo.sqlite3"
    run(["manage.py", "migrate", "--no-input", "-v0"],
        worker_environ(f"sqlite:///{path}", {}), timeout=600)
    return path


def migrated_copy(path: Path) -> str:
    """A fresh copy of the migrated file at `path`; its DATABASE_URL."""
    shutil.copy(migrated_template(), path)
    return f"sqlite:///{path}"
