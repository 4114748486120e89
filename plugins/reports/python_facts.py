"""The reports' facts computed in Python: the refresh's path off PostgreSQL (SQLite, the
demo).

`plugins.reports.facts` writes the facts with one `INSERT … SELECT` per table, in
PostgreSQL's SQL (`AT TIME ZONE`, jsonb, `GROUPING SETS`, upserts), over a million
messages. The demo's SQLite has none of those, and holds a few hundred messages: there
`write` computes the same rows here and upserts them with `bulk_create`. Each message's
values come from the definitions of `plugins.reports.measures` (first answer, redirects,
arrivals, postponement) as subqueries; its days and months are those of its region's
zone (zoneinfo) and its working days those of the region's calendar
(`facts.calendar_numbers`). Only the ORM is used, so the tests run this on PostgreSQL
too and compare its rows with the SQL's (tests/reports/test_facts_in_python.py).
"""

from __future__ import annotations

import json
import operator
from collections import defaultdict
from datetime import date, datetime
from functools import reduce
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cms.models import Appeal, Region, Territory

from . import measures
from .facts import (
    APPEAL_COLUMNS,
    APPEALS,
    MONTHS,
    RATING_COLUMNS,
    RATINGS,
    REVIEW_REOPENED,
    calendar_numbers,
)
from .models import AppealFact, MonthFigures, RatingFact

Month = tuple[int, date]  # (region id, first day of a local month)


def write(*, full: bool, since: datetime | None, now: datetime, regions: list[int]
          ) -> dict[str, int]:
    """Write the facts of every message (full) or of those changed since `since`, then
    the monthly figures of the months they are in; returns the rows written."""
    if full:
        delete(AppealFact.objects.all())
        delete(RatingFact.objects.all())
    zones = region_zones()
    changed = Q() if full else Q(updated_at__gte=since)
    rows = appeal_facts(Appeal.objects.filter(changed, region_id__in=regions), now,
                        json.loads(calendar_numbers(regions, now.date())), zones)
    _upsert(AppealFact, rows, APPEAL_COLUMNS)
    written = {APPEALS: len(rows)}
    months = {(row.region_id, row.created_day.replace(day=1)) for row in rows}
    with_ratings = apps.is_installed("plugins.rating")
    if with_ratings:
        ratings = rating_facts(regions, None if full else since, zones)
        _upsert(RatingFact, ratings, RATING_COLUMNS)
        written[RATINGS] = len(ratings)
        months |= {(row.region_id, local_month(row.created_at, zones[row.region_id]))
                   for row in ratings}
    written[MONTHS] = rebuild_months(None if full else months, zones,
                                     with_ratings=with_ratings)
    return written


def region_zones() -> dict[int, ZoneInfo]:
    return {pk: ZoneInfo(zone) for pk, zone in Region.objects.values_list("pk",
                                                                          "time_zone")}


def local_month(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of `moment`'s month on the region's clock."""
    return timezone.localtime(moment, zone).date().replace(day=1)


def any_of(conditions) -> Q:
    """The conditions ORed (none: nothing matches)."""
    return reduce(operator.or_, conditions, Q(pk__in=[]))


def delete(rows: QuerySet) -> None:
    """Delete the rows by one `DELETE` (the tables have no relations to follow, where
    `QuerySet.delete()` reads every row first for the receivers of its signals)."""
    sql, params = rows.values("pk").query.sql_with_params()
    meta = rows.model._meta
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {meta.db_table} WHERE {meta.pk.column} IN ({sql})",
                       params)


def insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert the rows (values in the order of `columns`) by one `executemany`: the
    ORM's per-value preparation was most of a full refresh's time."""
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                           f"VALUES ({marks})", rows)


def _upsert(model, rows: list, columns: tuple[str, ...]) -> None:
    key = model._meta.pk
    names = [model._meta.get_field(column.removesuffix("_id")).name for column in columns
             if column != key.column]
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=[key.name],
                              update_fields=names)


# --- the messages' facts ----------------------------------------------------------------


def appeal_facts(appeals: QuerySet[Appeal], now: datetime, numbers: dict[str, int],
                 zones: dict[int, ZoneInfo]) -> list[AppealFact]:
    """The facts of `appeals`, as `facts.appeal_facts_sql` writes them."""
    arrival = measures.arrivals().values("appeal")
    found = (appeals.order_by().annotate(
        first_answer=measures.first_answer_at(), redirect_count=measures.redirect_count(),
        first_arrival=Subquery(arrival.annotate(at=Min("created_at")).values("at")),
        last_arrival=Subquery(arrival.annotate(at=Max("created_at")).values("at")),
        was_postponed=measures.postponed()))

    def day_number(region_id: int, moment: datetime) -> int | None:
        day = timezone.localtime(moment, zones[region_id]).date()
        return numbers.get(f"{region_id}:{day.isoformat()}")

    rows = []
    for a in found:
        answered = a.first_answer
        days = None
        if answered is not None:
            end, start = day_number(a.region_id, answered), day_number(a.region_id,
                                                                       a.created_at)
            days = None if end is None or start is None else end - start
        rows.append(AppealFact(
            appeal_id=a.pk, region_id=a.region_id, created_at=a.created_at,
            created_day=timezone.localtime(a.created_at, zones[a.region_id]).date(),
            organisation_id=a.organisation_id, category_id=a.category_id,
            subcategory_id=a.subcategory_id, territory_id=a.territory_id,
            executor_id=a.executor_id, channel=a.channel, is_fast_track=a.is_fast_track,
            status=a.status, deadline=a.deadline, answered_at=answered,
            on_time=None if answered is None else (a.deadline is None
                                                   or answered <= a.deadline),
            working_days=days, redirects=a.redirect_count or 0,
            loss_hours=None if a.first_arrival is None else
            (a.last_arrival - a.first_arrival).total_seconds() / 3600.0,
            postponed=a.was_postponed, version=a.version, refreshed_at=now))
    return rows


def rating_facts(regions: list[int], since: datetime | None,
                 zones: dict[int, ZoneInfo]) -> list[RatingFact]:
    """The facts of every rating (since None), or of those whose rating, review or
    message changed since `since`, as `facts.rating_facts_sql` writes them."""
    Rating = apps.get_model("rating", "Rating")
    Review = apps.get_model("rating", "LowRatingReview")
    Settings = apps.get_model("rating", "RatingSettings")
    ratings = Rating.objects.filter(appeal__region_id__in=regions)
    if since is not None:
        reviewed = Review.objects.filter(Q(opened_at__gte=since) | Q(closed_at__gte=since))
        ratings = ratings.filter(Q(changed_at__gte=since)
                                 | Q(appeal__updated_at__gte=since)
                                 | Q(pk__in=reviewed.values("rating_id")))
    default = Settings._meta.get_field("low_threshold").default
    thresholds = dict(Settings.objects.values_list("region_id", "low_threshold"))
    reopened = Review.objects.filter(rating=OuterRef("pk"), outcome=REVIEW_REOPENED)
    rows = []
    for r in ratings.order_by().annotate(reopened=Exists(reopened)).values(
            "pk", "appeal_id", "appeal__region_id", "appeal__created_at",
            "appeal__organisation_id", "appeal__category_id", "answer__author_id",
            "created_at", "score", "is_low", "reopened"):
        region = r["appeal__region_id"]
        rows.append(RatingFact(
            rating_id=r["pk"], appeal_id=r["appeal_id"], region_id=region,
            created_at=r["appeal__created_at"],
            organisation_id=r["appeal__organisation_id"],
            category_id=r["appeal__category_id"], executor_id=r["answer__author_id"],
            rated_month=local_month(r["created_at"], zones[region]), score=r["score"],
            is_low=r["is_low"] or r["score"] <= thresholds.get(region, default),
            reopened=r["reopened"]))
    return rows


# --- the monthly figures ----------------------------------------------------------------

# A monthly figures' row: its cell, then its sums.
MONTH_COLUMNS = ("kind", "region_id", "month", "organisation_id", "category_id", "key",
                 "messages", "answered", "on_time", "postponed", "redirects",
                 "redirected", "loss_hours", "scores")


def rebuild_months(months: set[Month] | None, zones: dict[int, ZoneInfo], *,
                   with_ratings: bool) -> int:
    """Rebuild the monthly figures of `months` (None: of every month) from the facts, as
    `facts.month_figures_sql` and `facts.rating_months_sql` do; returns the rows."""
    stale = MonthFigures.objects.all()
    if months is not None:
        by_region: dict[int, set[date]] = defaultdict(set)
        for region, month in months:
            by_region[region].add(month)
        if not by_region:
            return 0
        stale = stale.filter(any_of(Q(region_id=region, month__in=sorted(firsts))
                                    for region, firsts in by_region.items()))
        facts = AppealFact.objects.filter(region_id__in=list(by_region))
    else:
        facts = AppealFact.objects.all()
    delete(stale)
    rows = _status_channel_branch_days(facts, months)
    if with_ratings:
        rows += _ratings_by_month(months, zones)
    insert(MonthFigures, MONTH_COLUMNS, rows)
    return len(rows)


def _status_channel_branch_days(facts: QuerySet[AppealFact], months: set[Month] | None
                                ) -> list[tuple]:
    """Per region, month, organisation, category (and over every category: None) and
    one key of each kind, the facts' sums (GROUPING SETS, in Python)."""
    branch = 2 * Territory.steplen  # the ancestor under the region's root
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0.0])
    for f in facts.order_by("appeal_id").values(
            "region_id", "created_day", "organisation_id", "category_id", "status",
            "channel", "territory__path", "working_days", "answered_at", "on_time",
            "postponed", "redirects", "loss_hours"):
        month = f["created_day"].replace(day=1)
        if months is not None and (f["region_id"], month) not in months:
            continue
        keys = {MonthFigures.STATUS: f["status"], MonthFigures.CHANNEL: f["channel"],
                MonthFigures.BRANCH: f["territory__path"][:branch],
                # the working days of answered messages only
                MonthFigures.DAYS: None if f["working_days"] is None
                else str(f["working_days"])}
        lost = f["redirects"] > 0 and f["loss_hours"] is not None
        for kind, key in keys.items():
            if key is None:
                continue
            for category in (f["category_id"], None):
                cell = cells[kind, f["region_id"], month, f["organisation_id"], category,
                             key]
                cell[0] += 1
                cell[1] += f["answered_at"] is not None
                cell[2] += f["on_time"] is True
                cell[3] += f["postponed"]
                cell[4] += f["redirects"]
                cell[5] += lost
                cell[6] += f["loss_hours"] if lost else 0.0
    return [(*cell, *sums, 0) for cell, sums in cells.items()]


def _ratings_by_month(months: set[Month] | None, zones: dict[int, ZoneInfo]
                      ) -> list[tuple]:
    """Kind "rating": per the message's registration month, organisation, category and
    the month rated (`key`), the ratings and the sum of their scores."""
    ratings = RatingFact.objects.all()
    if months is not None:
        ratings = ratings.filter(region_id__in={region for region, _month in months})
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in ratings.order_by("rating_id").values(
            "region_id", "created_at", "organisation_id", "category_id", "rated_month",
            "score"):
        month = local_month(r["created_at"], zones[r["region_id"]])
        if months is not None and (r["region_id"], month) not in months:
            continue
        cell = cells[r["region_id"], month, r["organisation_id"], r["category_id"],
                     r["rated_month"].isoformat()]
        cell[0] += 1
        cell[1] += r["score"]
    return [(MonthFigures.RATING, *cell, count, 0, 0, 0, 0, 0, 0, scores)
            for cell, (count, scores) in cells.items()]
