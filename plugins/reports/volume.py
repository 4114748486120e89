"""The volume report: messages received over time and where they go.

It reads the messages' facts (plugins.reports.facts), in one scan: a `GROUPING SETS`
query gives the time series and the counts by category, territory (the level under the
chosen territory, or under the region's root), organisation, channel and current status
at once; then the names of the categories, organisations and territories (three small
queries). The series' day is the message's registration day in its region's time zone.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import F, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from cms.models import Category, Channel, Organisation, Status, Territory

from . import cube
from .facts import grouped
from .filters import ReportFilters, ReportScope, Step
from .models import AppealFact, MonthFigures
from .results import TEXT, Chart, Column, ReportResult, Table

BUCKET_SQL = {Step.DAY: "r.created_day",
              Step.WEEK: "date_trunc('week', r.created_day)::date",
              Step.MONTH: "date_trunc('month', r.created_day)::date"}
SET_NAMES = ("bucket", "category", "territory", "organisation", "channel", "status")
SETS = [("bucket",), ("category_id",), ("territory_region", "branch"), ("organisation_id",),
        ("channel",), ("status",)]
COUNT = Column("count", _("Messages"))


def compute(filters: ReportFilters, scope: ReportScope) -> ReportResult:
    counts = counted_by_set(filters, scope)
    categories = {c.pk: c for c in Category.objects.filter(pk__in=counts["category"])}
    organisations = dict(Organisation.objects.filter(pk__in=counts["organisation"])
                         .values_list("pk", "name"))
    tables = [
        series_table(filters, counts["bucket"]),
        counted(counts["category"], "by_category", _("By category"), _("Category"),
                lambda pk: f"{categories[pk].code} {categories[pk].name}",
                lambda pk: {"cat": pk}),
        territory_table(counts["territory"]),
        counted(counts["organisation"], "by_organisation", _("By organisation"),
                _("Organisation"), lambda pk: organisations.get(pk, ""),
                lambda pk: {"org": pk}),
        counted(counts["channel"], "by_channel", _("By channel"), _("Channel"),
                lambda channel: str(Channel(channel).label),
                lambda channel: {"chan": channel}),
        counted(counts["status"], "by_status", _("By current status"), _("Status"),
                lambda status: str(Status(status).label),
                lambda status: {"status": status}),
    ]
    charts = [
        Chart("series", "line", _("Messages received"), "period", ("count",)),
        Chart("by_category", "bar", _("By category"), "label", ("count",)),
        Chart("by_territory", "hbar", _("By territory"), "label", ("count",)),
        Chart("by_status", "bar", _("By current status"), "label", ("count",)),
    ]
    return ReportResult(tables=tables, charts=charts)


def counted_by_set(filters: ReportFilters, scope: ReportScope) -> dict[str, Counter]:
    """The counts of each breakdown (SET_NAMES): a series bucket, a category id, a
    (region id, branch path), an organisation id, a channel or a status → messages.
    Whole months come from the monthly figures where they serve the filters, the rest of
    the period (or all of it) from the facts."""
    counts: dict[str, Counter] = {name: Counter() for name in SET_NAMES}
    months = cube.whole_months(filters.since, filters.until) if cube.usable(
        filters, scope) else None
    rest = cube.edges_q(filters, months)
    sets = list(range(len(SETS)))
    if months is not None and filters.step != Step.MONTH:
        # A day or week series does not add up from months: it reads the facts.
        add_facts(counts, filters, scope.rows(AppealFact), [0])
        sets = sets[1:]
    if rest is not None:
        add_facts(counts, filters, cube.edge_facts(scope, rest), sets)
    if months is not None:
        add_months(counts, filters, scope, months, with_series=0 in sets)
    return counts


def add_facts(counts, filters: ReportFilters, facts, sets: list[int]) -> None:
    rows = facts.values("created_day", "category_id", "organisation_id", "channel", "status",
                        territory_region=F("territory__region_id"),
                        branch=Substr("territory__path", 1, branch_length(filters)))
    columns = {"bucket": BUCKET_SQL.get(filters.step, BUCKET_SQL[Step.DAY]),
               "category_id": "r.category_id", "territory_region": "r.territory_region",
               "branch": "r.branch", "organisation_id": "r.organisation_id",
               "channel": "r.channel", "status": "r.status"}
    wanted = [SETS[index] for index in sets]
    used = {column for group in wanted for column in group}
    for row in grouped(rows, {k: v for k, v in columns.items() if k in used}, wanted,
                       {"count": "count(*)"}):
        group = wanted[row["set"]]
        name = SET_NAMES[SETS.index(group)]
        key = tuple(row[column] for column in group)
        counts[name][key if len(key) > 1 else key[0]] += row["count"]


def add_months(counts, filters: ReportFilters, scope: ReportScope, months, *,
               with_series: bool) -> None:
    """The whole months' counts: every breakdown from the sums over all categories (or
    the chosen one's), and by category, when no category is chosen, from the status
    rows per category."""
    rows = cube.month_rows(filters, scope, months, (
        MonthFigures.STATUS, MonthFigures.CHANNEL, MonthFigures.BRANCH))
    sets = [("kind", "key"), ("kind", "key", "region_id"), ("organisation_id",)]
    if with_series:
        sets.append(("month",))
    found = grouped(rows.values("kind", "key", "month", "organisation_id", "region_id",
                                "messages"),
                    {"kind": "r.kind", "key": "r.key", "organisation_id": "r.organisation_id",
                     "month": "r.month", "region_id": "r.region_id"},
                    sets, {"count": "sum(r.messages)",
                           "statuses": f"sum(r.messages) FILTER (WHERE r.kind = "
                                       f"'{MonthFigures.STATUS}')"})
    for row in found:
        if row["set"] == 0 and row["kind"] == MonthFigures.STATUS:
            counts["status"][row["key"]] += row["count"]
        elif row["set"] == 0 and row["kind"] == MonthFigures.CHANNEL:
            counts["channel"][row["key"]] += row["count"]
        elif row["set"] == 1 and row["kind"] == MonthFigures.BRANCH:
            counts["territory"][(row["region_id"], row["key"])] += row["count"]
        elif row["set"] == 2:
            counts["organisation"][row["organisation_id"]] += row["statuses"] or 0
        elif row["set"] == 3:
            counts["bucket"][row["month"]] += row["statuses"] or 0
    if filters.category is not None:
        counts["category"][filters.category.pk] += sum(
            row["count"] for row in found
            if row["set"] == 0 and row["kind"] == MonthFigures.STATUS)
        return
    by_category = (cube.month_rows(filters, scope, months, (MonthFigures.STATUS,),
                                   by_category=True)
                   .order_by().values("category_id").annotate(n=Sum("messages")))
    for row in by_category:
        counts["category"][row["category_id"]] += row["n"]


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


def counted(counts: Counter, key, title, label, name_of, link_of) -> Table:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [{"label": name_of(value), "count": count, "_links": {"count": link_of(value)}}
            for value, count in ordered if count]
    return Table(key, title, (Column("label", label, TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})


def territory_table(counts: Counter) -> Table:
    """Counts by the territories one level under the chosen one (or under the root), each
    with its subtree; a message right at the chosen level counts under that territory."""
    names = {(t.region_id, t.path): t for t in Territory.objects.filter(
        path__in={branch for _region, branch in counts},
        region_id__in={region for region, _branch in counts})}
    rows = []
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0][1])):
        territory = names.get(key)
        rows.append({"label": territory.name if territory else "—", "count": count,
                     "_links": {"count": {"territory": territory.pk} if territory else {}}})
    return Table("by_territory", _("By territory"),
                 (Column("label", _("Territory"), TEXT), COUNT), rows,
                 totals={"label": _("Total"), "count": sum(row["count"] for row in rows)})
