"""The volume report: messages received over time and where they go.

Seven aggregate queries whatever the number of messages: the time series, then counts by
category, territory (the level under the chosen territory, or under the region's root),
organisation, channel and current status, and the names of the territories.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr, TruncDay, TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

from cms.models import Appeal, Channel, Status, Territory

from .filters import ReportFilters, Step
from .results import TEXT, Chart, Column, ReportResult, Table

TRUNC = {Step.DAY: TruncDay, Step.WEEK: TruncWeek, Step.MONTH: TruncMonth}
COUNT = Column("count", _("Messages"))


def compute(filters: ReportFilters, appeals: QuerySet[Appeal]) -> ReportResult:
    received = appeals.filter(filters.period_q())
    tables = [
        series_table(filters, received),
        counted(received, "by_category", _("By category"), _("Category"),
                ("category_id", "category__code", "category__name"),
                lambda row: f'{row["category__code"]} {row["category__name"]}',
                lambda row: {"cat": row["category_id"]}),
        territory_table(filters, received),
        counted(received, "by_organisation", _("By organisation"), _("Organisation"),
                ("organisation_id", "organisation__name"),
                lambda row: row["organisation__name"],
                lambda row: {"org": row["organisation_id"]}),
        counted(received, "by_channel", _("By channel"), _("Channel"), ("channel",),
                lambda row: str(Channel(row["channel"]).label),
                lambda row: {"chan": row["channel"]}),
        counted(received, "by_status", _("By current status"), _("Status"), ("status",),
                lambda row: str(Status(row["status"]).label),
                lambda row: {"status": row["status"]}),
    ]
    charts = [
        Chart("series", "line", _("Messages received"), "period", ("count",)),
        Chart("by_category", "bar", _("By category"), "label", ("count",)),
        Chart("by_territory", "hbar", _("By territory"), "label", ("count",)),
        Chart("by_status", "bar", _("By current status"), "label", ("count",)),
    ]
    return ReportResult(tables=tables, charts=charts)


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


def series_table(filters: ReportFilters, received: QuerySet[Appeal]) -> Table:
    trunc = TRUNC.get(filters.step, TruncDay)
    counts = {
        row["bucket"].date() if hasattr(row["bucket"], "date") else row["bucket"]: row["n"]
        for row in (received.annotate(bucket=trunc("created_at", tzinfo=filters.tzinfo))
                    .order_by().values("bucket").annotate(n=Count("pk")))
    }
    rows = [{"period": day, "count": counts.get(day, 0),
             "_links": {"count": {"day": day.isoformat(), "bucket": filters.step}}}
            for day in buckets(filters)]
    return Table("series", _("Messages received"),
                 (Column("period", _("Period"), "date"), COUNT), rows,
                 totals={"period": _("Total"), "count": sum(row["count"] for row in rows)})


def counted(received, key, title, label, group, name_of, link_of) -> Table:
    grouped = received.order_by().values(*group).annotate(count=Count("pk")).order_by(
        "-count", *group)
    rows = [{"label": name_of(row), "count": row["count"],
             "_links": {"count": link_of(row)}} for row in grouped]
    return Table(key, title, (Column("label", label, TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})


def territory_table(filters: ReportFilters, received: QuerySet[Appeal]) -> Table:
    """Counts by the territories one level under the chosen one (or under the root), each
    with its subtree; a message right at the chosen level counts under that territory."""
    step = Territory.steplen
    depth = (filters.territory.depth if filters.territory else 1) + 1
    grouped = (received.annotate(branch=Substr("territory__path", 1, depth * step))
               .order_by().values("territory__region_id", "branch")
               .annotate(count=Count("pk")))
    grouped = list(grouped)
    names = {(t.region_id, t.path): t for t in Territory.objects.filter(
        path__in={row["branch"] for row in grouped},
        region_id__in={row["territory__region_id"] for row in grouped})}
    rows = []
    for row in sorted(grouped, key=lambda row: -row["count"]):
        territory = names.get((row["territory__region_id"], row["branch"]))
        rows.append({"label": territory.name if territory else "—", "count": row["count"],
                     "_links": {"count": {"territory": territory.pk} if territory else {}}})
    return Table("by_territory", _("By territory"),
                 (Column("label", _("Territory"), TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})
