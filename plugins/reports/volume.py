"""The volume report: messages received over time and where they go.

It reads the messages' facts (plugins.reports.facts), in one scan: a `GROUPING SETS`
query gives the time series and the counts by category, territory (the level under the
chosen territory, or under the region's root), organisation, channel and current status
at once; then the names of the categories, organisations and territories (three small
queries). The series' day is the message's registration day in its region's time zone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import F
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from cms.models import Category, Channel, Organisation, Status, Territory

from .facts import grouped
from .filters import ReportFilters, ReportScope, Step
from .models import AppealFact
from .results import TEXT, Chart, Column, ReportResult, Table

BUCKET_SQL = {Step.DAY: "r.created_day",
              Step.WEEK: "date_trunc('week', r.created_day)::date",
              Step.MONTH: "date_trunc('month', r.created_day)::date"}
SET_NAMES = ("bucket", "category", "territory", "organisation", "channel", "status")
SETS = [("bucket",), ("category_id",), ("territory_region", "branch"), ("organisation_id",),
        ("channel",), ("status",)]
COUNT = Column("count", _("Messages"))


def compute(filters: ReportFilters, scope: ReportScope) -> ReportResult:
    facts = scope.rows(AppealFact).values(
        "created_day", "category_id", "organisation_id", "channel", "status",
        territory_region=F("territory__region_id"),
        branch=Substr("territory__path", 1, branch_length(filters)))
    found = grouped(facts, {
        "bucket": BUCKET_SQL.get(filters.step, BUCKET_SQL[Step.DAY]),
        "category_id": "r.category_id", "territory_region": "r.territory_region",
        "branch": "r.branch", "organisation_id": "r.organisation_id",
        "channel": "r.channel", "status": "r.status",
    }, SETS, {"count": "count(*)"})
    by_set: dict[str, list[dict]] = defaultdict(list)
    for row in found:
        by_set[SET_NAMES[row["set"]]].append(row)
    categories = {c.pk: c for c in Category.objects.filter(
        pk__in={row["category_id"] for row in by_set["category"]})}
    organisations = dict(Organisation.objects.filter(
        pk__in={row["organisation_id"] for row in by_set["organisation"]})
        .values_list("pk", "name"))
    tables = [
        series_table(filters, {row["bucket"]: row["count"] for row in by_set["bucket"]}),
        counted(by_set["category"], "by_category", _("By category"), _("Category"),
                "category_id",
                lambda row: f'{categories[row["category_id"]].code} '
                            f'{categories[row["category_id"]].name}',
                lambda row: {"cat": row["category_id"]}),
        territory_table(by_set["territory"]),
        counted(by_set["organisation"], "by_organisation", _("By organisation"),
                _("Organisation"), "organisation_id",
                lambda row: organisations.get(row["organisation_id"], ""),
                lambda row: {"org": row["organisation_id"]}),
        counted(by_set["channel"], "by_channel", _("By channel"), _("Channel"), "channel",
                lambda row: str(Channel(row["channel"]).label),
                lambda row: {"chan": row["channel"]}),
        counted(by_set["status"], "by_status", _("By current status"), _("Status"),
                "status", lambda row: str(Status(row["status"]).label),
                lambda row: {"status": row["status"]}),
    ]
    charts = [
        Chart("series", "line", _("Messages received"), "period", ("count",)),
        Chart("by_category", "bar", _("By category"), "label", ("count",)),
        Chart("by_territory", "hbar", _("By territory"), "label", ("count",)),
        Chart("by_status", "bar", _("By current status"), "label", ("count",)),
    ]
    return ReportResult(tables=tables, charts=charts)


def branch_length(filters: ReportFilters) -> int:
    """The length of the path of the territories one level under the chosen one (or
    under the region's root): the volume's territory breakdown."""
    depth = (filters.territory.depth if filters.territory else 1) + 1
    return depth * Territory.steplen


def buckets(filters: ReportFilters) -> list[date]:
    """The first day of every day, week (Monday) or month the period touches."""
    if filters.step == Step.MONTH:
        day = filters.since.replace(day=1)
    elif filters.step == Step.WEEK:
        day = filters.since - timedelta(days=filters.since.weekday())
    else:
        day = filters.since
    found = []
    while day <= filters.until:
        found.append(day)
        if filters.step == Step.MONTH:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if filters.step == Step.WEEK else 1)
    return found


def series_table(filters: ReportFilters, counts: dict[date, int]) -> Table:
    rows = [{"period": day, "count": counts.get(day, 0),
             "_links": {"count": {"day": day.isoformat(), "bucket": filters.step}}}
            for day in buckets(filters)]
    return Table("series", _("Messages received"),
                 (Column("period", _("Period"), "date"), COUNT), rows,
                 totals={"period": _("Total"), "count": sum(row["count"] for row in rows)})


def counted(grouped_rows, key, title, label, group, name_of, link_of) -> Table:
    ordered = sorted(grouped_rows, key=lambda row: (-row["count"], row[group]))
    rows = [{"label": name_of(row), "count": row["count"],
             "_links": {"count": link_of(row)}} for row in ordered]
    return Table(key, title, (Column("label", label, TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})


def territory_table(grouped_rows) -> Table:
    """Counts by the territories one level under the chosen one (or under the root), each
    with its subtree; a message right at the chosen level counts under that territory."""
    names = {(t.region_id, t.path): t for t in Territory.objects.filter(
        path__in={row["branch"] for row in grouped_rows},
        region_id__in={row["territory_region"] for row in grouped_rows})}
    rows = []
    for row in sorted(grouped_rows, key=lambda row: (-row["count"], row["branch"])):
        territory = names.get((row["territory_region"], row["branch"]))
        rows.append({"label": territory.name if territory else "—", "count": row["count"],
                     "_links": {"count": {"territory": territory.pk} if territory else {}}})
    return Table("by_territory", _("By territory"),
                 (Column("label", _("Territory"), TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})
