"""The problem-points report's own facts, kept up to date by a django-q2 task.

The report asks three things of the messages in a period: how many per subcategory and
per territory (against the previous period), which places (a territory and an address)
repeat, and which messages form groups of similar texts at one place. Over two years of a
million messages, the second needs each message's address compared as a place, and the
third a trigram comparison of texts; neither can be done per report. So:

- `ProblemPlace`: one row per place, a territory and an address as places compare it
  (`similar.place_key`: trimmed, lower case), with the address as first written;
- `ProblemFact`: one narrow row per message, with `cms.Appeal`'s filter fields under
  their names (so `ReportFilters.narrow` and the permission scope apply unchanged), its
  place, and `similar_group`: the smallest message id of its group of similar messages
  (None when it has no similar neighbour).

A group is computed over all the messages of one place and subcategory, whatever a
report's filters: two messages are linked when one is among the `NEIGHBOURS` registered
just before the other at that place, within `WINDOW`, and their texts' pg_trgm
similarity is at least `GROUP_THRESHOLD` (chains link: a group is a connected component).
A report then counts a group's members within its own filters and scope.

`refresh(full=False)` (the scheduled task every `REFRESH_MINUTES`; `manage.py
refresh_problem_facts [--full]`) upserts the facts of the messages changed since the last
run (by `updated_at`, through rsum's index `reports_appeal_updated`), then recomputes the
groups of every place and subcategory those messages were or are at: a few hundred
messages at most per place, read through the index `reports_problem_place`. The full
refresh recomputes every group, in chunks of places. That is PostgreSQL's SQL (pg_trgm);
elsewhere (SQLite, the demo) `plugins.reports.python_problem_facts` writes the same
rows in Python.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import enabled_region_ids, hookimpl

log = logging.getLogger(__name__)

REFRESH_NAME = "problems"
REFRESH_MINUTES = 5
# Writes whose transaction started before a refresh but committed after it began.
OVERLAP = timedelta(minutes=5)
# One refresh at a time (the task and the command may meet); not rsum's facts' key.
LOCK_KEY = 0x70726F62  # "prob"
# The full refresh compares the places of this many ids of places at a time.
FULL_CHUNK = 5000


def _loose(to: str, **extra) -> models.ForeignKey:
    """A foreign key for reading (joins, names), without a constraint or cascade: the
    facts are a cache, and must never block a write to the tables they summarise."""
    # No index of its own either: the indexes the report and the refresh read are
    # declared below (an index per key column was most of the full refresh's writing).
    extra.setdefault("db_index", False)
    return models.ForeignKey(to, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", **extra)


class ProblemPlace(models.Model):
    """A territory and an address as places compare it (`key`: trimmed, lower case);
    `address` is as the first message there wrote it, for display."""

    region = _loose("cms.Region")
    territory = _loose("cms.Territory")
    key = models.CharField(max_length=500)
    address = models.CharField(max_length=500)
    # Its messages, all time: the bound the report's top places are found under.
    total = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "reports"
        constraints = [models.UniqueConstraint(fields=["territory", "key"],
                                               name="reports_problemplace_unique")]
        indexes = [models.Index(fields=["region", "-total", "id"],
                                name="reports_problemplace_busiest")]

    def __str__(self) -> str:
        return self.address


class ProblemFact(models.Model):
    """One message as the problem-points report counts it."""

    appeal = models.OneToOneField("cms.Appeal", primary_key=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, related_name="+")
    region = _loose("cms.Region")
    created_at = models.DateTimeField()
    organisation = _loose("cms.Organisation")
    category = _loose("cms.Category")
    subcategory = _loose("cms.Subcategory")
    territory = _loose("cms.Territory")
    channel = models.CharField(max_length=16)
    is_fast_track = models.BooleanField()
    place = _loose("reports.ProblemPlace", null=True)
    # The smallest message id of the message's group of similar messages; None alone.
    similar_group = models.BigIntegerField(null=True)

    class Meta:
        app_label = "reports"
        # Its indexes (period, place, group) are made by migration 0003, which says
        # what reads each: on PostgreSQL they include every filter column, which
        # Django's `Index(include=…)` would declare with a warning on SQLite (the demo).

    def __str__(self) -> str:
        return f"problem facts of message {self.appeal_id}"


class ProblemGroup(models.Model):
    """A group of similar messages (`id`: its smallest message id, the members'
    `ProblemFact.similar_group`) and its size, all time: the bound the report's largest
    groups are found under."""

    id = models.BigIntegerField(primary_key=True)
    region = _loose("cms.Region")
    place = _loose("reports.ProblemPlace", db_index=True)  # the refresh's deletes
    subcategory = _loose("cms.Subcategory")
    size = models.PositiveIntegerField()

    class Meta:
        app_label = "reports"
        indexes = [models.Index(fields=["region", "-size", "id"],
                                name="reports_problemgroup_largest")]

    def __str__(self) -> str:
        return f"group {self.id} of {self.size}"


class ProblemMonth(models.Model):
    """Messages per region, local month of registration, subcategory and territory: the
    growth tables' whole months. Category and territory follow from the subcategory and
    the territory, so every filter but organisation, channel and fast track (and a
    scope narrower than regions) reads these rows instead of the facts; the days of a
    period outside whole months are counted from the facts."""

    region = _loose("cms.Region")
    month = models.DateField()
    category = _loose("cms.Category")
    subcategory = _loose("cms.Subcategory")
    territory = _loose("cms.Territory")
    messages = models.IntegerField()

    class Meta:
        app_label = "reports"
        constraints = [models.UniqueConstraint(
            fields=["region", "month", "subcategory", "territory"],
            name="reports_problemmonth_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.messages}"


FACT_COLUMNS = ("appeal_id", "region_id", "created_at", "organisation_id", "category_id",
                "subcategory_id", "territory_id", "channel", "is_fast_track", "place_id")
PLACE_KEY_SQL = "LOWER(BTRIM(a.address))"


def _changed(incremental: bool) -> str:
    return "a.updated_at >= %(since)s" if incremental else "TRUE"


def places_sql(*, incremental: bool) -> str:
    """Add the places of the (changed) messages not yet known."""
    return f"""
        INSERT INTO {ProblemPlace._meta.db_table} (region_id, territory_id, key, address,
                                                   total)
        SELECT DISTINCT ON (a.territory_id, {PLACE_KEY_SQL})
               a.region_id, a.territory_id, {PLACE_KEY_SQL}, BTRIM(a.address), 0
        FROM cms_appeal a
        WHERE a.region_id = ANY(%(regions)s) AND {_changed(incremental)}
          AND BTRIM(a.address) <> ''
        ORDER BY a.territory_id, {PLACE_KEY_SQL}, a.id
        ON CONFLICT (territory_id, key) DO NOTHING
    """


def facts_sql(*, incremental: bool) -> str:
    """Upsert the facts of the (changed) messages, their groups left to `regroup`;
    returns the places and subcategories written, so that their groups are recomputed."""
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in FACT_COLUMNS if c != "appeal_id")
    return f"""
        INSERT INTO {ProblemFact._meta.db_table} ({", ".join(FACT_COLUMNS)})
        SELECT a.id, a.region_id, a.created_at, a.organisation_id, a.category_id,
               a.subcategory_id, a.territory_id, a.channel, a.is_fast_track, p.id
        FROM cms_appeal a
        LEFT JOIN {ProblemPlace._meta.db_table} p
               ON p.territory_id = a.territory_id AND p.key = {PLACE_KEY_SQL}
        WHERE a.region_id = ANY(%(regions)s) AND {_changed(incremental)}
        ON CONFLICT (appeal_id) DO UPDATE SET {updates}
    """


MONTH_SQL = "date_trunc('month', {at} AT TIME ZONE reg.time_zone)::date"


def months_full_sql() -> str:
    """Every message counted into its month (after the facts are written)."""
    month = MONTH_SQL.format(at="f.created_at")
    return f"""
        INSERT INTO {ProblemMonth._meta.db_table}
               (region_id, month, category_id, subcategory_id, territory_id, messages)
        SELECT f.region_id, {month}, min(f.category_id), f.subcategory_id, f.territory_id,
               count(*)
        FROM {ProblemFact._meta.db_table} f JOIN cms_region reg ON reg.id = f.region_id
        GROUP BY f.region_id, {month}, f.subcategory_id, f.territory_id
    """


def months_delta_sql() -> str:
    """The changed messages' moves between months' cells, read before their facts are
    upserted: minus one where the fact was, plus one where the message is now (a new
    message only adds; one read again unchanged adds nothing)."""
    table = ProblemMonth._meta.db_table
    month = MONTH_SQL.format(at="a.created_at")
    return f"""
        INSERT INTO {table} AS m
               (region_id, month, category_id, subcategory_id, territory_id, messages)
        SELECT region_id, month, min(category_id), subcategory_id, territory_id,
               sum(delta)
        FROM (SELECT a.region_id, {month} AS month, f.category_id, f.subcategory_id,
                     f.territory_id, -1 AS delta
              FROM cms_appeal a JOIN cms_region reg ON reg.id = a.region_id
              JOIN {ProblemFact._meta.db_table} f ON f.appeal_id = a.id
              WHERE a.region_id = ANY(%(regions)s) AND a.updated_at >= %(since)s
              UNION ALL
              SELECT a.region_id, {month}, a.category_id, a.subcategory_id,
                     a.territory_id, 1
              FROM cms_appeal a JOIN cms_region reg ON reg.id = a.region_id
              WHERE a.region_id = ANY(%(regions)s) AND a.updated_at >= %(since)s) moves
        GROUP BY region_id, month, subcategory_id, territory_id
        HAVING sum(delta) <> 0
        ON CONFLICT (region_id, month, subcategory_id, territory_id)
        DO UPDATE SET messages = m.messages + EXCLUDED.messages
    """


def _places_of_changed(cursor, since: datetime, regions: list[int]) -> set[tuple[int, int]]:
    """The (place, subcategory) of the facts of the messages changed since `since`: read
    before the upsert (a message moved to another place or subcategory leaves a group to
    recompute there) and after it (the groups it joins)."""
    cursor.execute(f"""
        SELECT DISTINCT f.place_id, f.subcategory_id
        FROM {ProblemFact._meta.db_table} f JOIN cms_appeal a ON a.id = f.appeal_id
        WHERE a.updated_at >= %s AND a.region_id = ANY(%s) AND f.place_id IS NOT NULL
    """, [since, regions])
    return set(cursor.fetchall())


def neighbour_pairs_sql(where: str) -> str:
    """SQL of (id, neighbour id) pairs of similar messages among the facts matching
    `where` (over `f`), each message compared with the `NEIGHBOURS` before it at its
    place and subcategory: one sort and LAG, linear in the messages."""
    from .similar import GROUP_THRESHOLD, NEIGHBOURS, WINDOW

    seconds = int(WINDOW.total_seconds())
    lags = ",\n".join(
        f"LAG(f.appeal_id, {k}) OVER w AS id{k}, LAG(a.text, {k}) OVER w AS text{k}, "
        f"LAG(f.created_at, {k}) OVER w AS at{k}" for k in range(1, NEIGHBOURS + 1))
    pairs = " UNION ALL ".join(
        f"SELECT id, id{k} FROM m WHERE id{k} IS NOT NULL "
        f"AND at{k} >= created_at - interval '{seconds} seconds' "
        f"AND similarity(text, text{k}) >= {GROUP_THRESHOLD}"
        for k in range(1, NEIGHBOURS + 1))
    return f"""
        WITH m AS (
            SELECT f.appeal_id AS id, f.created_at, a.text, {lags}
            FROM {ProblemFact._meta.db_table} f JOIN cms_appeal a ON a.id = f.appeal_id
            WHERE f.place_id IS NOT NULL AND {where}
            WINDOW w AS (PARTITION BY f.place_id, f.subcategory_id
                         ORDER BY f.created_at, f.appeal_id)
        )
        {pairs}
    """


def components(pairs) -> dict[int, int]:
    """Each message of the pairs' graph mapped to the smallest id of its connected
    component (union-find)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in list(parent)}


def regroup(cursor, where: str, params: list) -> int:
    """Recompute `similar_group` of every fact matching `where` (over `f`: whole places
    and subcategories, so that no group is cut); returns the facts whose group changed."""
    cursor.execute(neighbour_pairs_sql(where), params)
    group_of = components(cursor.fetchall())
    ids, groups = list(group_of), list(group_of.values())
    table = ProblemFact._meta.db_table
    # Members: their group. Everyone else matching `where`: none. Only changed rows
    # are written (an unchanged place costs no row versions).
    cursor.execute(f"""
        UPDATE {table} t SET similar_group = g.similar_group
        FROM (SELECT f.appeal_id, n.grp AS similar_group
              FROM {table} f
              LEFT JOIN unnest(%s::bigint[], %s::bigint[]) AS n(id, grp) ON n.id = f.appeal_id
              WHERE f.place_id IS NOT NULL AND {where}) g
        WHERE t.appeal_id = g.appeal_id
          AND t.similar_group IS DISTINCT FROM g.similar_group
    """, [ids, groups, *params])
    changed = cursor.rowcount
    groups_table = ProblemGroup._meta.db_table
    cursor.execute(f"DELETE FROM {groups_table} f WHERE {where}", params)
    cursor.execute(f"""
        INSERT INTO {groups_table} (id, region_id, place_id, subcategory_id, size)
        SELECT f.similar_group, min(f.region_id), min(f.place_id), min(f.subcategory_id),
               count(*)
        FROM {table} f WHERE f.similar_group IS NOT NULL AND {where}
        GROUP BY f.similar_group
    """, params)
    return changed


def recount_places(cursor, place_ids: list[int] | None) -> None:
    """Each place's messages, all time (of `place_ids`, or of every place)."""
    facts, places = ProblemFact._meta.db_table, ProblemPlace._meta.db_table
    only = "TRUE" if place_ids is None else "q.id = ANY(%s)"
    cursor.execute(f"""
        UPDATE {places} p SET total = c.n
        FROM (SELECT q.id, count(f.appeal_id) AS n
              FROM {places} q LEFT JOIN {facts} f ON f.place_id = q.id
              WHERE {only} GROUP BY q.id) c
        WHERE p.id = c.id AND p.total <> c.n
    """, [] if place_ids is None else [place_ids])


def refresh(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Bring the problem facts up to date; returns the rows written. On PostgreSQL in
    SQL (below); elsewhere (SQLite, the demo) the same rows are computed in Python
    (`plugins.reports.python_problem_facts`)."""
    from .models import FactsRefresh

    now = now or timezone.now()
    regions = enabled_region_ids("reports")
    in_sql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if in_sql:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # (SQLite's transactions are IMMEDIATE: one writer at a time already.)
        last = FactsRefresh.objects.filter(name=REFRESH_NAME).first()
        full = full or last is None
        since = None if full else last.changed_since - OVERLAP
        if in_sql:
            written = write_in_sql(cursor, full=full, since=since, regions=regions)
        else:
            from . import python_problem_facts

            written = python_problem_facts.write(full=full, since=since, regions=regions)
        FactsRefresh.objects.update_or_create(
            name=REFRESH_NAME, defaults={"refreshed_at": now, "changed_since": now,
                                         "rows": written["facts"]})
    if full and in_sql:
        # VACUUM (outside a transaction only) also marks the pages all-visible, which
        # the index-only scans of the report need; ANALYZE gives the planner the counts.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (ProblemPlace, ProblemFact, ProblemGroup, ProblemMonth):
                cursor.execute(f"{command} {model._meta.db_table}")
    return written


def write_in_sql(cursor, *, full: bool, since: datetime | None, regions: list[int]
                 ) -> dict[str, int]:
    """The problem facts' writes on PostgreSQL."""
    written: dict[str, int] = {}
    params = {"regions": regions, "since": since}
    if full:
        cursor.execute(f"TRUNCATE {ProblemFact._meta.db_table}, "
                       f"{ProblemPlace._meta.db_table}, {ProblemGroup._meta.db_table}, "
                       f"{ProblemMonth._meta.db_table}")
    else:
        touched = _places_of_changed(cursor, since, regions)
        cursor.execute(months_delta_sql(), params)
    cursor.execute(places_sql(incremental=not full), params)
    written["places"] = cursor.rowcount
    cursor.execute(facts_sql(incremental=not full), params)
    written["facts"] = cursor.rowcount
    if full:
        cursor.execute(f"SELECT max(id) FROM {ProblemPlace._meta.db_table}")
        last_place = cursor.fetchone()[0] or 0
        regrouped = 0
        for first in range(0, last_place + 1, FULL_CHUNK):
            regrouped += regroup(cursor, "f.place_id >= %s AND f.place_id < %s",
                                 [first, first + FULL_CHUNK])
        written["groups"] = regrouped
        recount_places(cursor, None)
        cursor.execute(months_full_sql())
    else:
        touched |= _places_of_changed(cursor, since, regions)
        written["groups"] = 0
        if touched:
            places, subcategories = zip(*sorted(touched), strict=True)
            written["groups"] = regroup(
                cursor, "(f.place_id, f.subcategory_id) IN "
                        "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [list(places), list(subcategories)])
            recount_places(cursor, sorted(set(places)))
    return written


def refresh_task() -> dict[str, int]:
    """The scheduled task: the incremental refresh."""
    written = refresh()
    log.info("problem facts refreshed: %s", written)
    return written


def refreshed_at() -> datetime | None:
    """When the problem facts were last brought up to date (None: never)."""
    from .models import FactsRefresh

    state = FactsRefresh.objects.filter(name=REFRESH_NAME).first()
    return state.refreshed_at if state else None


@hookimpl(specname="scheduled_tasks")
def problem_facts_tasks() -> list[ScheduledTask]:
    return [ScheduledTask("refresh problem facts",
                          "plugins.reports.problem_facts.refresh_task",
                          minutes=REFRESH_MINUTES)]
