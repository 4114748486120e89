"""A migrated SQLite database (the demo's) made once per run, copied for each test."""

from __future__ import annotations

import shutil

import pytest

from tests.notifications.workers import run, worker_environ


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "demo.sqlite3"
    run(["manage.py", "migrate", "--no-input", "-v0"],
        worker_environ(f"sqlite:///{path}", {}), timeout=600)
    return path


@pytest.fixture
def migrated_sqlite(migrated_sqlite_template, tmp_path):
    """A fresh copy of the migrated SQLite file; its DATABASE_URL."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    return f"sqlite:///{path}"
