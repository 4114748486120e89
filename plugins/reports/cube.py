"""Reading a period as whole months of `MonthFigures` plus the days at its edges from
the message facts: the same figures, from a few hundred rows a month instead of every
message (see docs/performance.md).

The monthly figures are split by region, organisation and category only (and one
breakdown), so they serve the filters on those; a report filtered by subcategory,
territory, channel or fast track reads the facts of its whole period (`usable`).
A month is a month of the region's time zone, a period's days are those of the filters'
zone: they are the same months where the scope's regions share the filters' zone (a
region's report always does; `usable` says no otherwise).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from cms.models import Region

from .filters import ReportFilters, ReportScope
from .models import AppealFact, MonthFigures


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def usable(filters: ReportFilters, scope: ReportScope) -> bool:
    """Whether the monthly figures can give this report's figures exactly."""
    if (filters.subcategory is not None or filters.territory is not None
            or filters.channel or filters.fast_track is not None):
        return False
    zones = (Region.objects.filter(pk=filters.region.pk) if filters.region else
             Region.objects.all()).order_by().values_list("time_zone", flat=True).distinct()
    return set(zones) <= {filters.zone}


def whole_months(since: date, until: date) -> tuple[date, date] | None:
    """The first days of the first and last whole months within [since, until]."""
    first = since if since.day == 1 else next_month(since)
    last = until.replace(day=1)
    if next_month(last) - timedelta(days=1) != until:
        last = (last - timedelta(days=1)).replace(day=1)
    return (first, last) if first <= last else None


def edges_q(filters: ReportFilters, months: tuple[date, date] | None) -> Q | None:
    """The facts' condition for the period's days outside its whole months (None: none)."""
    if months is None:
        return filters.period_q()

    def at(day: date) -> datetime:
        return datetime.combine(day, time(0), filters.tzinfo)

    q = Q(pk__in=[])
    if filters.since < months[0]:
        q |= Q(created_at__gte=filters.start, created_at__lt=at(months[0]))
    end = next_month(months[1])
    if end <= filters.until:
        q |= Q(created_at__gte=at(end), created_at__lt=filters.end)
    return None if q == Q(pk__in=[]) else q


def month_rows(filters: ReportFilters, scope: ReportScope, months: tuple[date, date],
               kinds: tuple[str, ...], *, by_category: bool = False
               ) -> QuerySet[MonthFigures]:
    """The monthly figures of `kinds` in the user's scope, narrowed like the facts: of
    the chosen category, else per category (`by_category`) or summed over all of them
    (a few times fewer rows)."""
    q = scope.visible & Q(kind__in=kinds, month__gte=months[0], month__lte=months[1])
    if filters.region is not None:
        q &= Q(region_id=filters.region.pk)
    if filters.organisation is not None:
        q &= Q(organisation_id__in=filters.organisation_ids())
    if filters.category is not None:
        q &= Q(category_id=filters.category.pk)
    else:
        q &= Q(category_id__isnull=not by_category)
    return MonthFigures.objects.filter(q)


def edge_facts(scope: ReportScope, condition: Q) -> QuerySet[AppealFact]:
    return scope.rows(AppealFact, period=False).filter(condition)


def percentile(histogram: dict[int, int], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values a histogram (value → count) holds,
    computed the same way (the same floating-point steps)."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    first, second = math.floor(position), math.ceil(position)
    values, seen = {}, 0
    for value in sorted(histogram):
        count = histogram[value]
        for index in (first, second):
            if seen <= index < seen + count:
                values[index] = float(value)
        seen += count
    low, high = values[first], values[second]
    if first == second:
        return low
    return low + (position - first) * (high - low)
