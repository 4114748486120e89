"""The reports on the demo's database (SQLite): the same figures as on PostgreSQL for the
same data. A migrated SQLite file (as `scripts/demo` makes it) gets the fixed data set
in a process of its own, whose build runs the facts' refresh (in Python there:
plugins/reports/python_facts.py); its reports, open data and national roll-up are
compared with this process's on PostgreSQL (the facts written in SQL), and with the
figures worked out by hand in tests/reports/fixed_data.py."""

from __future__ import annotations

import json

import pytest
from django.db import connection

# The demo database fixture of the hardening tests (a migrated SQLite file, copied).
from tests.hardening.conftest import (  # noqa: F401
    migrated_sqlite,
    migrated_sqlite_template,
)
from tests.notifications.workers import run, worker_environ

from .figures_app import figures
from .fixed_data import build

FORTNIGHT = "2026-11-02..2026-11-15"


@pytest.mark.django_db
def test_every_report_gives_postgresqls_figures_on_sqlite(demo, migrated_sqlite):  # noqa: F811
    assert connection.vendor == "postgresql"  # the reference
    on_sqlite = json.loads(run(["-m", "tests.reports.figures_app"],
                               worker_environ(migrated_sqlite, {}), timeout=600))
    on_postgresql = figures(build())
    assert sorted(on_sqlite) == sorted(on_postgresql)
    for key, expected in on_postgresql.items():
        assert on_sqlite[key] == expected, key

    # The hand-worked figures (tests/reports/fixed_data.py), as SQLite gives them.
    def table(report: str, key: str, who: str = "curator", extra: str = "[]") -> dict:
        return on_sqlite[f"{report} {FORTNIGHT} day {who} {extra}"]["tables"][key]

    figures_ = ("received", "answered", "on_time", "late", "overdue", "postponed")
    total = table("deadlines", "by_organisation")["totals"]
    assert [total[key] for key in figures_] == [6, 3, 2, 1, 1, 1]
    assert (total["median_days"], total["p90_days"]) == (3.0, 6.2)
    assert table("volume", "series")["totals"]["count"] == 6
    satisfaction = table("satisfaction", "by_organisation")["totals"]
    assert (satisfaction["ratings"], satisfaction["average_score"]) == (3, 3.67)
    assert [row["received"] for row in table("deadlines", "by_organisation", "head")[
        "rows"]] == [2]
    demo_region = on_sqlite["national"]["demo"]["compliance"]
    assert (demo_region["received"], demo_region["answered"], demo_region["on_time"],
            demo_region["on_time_share"]) == (6, 3, 2, 0.6667)
    assert on_sqlite["open data"]["rows"]
