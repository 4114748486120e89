"""`manage.py bench_reports [--region demo] [--repeat N] [--only KEYS] [--json]`: time every
report of `plugins.reports.registry.REPORTS`, and the open-data figures, over a region's
messages (fill it first with `manage.py generate_messages`).

Each report runs as the region's curator and as a national operator (a superuser), over
the whole span of the region's messages and over one filtered variant (the busiest
category in the span's last 90 days). For each: the queries it makes, its median time
over `--repeat` runs after a warm-up, and the median of a bare `GROUP BY status` over the
same rows (the same scope and filters) timed in the same run, with the ratio between
them. The goal (docs/performance.md): every report under one second over a million
messages, and within 3x its bare GROUP BY. Prints a table, or JSON with `--json`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Max, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cms.models import Appeal, Category, Region, Role
from plugins.reports import open_data
from plugins.reports.filters import ReportFilters, report_scope, scoped_appeals
from plugins.reports.registry import REPORTS

OPEN_DATA = "open-data"
GOAL_MS = 1000
GOAL_RATIO = 3
FILTERED_DAYS = 90


@dataclass
class Case:
    """One thing to time, and its bare GROUP BY over the same rows."""

    report: str
    scope: str
    filters: str
    call: Callable[[], Any]
    bare: Callable[[], Any]


@dataclass
class Figure:
    report: str
    scope: str
    filters: str
    queries: int | None = None
    median_ms: float | None = None
    bare_median_ms: float | None = None
    ratio: float | None = None
    under_1s: bool | None = None
    within_3x: bool | None = None
    error: str = ""


def timed(call: Callable[[], Any], repeat: int) -> tuple[int, float]:
    """(queries of one run, median milliseconds of `repeat` runs after it)."""
    with CaptureQueriesContext(connection) as captured:
        call()  # the warm-up, counted
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return len(captured), statistics.median(times)


def open_data_url(region) -> str | None:
    """The region's open-data JSON, where the page is installed."""
    try:
        return reverse("open_data_json", args=[region.code])
    except NoReverseMatch:
        return None


def fetched(url: str) -> bytes:
    """The endpoint as a citizen's browser gets it (middleware, view, JSON)."""
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        response = Client().get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    return response.content


def bare_group_by(appeals) -> Callable[[], list]:
    return lambda: list(appeals.order_by().values("status").annotate(n=Count("pk")))


class Command(BaseCommand):
    help = ("Time every report and the open-data figures over a region's messages, each "
            "beside a bare GROUP BY over the same rows.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="demo", help="The region's code.")
        parser.add_argument("--repeat", type=int, default=3,
                            help="Timed runs per report, after one warm-up.")
        parser.add_argument("--only", default="",
                            help="Comma-separated report keys (and 'open-data').")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="Print JSON instead of the table.")

    def handle(self, *, region, repeat, only, as_json, **options):
        if repeat < 1:
            raise CommandError("--repeat must be 1 or more.")
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"No region with the code {region!r}.")
        wanted = {key.strip() for key in only.split(",") if key.strip()}
        known = {report.key for report in REPORTS} | {OPEN_DATA}
        if wanted - known:
            raise CommandError(f"Unknown reports: {', '.join(sorted(wanted - known))}; "
                               f"known: {', '.join(sorted(known))}.")
        messages = Appeal.objects.filter(region=found).count()
        figures = [self.run(case, repeat) for case in self.cases(found, wanted)]
        if as_json:
            self.stdout.write(dumps(found, messages, repeat, figures))
        else:
            for line in table(found, messages, repeat, figures):
                self.stdout.write(line)

    def cases(self, region: Region, wanted: set[str]) -> list[Case]:
        span = Appeal.objects.filter(region=region).aggregate(
            first=Min("created_at"), last=Max("created_at"))
        if span["first"] is None:
            raise CommandError(f"Region {region.code} has no messages: run "
                               "`manage.py generate_messages` first.")
        zone = region.tzinfo
        since = timezone.localtime(span["first"], zone).date()
        until = timezone.localtime(span["last"], zone).date()
        whole = ReportFilters(since=since, until=until, region=region,
                              zone=region.time_zone, step="month")
        recent = max(since, until - timedelta(days=FILTERED_DAYS - 1))
        last_days = ReportFilters(since=recent, until=until, region=region,
                                  zone=region.time_zone, step="day")
        busiest = (Appeal.objects.filter(region=region, created_at__gte=last_days.start)
                   .values("category").annotate(n=Count("pk")).order_by("-n", "category")
                   .first())
        variants = [("whole span", whole)]
        if busiest is not None:
            category = Category.objects.get(pk=busiest["category"])
            variants.append((f"{FILTERED_DAYS} days, category {category.code}",
                             replace(last_days, category=category)))
        cases = []
        for scope, user in self.users(region):
            for label, filters in variants:
                bare = bare_group_by(scoped_appeals(user, filters))
                for report in REPORTS:
                    if wanted and report.key not in wanted:
                        continue
                    # As the report's page does: the user's scope, then the report.
                    cases.append(Case(report.key, scope, label, bare=bare,
                                      call=lambda r=report, f=filters, u=user: r.compute(
                                          f, report_scope(u, f))))
        if not wanted or OPEN_DATA in wanted:
            now = timezone.now()
            months_since, months_until, _months = open_data.month_bounds(region, now)
            bare = bare_group_by(Appeal.objects.filter(
                region=region, created_at__gte=months_since, created_at__lt=months_until))
            cases.append(Case(OPEN_DATA, "public", "12 months", bare=bare,
                              call=lambda: open_data.compute(region, now)))
            url = open_data_url(region)
            if url is not None:
                cases.append(Case(OPEN_DATA, "public", f"GET {url}", bare=bare,
                                  call=lambda: fetched(url)))
        return cases

    def users(self, region: Region) -> list[tuple[str, Any]]:
        """The region's curator and a national operator (a superuser), where they
        exist."""
        users = get_user_model().objects.filter(is_active=True).order_by("pk")
        found = []
        curator = users.filter(memberships__role=Role.CURATOR,
                               memberships__organisation__region=region).first()
        if curator is not None:
            found.append((f"curator ({curator.get_username()})", curator))
        national = users.filter(is_superuser=True).first()
        if national is not None:
            found.append((f"national ({national.get_username()})", national))
        if not found:
            raise CommandError(f"Region {region.code} has no curator and there is no "
                               "superuser: nobody to run the reports as.")
        return found

    def run(self, case: Case, repeat: int) -> Figure:
        figure = Figure(case.report, case.scope, case.filters)
        try:
            figure.queries, figure.median_ms = timed(case.call, repeat)
            _bare_queries, figure.bare_median_ms = timed(case.bare, repeat)
        except Exception as error:  # noqa: BLE001 - one broken report must not hide the rest
            figure.error = f"{type(error).__name__}: {error}"
            return figure
        figure.ratio = figure.median_ms / figure.bare_median_ms
        figure.under_1s = figure.median_ms < GOAL_MS
        figure.within_3x = figure.ratio <= GOAL_RATIO
        return figure


COLUMNS = ("report", "as", "filters", "queries", "median ms", "bare ms", "x bare", "goal")


def table(region, messages: int, repeat: int, figures: list[Figure]) -> list[str]:
    lines = [(f"region {region.code}: {messages:,} messages; median of {repeat} run(s) "
              "after a warm-up; bare = GROUP BY status over the same rows")]
    rows = [COLUMNS]
    for figure in figures:
        if figure.error:
            rows.append((figure.report, figure.scope, figure.filters, "-", "-", "-", "-",
                         f"error: {figure.error}"[:120]))
            continue
        goal = "ok" if figure.under_1s and figure.within_3x else (
            "SLOW" if not figure.under_1s else f"> {GOAL_RATIO}x")
        rows.append((figure.report, figure.scope, figure.filters, str(figure.queries),
                     f"{figure.median_ms:.1f}", f"{figure.bare_median_ms:.1f}",
                     f"{figure.ratio:.1f}", goal))
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    for row in rows:
        cells = [cell.rjust(width) if 3 <= i <= 6 else cell.ljust(width)
                 for i, (cell, width) in enumerate(zip(row, widths, strict=False))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def dumps(region, messages: int, repeat: int, figures: list[Figure]) -> str:
    return json.dumps({
        "region": region.code, "messages": messages, "repeat": repeat,
        "database": connection.vendor,
        "goal": {"median_ms_under": GOAL_MS, "ratio_to_bare_at_most": GOAL_RATIO},
        "results": [asdict(figure) for figure in figures],
    }, ensure_ascii=False, indent=2)
