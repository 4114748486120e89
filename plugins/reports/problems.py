"""The problem points report: what grows fastest, where messages repeat, what is similar.

- growth: messages per subcategory and per territory in the period against the previous
  period of the same length, the largest increases first: counted per (subcategory,
  territory) pair over both periods at once (a few thousand pairs), summed each way;
  whole months from the month cells, the other days from the facts;
- repeated places: a territory and an address with two messages or more in the period
  (one query);
- similar messages: the groups of similar texts at one place and subcategory, each
  opening its messages (one query, then one for the names).

Every figure is read from the report's own facts (`plugins.reports.problem_facts`: one
narrow row per message with its place and its group, kept by a django-q2 task; in SQL
on PostgreSQL, in Python on SQLite, the demo), through the user's scope and the filters
like any other facts: a handful of narrow columns instead of the messages' text and a
trigram comparison per report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cms.models import Subcategory, Territory

from .filters import ReportFilters, ReportScope
from .problem_facts import ProblemFact, ProblemGroup, ProblemMonth, ProblemPlace
from .results import TEXT, Chart, Column, ReportResult, Table
from .similar import place_key, similar_groups

TOP = 10
PLACES = 20
SIMILAR_GROUPS = 50
# The busiest places and largest groups are counted half as many again as wanted at a
# time (at least this many), for at most this many batches (see `threshold_top`).
TOP_BATCH = 5
TOP_BATCHES = 3
# Counting by batches is given up at once when the largest count found is under this
# share of the largest total (a short or narrow period).
SETTLING_SHARE = 0.5
GROWTH_COLUMNS = (
    Column("current", _("This period")),
    Column("previous", _("Previous period")),
    Column("growth", _("Growth"), "signed"),
    Column("growth_share", _("Growth, %"), "signed"),
)


def compute(filters: ReportFilters, scope: ReportScope) -> ReportResult:
    rows = scope.rows(ProblemFact, period=False)
    subcategories, territories = growth(filters, pair_counts(filters, scope, rows))
    tables = [subcategories, territories, places_table(places_from_facts(filters, rows)),
              similar_table(similar_from_facts(filters, rows))]
    charts = [Chart("subcategories", "grouped", _("Fastest-growing subcategories"), "label",
                    ("previous", "current"))]
    return ReportResult(tables=tables, charts=charts)


# --- growth ---------------------------------------------------------------------------


def growth(filters: ReportFilters, counted) -> tuple[Table, Table]:
    """Both growth tables from the counts per (subcategory, territory) pair in both
    periods (`counted`: (subcategory, territory, current, previous) rows, or the
    messages to count them from), summed by subcategory and by territory here: a few
    thousand pairs at most, where two queries would read the period's rows twice."""
    if isinstance(counted, QuerySet):
        counted = counted_pairs(filters, counted)
    by_subcategory: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_territory: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for subcategory_id, territory_id, current, before in counted:
        for totals, key in ((by_subcategory, subcategory_id), (by_territory, territory_id)):
            totals[key][0] += current
            totals[key][1] += before
    subcategory_names = {pk: f"{code} {name}" for pk, code, name in Subcategory.objects
                         .filter(pk__in=grown(by_subcategory))
                         .values_list("pk", "code", "name")}
    territory_names = dict(Territory.objects.filter(pk__in=grown(by_territory))
                           .values_list("pk", "name"))
    return (growth_table("subcategories", _("Fastest-growing subcategories"),
                         _("Subcategory"), by_subcategory, subcategory_names, "sub"),
            growth_table("territories", _("Fastest-growing territories"), _("Territory"),
                         by_territory, territory_names, "ter"))


def counted_pairs(filters: ReportFilters, rows, current=None, previous=None,
                  envelope: Q | None = None):
    """(subcategory, territory, current, previous) counted from `rows` (messages or
    facts) within the periods' conditions (by default the whole periods). `envelope`,
    when given, is what the rows are read by instead of the two conditions: one time
    range, which an index-only scan reads, where an OR of ranges takes a bitmap scan
    of the table (rows in it outside both conditions count nothing)."""
    current = filters.period_q() if current is None else current
    previous = filters.previous().period_q() if previous is None else previous
    read = (current | previous) if envelope is None else envelope
    return (rows.filter(read).order_by()
            .values_list("subcategory_id", "territory_id")
            .annotate(current=Count("pk", filter=current),
                      previous=Count("pk", filter=previous)))


def pair_counts(filters: ReportFilters, scope: ReportScope, facts) -> list[tuple]:
    """The pairs' counts from the month cells for the whole months of both periods, and
    from the facts for their other days: over two years, a few hundred thousand cells
    and two months of facts instead of every fact. The cells hold no organisation,
    channel or fast track, and count a region's messages: with any of those filters,
    or a scope narrower than regions (a head's organisations), only the facts."""
    previous = filters.previous()
    if not months_apply(filters, scope):
        return list(counted_pairs(filters, facts))
    current_months, current_days = split_by_months(filters)
    previous_months, previous_days = split_by_months(previous)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    if current_months or previous_months:
        cells = (filters.narrow(ProblemMonth.objects.filter(scope.visible), period=False)
                 .filter(month__in=current_months + previous_months).order_by()
                 .values_list("subcategory_id", "territory_id")
                 .annotate(current=Sum("messages", filter=Q(month__in=current_months),
                                       default=0),
                           previous=Sum("messages", filter=Q(month__in=previous_months),
                                        default=0)))
        for subcategory_id, territory_id, current, before in cells:
            totals[subcategory_id, territory_id][0] += current
            totals[subcategory_id, territory_id][1] += before
    if current_days or previous_days:
        ranges = current_days + previous_days
        envelope = replace(filters, since=min(first for first, _last in ranges),
                           until=max(last for _first, last in ranges)).period_q()
        days = counted_pairs(filters, facts, days_q(filters, current_days),
                             days_q(filters, previous_days), envelope)
        for subcategory_id, territory_id, current, before in days:
            totals[subcategory_id, territory_id][0] += current
            totals[subcategory_id, territory_id][1] += before
    return [(*pair, current, before) for pair, (current, before) in totals.items()]


def months_apply(filters: ReportFilters, scope: ReportScope) -> bool:
    """Whether the month cells can count for these filters and this scope: no filter
    on what they do not hold, dates in the region's own zone, a scope of whole regions."""
    if filters.organisation is not None or filters.channel or filters.fast_track is not None:
        return False
    if filters.region is None or filters.zone != filters.region.time_zone:
        return False
    return whole_regions(scope.visible)


# The scope's conditions that select whole regions (or every message, or none).
REGION_LOOKUPS = frozenset({"region_id", "region_id__in", "pk__isnull", "pk__in"})


def whole_regions(q: Q) -> bool:
    for child in q.children:
        if isinstance(child, Q):
            if not whole_regions(child):
                return False
        elif child[0] not in REGION_LOOKUPS or (child[0] == "pk__in" and child[1]):
            return False
    return True


def split_by_months(filters: ReportFilters) -> tuple[list[date], list[tuple[date, date]]]:
    """The first days of the months wholly inside the period, and the day ranges
    (first, last) of the period outside them."""
    since, until = filters.since, filters.until
    month = since if since.day == 1 else next_month(since)
    months = []
    while next_month(month) - timedelta(days=1) <= until:
        months.append(month)
        month = next_month(month)
    if not months:
        return [], [(since, until)]
    days = []
    if since < months[0]:
        days.append((since, months[0] - timedelta(days=1)))
    after = next_month(months[-1])
    if after <= until:
        days.append((after, until))
    return months, days


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def days_q(filters: ReportFilters, ranges: list[tuple[date, date]]) -> Q:
    """Registered on those local days (no days: a condition nothing meets, which SQL
    can still write inside a FILTER)."""
    q = Q(pk__isnull=True)
    for first, last in ranges:
        days = replace(filters, since=first, until=last)
        q |= days.period_q()
    return q


def grown(totals: dict[int, list[int]]) -> list[int]:
    return [key for key, (current, before) in totals.items() if current > before]


def growth_table(key, title, label, totals, names, parameter) -> Table:
    rows = []
    for pk in grown(totals):
        current, before = totals[pk]
        change = current - before
        rows.append({
            "label": names.get(pk, ""), "current": current, "previous": before,
            "growth": change,
            "growth_share": round(change / before * 100, 1) if before else None,
            "_links": {"current": {parameter: pk}},
        })
    rows.sort(key=lambda row: (-row["growth"], row["label"]))
    return Table(key, title, (Column("label", label, TEXT), *GROWTH_COLUMNS), rows[:TOP])


# --- repeated places --------------------------------------------------------------------


def places_from_facts(filters: ReportFilters, rows) -> list[dict]:
    """[{territory_id, territory, address, count}], the busiest first."""
    def count(place_ids=None):
        found = rows.filter(filters.period_q(), place__isnull=False)
        if place_ids is not None:
            found = found.filter(place_id__in=place_ids)
        return list(found.order_by().values("place_id").annotate(count=Count("pk"))
                    .filter(count__gte=2).order_by("-count", "place_id")[:PLACES])

    busiest = candidates(ProblemPlace.objects, filters).order_by("-total", "pk").values_list(
        "pk", "total")
    counted = threshold_top(busiest, count, PLACES, lambda row: (-row["count"],
                                                                   row["place_id"]))
    if counted is None:
        counted = count()
    places = {place.pk: place for place in ProblemPlace.objects.filter(
        pk__in=[row["place_id"] for row in counted]).select_related("territory")}
    found = [{"territory_id": places[row["place_id"]].territory_id,
              "territory": places[row["place_id"]].territory.name,
              "address": places[row["place_id"]].address, "count": row["count"]}
             for row in counted]
    return sorted(found, key=lambda row: (-row["count"], row["territory"], row["address"]))


def candidates(queryset, filters: ReportFilters):
    """Places or groups, narrowed by the filters they carry (region, territory)."""
    if filters.region is not None:
        queryset = queryset.filter(region_id=filters.region.pk)
    return queryset


def threshold_top(bounds, count, wanted: int, order) -> list[dict] | None:
    """The `wanted` first rows by `order` of `count(ids)`, read a batch of candidates at
    a time from `bounds` ((id, bound) pairs, the largest bound first: a candidate's
    count within any filters is at most its bound, its all-time total). It stops once
    the last row kept counts more than the last bound read: no candidate left can
    enter. Over a long period the busiest places and largest groups come first, and a
    batch or two settles it, reading a few thousand facts by index where counting all
    would read every fact of the period. After `TOP_BATCHES` batches without a
    settled answer, or at once when the counts are far below the totals (a short or
    narrow period), it gives up and returns None: counting all is then cheap."""
    found: list[dict] = []
    size = max(TOP_BATCH, wanted * 3 // 2)
    for batch in range(TOP_BATCHES):
        read = list(bounds[batch * size:(batch + 1) * size])
        if read:
            found = sorted(found + count([pk for pk, _bound in read]), key=order)[:wanted]
        if len(read) < size:
            return found  # every candidate counted
        if len(found) == wanted and -order(found[-1])[0] > read[-1][1]:
            return found
        if not found or -order(found[0])[0] < read[0][1] * SETTLING_SHARE:
            return None  # the counts are far below the totals: it will not settle
    return None


def places_direct(received) -> list[dict]:
    """The same from the messages (the address compared as a place: trimmed, any case)."""
    counted = (received.exclude(address="").order_by()
               .values("territory_id", "territory__name", key=place_key())
               .annotate(count=Count("pk"), address=Max("address")).filter(count__gte=2)
               .order_by("-count", "territory__name", "key")[:PLACES])
    return [{"territory_id": row["territory_id"], "territory": row["territory__name"],
             "address": row["address"].strip(), "count": row["count"]} for row in counted]


def places_table(found: list[dict]) -> Table:
    rows = [{"territory": row["territory"], "address": row["address"], "count": row["count"],
             "_links": {"count": {"ter": row["territory_id"], "address": row["address"]}}}
            for row in found]
    return Table("places", _("Places with repeated messages"),
                 (Column("territory", _("Territory"), TEXT),
                  Column("address", _("Address"), TEXT), Column("count", _("Messages"))),
                 rows)


# --- similar messages -------------------------------------------------------------------


def similar_from_facts(filters: ReportFilters, rows) -> list[dict]:
    """The largest groups with two members or more among the rows of the period (a
    group's members are counted within the filters and scope), then their names."""
    def count(group_ids=None):
        found = rows.filter(filters.period_q(), similar_group__isnull=False)
        if group_ids is not None:
            found = found.filter(similar_group__in=group_ids)
        # Each group's members in an array where there are arrays (PostgreSQL).
        ids = ({"ids": ArrayAgg("pk", order_by="pk")}
               if connection.vendor == "postgresql" else {})
        return list(found.order_by().values("similar_group")
                    .annotate(count=Count("pk"), last=Max("pk"), **ids)
                    .filter(count__gte=2).order_by("-count", "-last")[:SIMILAR_GROUPS])

    largest = candidates(ProblemGroup.objects, filters).order_by("-size", "pk").values_list(
        "pk", "size")
    counted = threshold_top(largest, count, SIMILAR_GROUPS,
                            lambda row: (-row["count"], -row["last"]))
    if counted is None:
        counted = count()
    if counted and "ids" not in counted[0]:
        # No arrays (SQLite): the groups' members by one query.
        members: dict[int, list[int]] = defaultdict(list)
        for group, pk in (rows.filter(filters.period_q(), similar_group__in=[
                row["similar_group"] for row in counted]).order_by("pk")
                .values_list("similar_group", "pk")):
            members[group].append(pk)
        for row in counted:
            row["ids"] = members[row["similar_group"]]
    first_ids = [row["ids"][0] for row in counted]
    about = {fact.pk: fact for fact in ProblemFact.objects.filter(pk__in=first_ids)
             .select_related("subcategory", "territory", "place")}
    found = []
    for row in counted:
        fact = about[row["ids"][0]]
        found.append({"subcategory": f"{fact.subcategory.code} {fact.subcategory.name}",
                      "territory": fact.territory.name, "address": fact.place.address,
                      "count": row["count"], "ids": row["ids"]})
    return found


def similar_direct(received) -> list[dict]:
    return [{"subcategory": group.subcategory, "territory": group.territory,
             "address": group.address, "count": group.count, "ids": group.appeal_ids}
            for group in similar_groups(received, limit=SIMILAR_GROUPS)]


def similar_table(found: list[dict]) -> Table:
    rows = [{"subcategory": row["subcategory"], "territory": row["territory"],
             "address": row["address"], "count": row["count"],
             "_links": {"count": {"ids": ",".join(map(str, row["ids"]))}}}
            for row in found]
    return Table("similar", _("Groups of similar messages"),
                 (Column("subcategory", _("Subcategory"), TEXT),
                  Column("territory", _("Territory"), TEXT),
                  Column("address", _("Address"), TEXT), Column("count", _("Messages"))),
                 rows)

