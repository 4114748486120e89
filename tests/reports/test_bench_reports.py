"""`manage.py bench_reports` over a small generated region: a row per report, scope and
filter variant and the open-data figures, with real query counts, as a table and as
valid JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext

from cms import generator
from cms.models import Appeal
from plugins.reports import facts
from plugins.reports.filters import ReportFilters, report_scope, scoped_appeals
from plugins.reports.management.commands import bench_reports
from plugins.reports.registry import REPORTS, get_report

END = datetime(2026, 11, 1, tzinfo=dt_timezone.utc)
SCOPES = 2  # the curator and the national operator
VARIANTS = 2  # the whole span and the filtered one


@pytest.fixture
def generated_demo(demo):
    get_user_model().objects.create_superuser("national", "national@example.org", "x")
    generator.generate(demo, 200, seed=9, end=END, days=200)
    facts.refresh(full=True)
    return demo


def run(**options) -> str:
    out = StringIO()
    call_command("bench_reports", stdout=out, repeat=1, **options)
    return out.getvalue()


def test_prints_a_row_per_report_scope_and_filter_with_real_figures(generated_demo):
    output = run()
    lines = output.splitlines()
    assert lines[0].startswith("region demo: 200 messages")
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    open_data_rows = 1 + (bench_reports.open_data_url(generated_demo) is not None)
    assert len(rows) == len(REPORTS) * SCOPES * VARIANTS + open_data_rows
    assert {row[0] for row in rows} == {report.key for report in REPORTS} | {"open-data"}
    for row in rows:
        assert not row[-1].startswith("error"), row
        queries, median, bare, ratio = int(row[3]), float(row[4]), float(row[5]), float(row[6])
        # The open-data endpoint may answer from the site's cache (no query at all).
        assert queries > 0 or row[2].startswith("GET ")
        assert median > 0 and bare > 0
        # From the printed (rounded) figures: a cached answer's median is a fraction of a
        # millisecond, where rounding alone moves the quotient by a tenth or more.
        assert ratio == pytest.approx(median / bare, rel=0.25, abs=0.1)
        assert row[7] in {"ok", "SLOW", "> 3x"}


def test_json_has_a_figure_per_report_and_the_real_query_counts(generated_demo):
    data = json.loads(run(as_json=True, only="volume,open-data"))
    assert data["region"] == "demo" and data["messages"] == 200
    figures = data["results"]
    url = bench_reports.open_data_url(generated_demo)
    assert [figure["report"] for figure in figures] == (
        ["volume"] * 4 + ["open-data"] * (1 + (url is not None)))
    if url is not None:  # the endpoint itself, through the middleware
        assert figures[-1]["filters"] == f"GET {url}"
    for figure in figures:
        assert figure["error"] == ""
        assert figure["median_ms"] > 0 and figure["bare_median_ms"] > 0
        assert figure["ratio"] == pytest.approx(figure["median_ms"]
                                                / figure["bare_median_ms"])
        assert figure["under_1s"] is (figure["median_ms"] < 1000)
    # The count printed is what one run of the report costs, scope included.
    curator = get_user_model().objects.get(username="curator")
    first = figures[0]
    assert first["scope"] == "curator (curator)" and first["filters"] == "whole span"
    span = Appeal.objects.filter(region=generated_demo).aggregate(
        first=Min("created_at"), last=Max("created_at"))
    zone = generated_demo.tzinfo
    filters = ReportFilters(since=span["first"].astimezone(zone).date(),
                            until=span["last"].astimezone(zone).date(),
                            region=generated_demo, zone=generated_demo.time_zone,
                            step="month")
    scoped_appeals(curator, filters)  # the user's roles, read once (as a request does)
    with CaptureQueriesContext(connection) as captured:
        get_report("volume").compute(filters, report_scope(curator, filters))
    assert first["queries"] == len(captured)


def test_refuses_unknown_reports_and_an_empty_region(demo):
    with pytest.raises(CommandError, match="Unknown reports: nope"):
        run(only="nope")
    with pytest.raises(CommandError, match="no messages"):
        run()
