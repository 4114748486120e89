"""Keeping the reports' facts (plugins/reports/models.py) up to date.

`refresh(full=False)` brings `AppealFact` and `RatingFact` up to date for the regions
where the reports plugin is on:

- *incremental* (the default; the scheduled task every `REFRESH_MINUTES`): the messages
  changed since the last refresh. Every workflow write goes through
  `cms.workflow.actions._finish`, which saves the message's `updated_at` (answers,
  redirects, postponements, status changes all do), so those are the messages read,
  through the index `reports_appeal_updated` (migration 0002). Ratings are re-read when
  the rating, its review or its message changed. Reading from `OVERLAP` before the last
  refresh's start covers writes committed after it started; an upsert is idempotent.
- *full* (`manage.py refresh_report_facts --full`, after a deploy or a bulk load): every
  message, and facts of anything no longer there dropped.

Each is one `INSERT … SELECT … ON CONFLICT DO UPDATE` per table: the per-message values
(first published answer, redirects, arrivals, approved postponement) come from one
`GROUP BY` per source table over the partial indexes of migration 0001, hash-joined to the
messages, never a lookup per message. Working days use each region's calendar (the
`region_working_days` hook) as of the refresh.

That is PostgreSQL's SQL. Elsewhere (SQLite, the demo's database, a few hundred
messages) `plugins.reports.python_facts` computes the same rows in Python, and
`grouped` reads them through `plugins.reports.sqlite_grouped`.

The rating facts read the rating plugin's tables by their models (`apps.get_model`), only
where that app is installed: the satisfaction report still asks the kernel's
`report_datasets` whether rating is on in a region, and shows no scores where it is off.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from cms.kernel.plugins import enabled_region_ids
from cms.models import Appeal, EventKind, Region, Status, Territory

from .measures import working_day_numbers
from .models import AppealFact, FactsRefresh, MonthFigures, RatingFact

log = logging.getLogger(__name__)

APPEALS, RATINGS, MONTHS = "appeals", "ratings", "months"
REFRESH_MINUTES = 5
# Writes whose transaction started before a refresh but committed after it began.
OVERLAP = timedelta(minutes=5)
# One refresh at a time (the task and the command may meet).
LOCK_KEY = 0x7265706F  # "repo"
REVIEW_REOPENED = "reopened"

APPEAL_COLUMNS = (
    "appeal_id", "region_id", "created_at", "created_day", "organisation_id", "category_id",
    "subcategory_id", "territory_id", "executor_id", "channel", "is_fast_track", "status",
    "deadline", "answered_at", "on_time", "working_days", "redirects", "loss_hours",
    "postponed", "version", "refreshed_at",
)
RATING_COLUMNS = (
    "rating_id", "appeal_id", "region_id", "created_at", "organisation_id", "category_id",
    "executor_id", "rated_month", "score", "is_low", "reopened",
)


def _upsert(columns: tuple[str, ...], key: str) -> str:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key)
    return f"ON CONFLICT ({key}) DO UPDATE SET {updates}"


def _day_number(numbers: str, moment: str) -> str:
    """SQL: the working-day number of `moment`'s local day (see working_day_numbers)."""
    return (f"(({numbers})::jsonb ->> (a.region_id::text || ':' || "
            f"(({moment} AT TIME ZONE reg.time_zone)::date)::text))::int")


def appeal_facts_sql(*, incremental: bool) -> str:
    """INSERT … SELECT of the facts of every message, or (`incremental`) of those changed
    since `%(since)s`. Parameters (by name): now, numbers, regions, since."""
    changed = "a.updated_at >= %(since)s" if incremental else "TRUE"
    # Each source table is grouped over the changed messages only, not over all of it.
    only = (f"appeal_id IN (SELECT a.id FROM cms_appeal a WHERE {changed})"
            if incremental else "TRUE")
    return f"""
        INSERT INTO {AppealFact._meta.db_table} ({", ".join(APPEAL_COLUMNS)})
        SELECT a.id, a.region_id, a.created_at,
               (a.created_at AT TIME ZONE reg.time_zone)::date,
               a.organisation_id, a.category_id, a.subcategory_id, a.territory_id,
               a.executor_id, a.channel, a.is_fast_track, a.status, a.deadline,
               fa.at,
               CASE WHEN fa.at IS NULL THEN NULL
                    ELSE (a.deadline IS NULL OR fa.at <= a.deadline) END,
               {_day_number("%(numbers)s", "fa.at")}
                 - {_day_number("%(numbers)s", "a.created_at")},
               COALESCE(rd.n, 0),
               EXTRACT(EPOCH FROM (ar.last_at - ar.first_at)) / 3600.0,
               pp.appeal_id IS NOT NULL,
               a.version, %(now)s
        FROM cms_appeal a
        JOIN cms_region reg ON reg.id = a.region_id
        LEFT JOIN (SELECT appeal_id, min(published_at) AS at FROM cms_answer
                   WHERE is_published AND published_at IS NOT NULL AND {only}
                   GROUP BY appeal_id) fa ON fa.appeal_id = a.id
        LEFT JOIN (SELECT appeal_id, count(*) AS n FROM cms_appealevent
                   WHERE kind = '{EventKind.ADDRESSEE_CHANGED.value}'
                     AND data @> '{{"redirect": true}}'::jsonb AND {only}
                   GROUP BY appeal_id) rd ON rd.appeal_id = a.id
        LEFT JOIN (SELECT appeal_id, min(created_at) AS first_at, max(created_at) AS last_at
                   FROM cms_appealevent
                   WHERE kind = '{EventKind.STATUS_CHANGED.value}'
                     AND to_value = '{Status.SENT_TO_ORGANISATION.value}' AND {only}
                   GROUP BY appeal_id) ar ON ar.appeal_id = a.id
        LEFT JOIN (SELECT DISTINCT appeal_id FROM cms_postponement
                   WHERE is_approved AND {only}) pp ON pp.appeal_id = a.id
        WHERE a.region_id = ANY(%(regions)s) AND {changed}
        {_upsert(APPEAL_COLUMNS, "appeal_id")}
    """


def rating_facts_sql(*, incremental: bool) -> str | None:
    """INSERT … SELECT of the facts of every rating, or (`incremental`) of those whose
    rating, review or message changed since `%(since)s`; None where the rating app is
    not installed. Parameters (by name): regions, since."""
    if not apps.is_installed("plugins.rating"):
        return None
    rating = apps.get_model("rating", "Rating")._meta.db_table
    review = apps.get_model("rating", "LowRatingReview")._meta.db_table
    changed = (f"r.changed_at >= %(since)s OR a.updated_at >= %(since)s OR r.id IN ("
               f"SELECT rating_id FROM {review} WHERE opened_at >= %(since)s "
               f"OR closed_at >= %(since)s)") if incremental else "TRUE"
    settings = apps.get_model("rating", "RatingSettings")
    default_threshold = settings._meta.get_field("low_threshold").default
    return f"""
        INSERT INTO {RatingFact._meta.db_table} ({", ".join(RATING_COLUMNS)})
        SELECT r.id, r.appeal_id, a.region_id, a.created_at, a.organisation_id,
               a.category_id, ans.author_id,
               date_trunc('month', r.created_at AT TIME ZONE reg.time_zone)::date,
               r.score,
               r.is_low OR r.score <= COALESCE(rs.low_threshold, {int(default_threshold)}),
               rv.rating_id IS NOT NULL
        FROM {rating} r
        JOIN cms_appeal a ON a.id = r.appeal_id
        JOIN cms_region reg ON reg.id = a.region_id
        JOIN cms_answer ans ON ans.id = r.answer_id
        LEFT JOIN {settings._meta.db_table} rs ON rs.region_id = a.region_id
        LEFT JOIN (SELECT DISTINCT rating_id FROM {review}
                   WHERE outcome = '{REVIEW_REOPENED}') rv ON rv.rating_id = r.id
        WHERE a.region_id = ANY(%(regions)s) AND ({changed})
        {_upsert(RATING_COLUMNS, "rating_id")}
    """


def month_figures_sql(months: str | None) -> str:
    """INSERT … SELECT of the monthly figures of the (region, month) pairs that `months`
    (SQL of such pairs; None: all) gives, from the message facts, one kind per grouping
    set."""
    table = MonthFigures._meta.db_table
    branch = 2 * Territory.steplen  # the ancestor under the region's root
    kinds = {MonthFigures.STATUS: "f.status", MonthFigures.CHANNEL: "f.channel",
             MonthFigures.BRANCH: f"substr(t.path, 1, {branch})",
             MonthFigures.DAYS: "f.working_days::text"}
    keys = list(kinds.values())
    kind = "CASE " + " ".join(
        f"WHEN GROUPING({key}) = 0 THEN '{name}'" for name, key in kinds.items()) + " END"
    key = "COALESCE(" + ", ".join(
        f"CASE WHEN GROUPING({k}) = 0 THEN {k} END" for k in keys) + ")"
    # Per category, and over every category (category NULL: GROUPING(category) = 1).
    sets = ", ".join(f"(f.region_id, month, f.organisation_id, f.category_id, {k}), "
                     f"(f.region_id, month, f.organisation_id, {k})" for k in keys)
    return f"""
        INSERT INTO {table} (kind, region_id, month, organisation_id, category_id, key,
                             messages, answered, on_time, postponed, redirects, redirected,
                             loss_hours, scores)
        SELECT {kind}, f.region_id, month, f.organisation_id, f.category_id, {key},
               count(*), count(f.answered_at), count(*) FILTER (WHERE f.on_time),
               count(*) FILTER (WHERE f.postponed), sum(f.redirects),
               count(f.loss_hours) FILTER (WHERE f.redirects > 0),
               COALESCE(sum(f.loss_hours) FILTER (WHERE f.redirects > 0), 0), 0
        FROM (SELECT *, date_trunc('month', created_day)::date AS month
              FROM {AppealFact._meta.db_table}) f
        JOIN cms_territory t ON t.id = f.territory_id
        WHERE {"TRUE" if months is None else f"(f.region_id, f.month) IN ({months})"}
        GROUP BY GROUPING SETS ({sets})
        -- the working days of answered messages only
        HAVING GROUPING(f.working_days::text) = 1 OR f.working_days::text IS NOT NULL
    """


def rating_months_sql(months: str | None) -> str:
    """INSERT … SELECT of the ratings' monthly figures (kind "rating": per registration
    month of the message, organisation, category and month rated (`key`): the ratings and
    the sum of their scores) of the (region, month) pairs `months` gives (None: all)."""
    registered = "date_trunc('month', r.created_at AT TIME ZONE reg.time_zone)::date"
    where = "TRUE" if months is None else f"(r.region_id, {registered}) IN ({months})"
    return f"""
        INSERT INTO {MonthFigures._meta.db_table} (kind, region_id, month, organisation_id,
            category_id, key, messages, scores, answered, on_time, postponed, redirects,
            redirected, loss_hours)
        SELECT '{MonthFigures.RATING}', r.region_id, {registered}, r.organisation_id,
               r.category_id, r.rated_month::text, count(*), sum(r.score), 0, 0, 0, 0, 0, 0
        FROM {RatingFact._meta.db_table} r JOIN cms_region reg ON reg.id = r.region_id
        WHERE {where}
        GROUP BY r.region_id, {registered}, r.organisation_id, r.category_id, r.rated_month
    """


CHANGED_MONTHS = "reports_changed_months"


def changed_months_of_appeals(cursor, now: datetime) -> None:
    """The (region, month) pairs of the messages whose facts this refresh wrote (their
    `refreshed_at` is `now`), into a temporary table."""
    cursor.execute(f"""CREATE TEMPORARY TABLE {CHANGED_MONTHS} ON COMMIT DROP AS
                       SELECT DISTINCT region_id, date_trunc('month', created_day)::date
                              AS month
                       FROM {AppealFact._meta.db_table} WHERE refreshed_at = %s""", [now])


def rebuild_months(cursor, *, full: bool, with_ratings: bool) -> int:
    """Rebuild the monthly figures of every month (full) or of the changed months;
    returns the rows written."""
    table = MonthFigures._meta.db_table
    if full:
        cursor.execute(f"DELETE FROM {table}")
        months = None
    else:
        months = f"SELECT region_id, month FROM {CHANGED_MONTHS}"
        cursor.execute(f"DELETE FROM {table} WHERE (region_id, month) IN ({months})")
    cursor.execute(month_figures_sql(months))
    written = cursor.rowcount
    if with_ratings:
        cursor.execute(rating_months_sql(months))
        written += cursor.rowcount
    return written


def calendar_numbers(region_ids: list[int], today: date) -> str:
    """The working-day numbers of each region from its first message's day to `today`."""
    firsts = dict(Appeal.objects.filter(region_id__in=region_ids).values("region_id")
                  .annotate(first=Min("created_at")).values_list("region_id", "first"))
    numbers = {}
    for region in Region.objects.filter(pk__in=firsts):
        since = timezone.localtime(firsts[region.pk], region.tzinfo).date()
        until = max(since, timezone.localtime(timezone.now(), region.tzinfo).date(), today)
        numbers.update(json.loads(working_day_numbers([region], since, until)))
    return json.dumps(numbers)


def refresh(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Bring every report's facts up to date, the problem points' too (the command and
    the tests' fixtures); returns the rows written per table."""
    from . import problem_facts

    written = refresh_facts(full=full, now=now)
    written.update(problem_facts.refresh(full=full, now=now))
    return written


def refresh_facts(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Bring the messages' and ratings' facts up to date; returns the rows written.
    On PostgreSQL in SQL (below); elsewhere (SQLite, the demo) the same rows are
    computed in Python (`plugins.reports.python_facts`)."""
    now = now or timezone.now()
    regions = enabled_region_ids("reports")
    in_sql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if in_sql:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # (SQLite's transactions are IMMEDIATE: one writer at a time already.)
        last = FactsRefresh.objects.filter(name=APPEALS).first()
        # Never refreshed: everything, as a full refresh does.
        full = full or last is None
        since = None if full else last.changed_since - OVERLAP
        if in_sql:
            written = write_in_sql(cursor, full=full, since=since, now=now,
                                   regions=regions)
        else:
            from . import python_facts

            written = python_facts.write(full=full, since=since, now=now, regions=regions)
        for name in (APPEALS, RATINGS):
            FactsRefresh.objects.update_or_create(
                name=name, defaults={"refreshed_at": now, "changed_since": now,
                                     "rows": written.get(name, 0)})
    if full and in_sql:
        # A rebuilt table is all new rows: VACUUM marks its pages all-visible, so that
        # the overdue messages are read by an index-only scan, and ANALYZE gives the
        # planner its sizes (a fresh table looks empty).
        # (Inside a caller's transaction, as in tests, VACUUM cannot run: ANALYZE only.)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (AppealFact, RatingFact, MonthFigures):
                cursor.execute(f"{command} {model._meta.db_table}")
    return written


def write_in_sql(cursor, *, full: bool, since: datetime | None, now: datetime,
                 regions: list[int]) -> dict[str, int]:
    """The facts' writes on PostgreSQL: one `INSERT … SELECT` per table."""
    written = {}
    params = {"now": now, "regions": regions,
              "numbers": calendar_numbers(regions, now.date()), "since": since}
    if full:
        # Readers wait for the rebuild rather than see half of it.
        cursor.execute(f"TRUNCATE {AppealFact._meta.db_table}, "
                       f"{RatingFact._meta.db_table}")
    cursor.execute(appeal_facts_sql(incremental=not full), params)
    written[APPEALS] = cursor.rowcount
    if not full:
        changed_months_of_appeals(cursor, now)
    if (sql := rating_facts_sql(incremental=not full)) is not None:
        if not full:
            # The months of the changed ratings' messages are rebuilt too.
            sql = f"""WITH changed AS ({sql} RETURNING region_id, created_at)
                      INSERT INTO {CHANGED_MONTHS}
                      SELECT DISTINCT c.region_id, date_trunc(
                          'month', c.created_at AT TIME ZONE reg.time_zone)::date
                      FROM changed c JOIN cms_region reg ON reg.id = c.region_id"""
        cursor.execute(sql, params)
        written[RATINGS] = cursor.rowcount
    written[MONTHS] = rebuild_months(cursor, full=full, with_ratings=sql is not None)
    return written


def refresh_task() -> dict[str, int]:
    """The scheduled task (declared in plugins.reports.hooks): the incremental refresh
    (the problem points' facts have their own task)."""
    written = refresh_facts()
    log.info("report facts refreshed: %s", written)
    return written


def refreshed_at() -> datetime | None:
    """When the message facts were last brought up to date (None: never)."""
    state = FactsRefresh.objects.filter(name=APPEALS).first()
    return state.refreshed_at if state else None


# --- reading ----------------------------------------------------------------------------


def grouped(rows, columns: dict[str, str], sets: list[tuple[str, ...]],
            aggregates: dict[str, str], extra_params: tuple = ()) -> list[dict]:
    """One `GROUP BY GROUPING SETS` over the rows of the queryset `rows`: a single scan
    however many breakdowns a report shows. `columns` names SQL expressions over the
    queryset's values (its own `values()` names, written `r.name`); each result holds
    `set` (the index in `sets` it belongs to) and the aggregates. `extra_params` are
    the parameters of `aggregates`' placeholders, in order. (Without GROUPING SETS,
    on SQLite: one query per set, `sqlite_grouped`.)"""
    from django.core.exceptions import EmptyResultSet

    try:
        inner_sql, inner_params = rows.order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    # Only the columns some set groups by (GROUPING() accepts nothing else).
    names = [name for name in columns if any(name in group for group in sets)]
    columns = {name: columns[name] for name in names}
    # GROUPING(...) of every column gives each set its bit mask, the row's set.
    masks = {}
    for index, group in enumerate(sets):
        mask = sum(1 << (len(names) - 1 - i) for i, name in enumerate(names)
                   if name not in group)
        masks[mask] = index
    # The grouped columns get their own names (g_…) beside the rows' columns (r.…),
    # which the aggregates read.
    select = ", ".join(f"{sql} AS g_{name}" for name, sql in columns.items())
    keys = ", ".join(f"g_{name}" for name in names)
    computed = ", ".join(f"{sql} AS {name}" for name, sql in aggregates.items())
    grouping = ", ".join(f"({', '.join(f'g_{name}' for name in group)})" if group else "()"
                         for group in sets)
    if connection.vendor != "postgresql":
        from .sqlite_grouped import grouped_one_set_at_a_time

        return grouped_one_set_at_a_time(inner_sql, inner_params, columns, sets,
                                         aggregates, extra_params)
    sql = (f"SELECT GROUPING({keys}) AS grouping_mask, "
           f"{', '.join(f'g_{name} AS {name}' for name in names)}, {computed} "
           f"FROM (SELECT r.*, {select} FROM ({inner_sql}) r) r "
           f"GROUP BY GROUPING SETS ({grouping})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*extra_params, *inner_params])
        header = [column.name for column in cursor.description]
        found = [dict(zip(header, row, strict=True)) for row in cursor.fetchall()]
    for row in found:
        row["set"] = masks[row.pop("grouping_mask")]
    return found
