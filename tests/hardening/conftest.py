"""A migrated SQLite database (the demo's) made once per run, copied for each test."""

from __future__ import annotations

import shutil

import pytest

from tests import sqlite_template


@pytest.fixture(scope="session")
def migrated_sqlite_template():
    # Migrated once per process, whichever module imports these fixtures.
    return sqlite_template.migrated_template()


@pytest.fixture
def migrated_sqlite(migrated_sqlite_template, tmp_path):
    """A fresh copy of the migrated SQLite file; its DATABASE_URL."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    return f"sqlite:///{path}"
