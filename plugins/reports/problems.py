"""The problem points report: what grows fastest, where messages repeat, what is similar.

- growth: messages per subcategory and per territory in the period against the previous
  period of the same length (one query each, both periods counted at once), the largest
  increases first;
- repeated places: a territory and an address with two messages or more in the period
  (one query);
- similar messages: `plugins.reports.similar.similar_groups` (pg_trgm), each group
  opening its messages.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from cms.models import Appeal

from .filters import ReportFilters
from .results import TEXT, Chart, Column, ReportResult, Table
from .similar import similar_groups

TOP = 10
PLACES = 20
SIMILAR_GROUPS = 50
GROWTH_COLUMNS = (
    Column("current", _("This period")),
    Column("previous", _("Previous period")),
    Column("growth", _("Growth"), "signed"),
    Column("growth_share", _("Growth, %"), "signed"),
)


def compute(filters: ReportFilters, appeals: QuerySet[Appeal]) -> ReportResult:
    received = appeals.filter(filters.period_q())
    tables = [
        growth(filters, appeals, "subcategories", _("Fastest-growing subcategories"),
               _("Subcategory"), ("subcategory_id", "subcategory__code", "subcategory__name"),
               lambda row: f'{row["subcategory__code"]} {row["subcategory__name"]}',
               lambda row: {"sub": row["subcategory_id"]}),
        growth(filters, appeals, "territories", _("Fastest-growing territories"),
               _("Territory"), ("territory_id", "territory__name"),
               lambda row: row["territory__name"],
               lambda row: {"ter": row["territory_id"]}),
        repeated_places(received),
        similar_table(received),
    ]
    charts = [Chart("subcategories", "grouped", _("Fastest-growing subcategories"), "label",
                    ("previous", "current"))]
    return ReportResult(tables=tables, charts=charts)


def growth(filters, appeals, key, title, label, group, name_of, link_of) -> Table:
    previous = filters.previous()
    both = appeals.filter(previous.period_q() | filters.period_q())
    counted = (both.order_by().values(*group)
               .annotate(current=Count("pk", filter=filters.period_q()),
                         previous=Count("pk", filter=previous.period_q())))
    rows = []
    for row in counted:
        change = row["current"] - row["previous"]
        if change <= 0:
            continue
        rows.append({
            "label": name_of(row), "current": row["current"], "previous": row["previous"],
            "growth": change,
            "growth_share": round(change / row["previous"] * 100, 1) if row["previous"]
            else None,
            "_links": {"current": link_of(row)},
        })
    rows.sort(key=lambda row: (-row["growth"], row["label"]))
    return Table(key, title, (Column("label", label, TEXT), *GROWTH_COLUMNS), rows[:TOP])


def repeated_places(received) -> Table:
    places = (received.exclude(address="").order_by()
              .values("territory_id", "territory__name", "address")
              .annotate(count=Count("pk")).filter(count__gte=2)
              .order_by("-count", "territory__name", "address")[:PLACES])
    rows = [{"territory": row["territory__name"], "address": row["address"],
             "count": row["count"],
             "_links": {"count": {"ter": row["territory_id"], "address": row["address"]}}}
            for row in places]
    return Table("places", _("Places with repeated messages"),
                 (Column("territory", _("Territory"), TEXT),
                  Column("address", _("Address"), TEXT), Column("count", _("Messages"))),
                 rows)


def similar_table(received) -> Table:
    rows = [{"subcategory": group.subcategory, "territory": group.territory,
             "address": group.address, "count": group.count,
             "_links": {"count": {"ids": ",".join(map(str, group.appeal_ids))}}}
            for group in similar_groups(received, limit=SIMILAR_GROUPS)]
    return Table("similar", _("Groups of similar messages"),
                 (Column("subcategory", _("Subcategory"), TEXT),
                  Column("territory", _("Territory"), TEXT),
                  Column("address", _("Address"), TEXT), Column("count", _("Messages"))),
                 rows)
