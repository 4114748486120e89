"""Every report's figures over the fixed data set, on the database DATABASE_URL names (a
migrated SQLite file like the demo's, or the test's PostgreSQL database): what
tests/reports/test_reports_on_sqlite.py compares between the two.

    python -m tests.reports.figures_app     loads the demo region, builds the fixed data
                                            set (tests/reports/fixed_data.py, whose
                                            build runs the facts' refresh) and prints
                                            the figures as JSON
"""

from __future__ import annotations

import json
from datetime import date

import django

# (since, until, step): the fixed set's fortnight (the facts of every day), by day and
# by week; October and November (whole months: the monthly figures); and November with
# the second half of October (a whole month and the facts of the days before it).
PERIODS = ((date(2026, 11, 2), date(2026, 11, 15), "day"),
           (date(2026, 11, 2), date(2026, 11, 15), "week"),
           (date(2026, 10, 1), date(2026, 11, 30), "month"),
           (date(2026, 10, 15), date(2026, 11, 30), "month"))


def plain(value):
    """A figure as JSON holds it: dates and lazy texts as text."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()
                if not str(key).startswith("_")}  # links and ids: each database's own
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def figures(data) -> dict:
    """The reports (for the curator and the head), open data and the national roll-up."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.models import Region
    from cms.permissions.national import make_national_operator
    from cms.staff_admin.national import rollup
    from plugins.reports import open_data
    from plugins.reports.filters import ReportFilters, report_scope
    from plugins.reports.registry import REPORTS
    from tests import factories

    demo = Region.objects.get(code="demo")
    found: dict = {}
    for since, until, step in PERIODS:
        for extra in ({}, {"organisation": factories.organisation("adm-gorsk")}):
            filters = ReportFilters(since=since, until=until, region=demo,
                                    zone=demo.time_zone, step=step, **extra)
            for who, user in (("curator", data.curator), ("head", data.head)):
                for report in REPORTS:
                    result = report.compute(filters, report_scope(user, filters))
                    found[f"{report.key} {since}..{until} {step} {who} {sorted(extra)}"] = {
                        "notice": plain(result.notice),
                        "tables": {table.key: {"rows": plain(table.rows),
                                               "totals": plain(table.totals)}
                                   for table in result.tables}}
    document = open_data.compute(demo)
    found["open data"] = {"months": document.months, "rows": plain(document.rows)}
    national = get_user_model().objects.create(username="rep-national")
    make_national_operator(national)
    found["national"] = {
        row.region.code: plain({"messages": row.messages, "overdue": row.overdue,
                                "compliance": row.compliance})
        for row in rollup(national, date(2026, 11, 2), date(2026, 11, 15),
                          timezone.now())}
    found["problems, another problem at a repeated place"] = another_problem_there(
        data)
    return found


def another_problem_there(data) -> dict:
    """The problem points after a message of another text at the place of the fixed
    set's similar pair, and a rewording of that pair out of its window: the place
    repeats more, the group stays two (the texts are compared, pg_trgm's way)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plugins.reports import problem_facts
    from plugins.reports.filters import report_scope
    from plugins.reports.registry import get_report

    from .fixed_data import LENINA_1, POTHOLE, made, period

    samara = ZoneInfo("Europe/Samara")
    made(11, "adm-gorsk", datetime(2026, 11, 6, 10, tzinfo=samara),
         datetime(2026, 11, 20, 18, tzinfo=samara), territory="gorsk-leninsky",
         address=LENINA_1, text="Третью неделю не вывозят мусор из контейнеров во дворе")
    made(12, "adm-gorsk", datetime(2026, 9, 1, 10, tzinfo=samara),
         datetime(2026, 9, 20, 18, tzinfo=samara), territory="gorsk-leninsky",
         address=LENINA_1, text=POTHOLE)
    problem_facts.refresh()
    result = get_report("problems").compute(period(), report_scope(data.curator, period()))
    return {table.key: plain(table.rows) for table in result.tables}


def main() -> None:
    django.setup()
    from tests.conftest import load_demo_data

    from .fixed_data import build

    load_demo_data()
    print(json.dumps(figures(build()), ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
