"""The benchmark's data: generated messages of one region, and their removal.

Generated messages are numbered `BENCH-G-0000001`, … and the bare submit view numbers
its own `BENCH-S-…` from a counter row of its own, so neither ever takes a real
registration number. Messages a run sends through the real submission page get real
numbers (that is the path under test); their text starts with `SUBMIT_MARKER`, which is
how `remove` finds them again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from graphlib import TopologicalSorter

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, models, reset_queries, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from cms.models import (
    Answer,
    Appeal,
    AppealUserObjectPermission,
    Attachment,
    AuditRecord,
    Organisation,
    RegistrationCounter,
    Role,
    StaffMembership,
    Status,
    Subcategory,
    Territory,
)
from cms.models.appeals import OPEN_STATUSES, RUNNING_STATUSES
from cms.permissions.grants import APPEAL_EXECUTOR_PERMISSION

BENCH_PREFIX = "BENCH-"
GENERATED_PREFIX = "BENCH-G-"
BARE_PREFIX = "BENCH-S-"
SUBMIT_MARKER = "[pos_benchmark]"
# The bare submit view's counter: a (region, year) row no real year uses.
BARE_COUNTER_YEAR = 0

# Roughly how a region's messages spread once it has run for a few years: most are done.
STATUS_WEIGHTS = {
    Status.CLOSED: 40,
    Status.ANSWERED: 12,
    Status.REJECTED: 5,
    Status.ON_MODERATION: 5,
    Status.WAITING_FOR_CITIZEN: 2,
    Status.SENT_TO_ORGANISATION: 6,
    Status.IN_WORK: 20,
    Status.POSTPONED: 3,
    Status.ON_APPROVAL: 7,
}
# Statuses a message reaches only after a coordinator assigned its executor.
ASSIGNED_STATUSES = frozenset({Status.IN_WORK, Status.POSTPONED, Status.ON_APPROVAL,
                               Status.ANSWERED, Status.CLOSED})
FAST_TRACK_SHARE = 0.1
TEXTS = (
    "Яма на проезжей части у остановки.",
    "Не горят фонари вдоль улицы.",
    "Во дворе не вывозят мусор вторую неделю.",
    "Нет горячей воды в доме.",
    "Сломаны качели на детской площадке.",
)


def generated(region) -> QuerySet[Appeal]:
    return Appeal.objects.filter(region=region, number__startswith=GENERATED_PREFIX)


@dataclass(frozen=True)
class Pools:
    """What a generated message is drawn from: the region's reference data."""

    subcategories: list[tuple[int, int]]  # (subcategory, its category)
    organisations: list[int]
    territories: list[int]
    executors: dict[int, list[int]]  # organisation -> its executors

    @classmethod
    def of(cls, region) -> Pools:
        executors: dict[int, list[int]] = {}
        for organisation, user in StaffMembership.objects.filter(
            organisation__region=region, role=Role.EXECUTOR, user__is_active=True,
        ).order_by("pk").values_list("organisation_id", "user_id"):
            executors.setdefault(organisation, []).append(user)
        return cls(
            subcategories=list(Subcategory.objects.order_by("pk")
                               .values_list("pk", "category_id")),
            organisations=list(Organisation.objects.filter(region=region)
                               .order_by("pk").values_list("pk", flat=True)),
            territories=list(Territory.objects.filter(region=region)
                             .order_by("path").values_list("pk", flat=True)),
            executors=executors,
        )


def next_index(region) -> int:
    """The index after the last generated number (numbers are zero-padded, so the
    greatest string is the greatest index)."""
    last = generated(region).aggregate(last=Max("number"))["last"]
    return int(last.removeprefix(GENERATED_PREFIX)) + 1 if last else 1


def generated_message(region, index: int, pools: Pools, rng: random.Random,
                      now: datetime) -> Appeal:
    subcategory, category = rng.choice(pools.subcategories)
    organisation = rng.choice(pools.organisations)
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    if status in OPEN_STATUSES:
        # Open work: a few days overdue up to a month ahead.
        deadline = now + timedelta(minutes=rng.randint(-10 * 1440, 30 * 1440))
    else:
        deadline = now - timedelta(minutes=rng.randint(0, 365 * 1440))
    executors = pools.executors.get(organisation)
    assigned = executors and status in ASSIGNED_STATUSES
    executor = rng.choice(executors) if assigned else None
    return Appeal(
        number=f"{GENERATED_PREFIX}{index:07d}", region=region,
        category_id=category, subcategory_id=subcategory,
        territory_id=rng.choice(pools.territories), organisation_id=organisation,
        executor_id=executor, text=rng.choice(TEXTS), status=status, deadline=deadline,
        is_fast_track=rng.random() < FAST_TRACK_SHARE,
        # What the overdue sweep would have marked by now.
        is_overdue=status in RUNNING_STATUSES and deadline < now,
        postponed_until=deadline if status == Status.POSTPONED else None,
    )


def generate(region, count: int, *, batch: int = 5000, seed: int = 7,
             progress: Callable[[int], None] | None = None) -> int:
    """Add `count` generated messages to `region`, `batch` rows per transaction, each
    assigned message with its executor's grant (as `do_assign_executor` leaves it).
    Returns the first new index."""
    pools = Pools.of(region)
    if not (pools.subcategories and pools.organisations and pools.territories):
        raise ValueError(f"Region {region.code} has no classifier, organisations or "
                         "territories to draw from.")
    permission = Permission.objects.get(codename=APPEAL_EXECUTOR_PERMISSION,
                                        content_type__app_label="cms")
    start = next_index(region)
    # Reproducible, and a top-up draws new rows rather than repeating the first ones.
    rng = random.Random(seed * 1_000_003 + start)  # noqa: S311 - test data, not secrets
    now = timezone.now()
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        rows = [generated_message(region, start + offset + i, pools, rng, now)
                for i in range(size)]
        with transaction.atomic():
            Appeal.objects.bulk_create(rows)
            AppealUserObjectPermission.objects.bulk_create([
                AppealUserObjectPermission(user_id=row.executor_id,
                                           permission=permission, content_object=row)
                for row in rows if row.executor_id])
        # With DEBUG on, Django keeps every statement it ran, 5,000 rows each.
        reset_queries()
        if progress is not None:
            progress(offset + size)
    return start


# --- answers and their ratings ------------------------------------------------------

RATING_APP = "rating"
ANSWER_TEXT = "Работы выполнены."
# Which answers are rated, and which low ratings a curator reviews: fixed by the message's
# id, so that a top-up (`--reuse`) rates the same share of what it adds.
RATED = "a.id %% 5 < 3"  # 60%
REVIEWED = "a.id %% 2 = 0"  # half of the low ones


def rating_models() -> tuple[type[models.Model], ...]:
    """Rating and LowRatingReview, or nothing when the rating plugin is not installed."""
    if not apps.is_installed("plugins.rating"):
        return ()
    return (apps.get_model(RATING_APP, "Rating"),
            apps.get_model(RATING_APP, "LowRatingReview"))


def generate_answers_and_ratings(region) -> dict[str, int]:
    """Give generated answered and closed messages that lack one a published answer
    (by their executor, else the demo executor), rate 60% of the answers (scores 1..5,
    rated a day after the answer, at most now), and open a curator's review for half of
    the low ratings, a third of them closed as reopened and a third as closed.

    Set-based, INSERT ... SELECT (a million messages never pass through Python); only
    what is missing is added, so `--reuse` completes what an older run left. PostgreSQL
    only. Returns the rows added per table."""
    if connection.vendor != "postgresql":
        return {}
    fallback = (get_user_model().objects.filter(username="executor")
                .values_list("pk", flat=True).first()
                or get_user_model().objects.filter(is_staff=True).order_by("pk")
                .values_list("pk", flat=True).first())
    if fallback is None:
        return {}
    quote = connection.ops.quote_name
    generated_ = (f"a.region_id = %(region)s AND a.number LIKE '{GENERATED_PREFIX}%%' "
                  "AND a.status IN (%(answered)s, %(closed)s)")
    params = {"region": region.pk, "answered": Status.ANSWERED,
              "closed": Status.CLOSED, "author": fallback, "text": ANSWER_TEXT}
    statements = {Answer: f"""
        INSERT INTO {quote(Answer._meta.db_table)}
            (appeal_id, author_id, submitted_at, decided_by_id, decided_at, remarks,
             text, is_published, published_at)
        SELECT a.id, COALESCE(a.executor_id, %(author)s), LEAST(a.deadline, now())
               - interval '2 days', %(author)s, LEAST(a.deadline, now()), '', %(text)s,
               true, LEAST(a.deadline, now())
        FROM cms_appeal a
        WHERE {generated_} AND NOT EXISTS (
            SELECT 1 FROM {quote(Answer._meta.db_table)} x WHERE x.appeal_id = a.id)"""}
    models_ = rating_models()
    if models_:
        rating, review = (quote(model._meta.db_table) for model in models_)
        # Scores as citizens give them: mostly good, a tail of poor ones.
        statements[models_[0]] = f"""
        INSERT INTO {rating} (appeal_id, answer_id, score, solved, comment, is_low,
                              created_at, changed_at, changes)
        SELECT s.appeal_id, s.answer_id, s.score,
               CASE WHEN s.score > 2 THEN ''
                    WHEN s.appeal_id %% 3 = 0 THEN 'partly' ELSE 'no' END,
               '', s.score <= 2, s.at, s.at, 0
        FROM (
            SELECT a.id AS appeal_id, x.id AS answer_id,
                   LEAST(x.published_at + interval '1 day', now()) AS at,
                   (ARRAY[1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5])[
                       1 + floor(random() * 13)::int] AS score
            FROM cms_appeal a
            JOIN {quote(Answer._meta.db_table)} x
              ON x.appeal_id = a.id AND x.is_published
            WHERE {generated_} AND {RATED} AND NOT EXISTS (
                SELECT 1 FROM {rating} r WHERE r.answer_id = x.id)
        ) s"""
        statements[models_[1]] = f"""
        INSERT INTO {review} (appeal_id, rating_id, opened_at, closed_at, closed_by_id,
                              outcome, comment)
        SELECT a.id, r.id, r.created_at,
               CASE WHEN a.id %% 3 < 2 THEN r.created_at + interval '3 days' END,
               CASE WHEN a.id %% 3 < 2 THEN %(author)s END,
               CASE a.id %% 3 WHEN 0 THEN 'reopened' WHEN 1 THEN 'closed' ELSE '' END,
               ''
        FROM cms_appeal a JOIN {rating} r ON r.appeal_id = a.id AND r.is_low
        WHERE {generated_} AND {REVIEWED} AND NOT EXISTS (
            SELECT 1 FROM {review} v WHERE v.rating_id = r.id)"""
    added = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, sql in statements.items():
            cursor.execute(sql.replace("cms_appeal", quote(Appeal._meta.db_table)), params)
            added[model._meta.label] = cursor.rowcount
    return added


STATISTICS_MODELS = (Appeal, AppealUserObjectPermission, Answer)


def refresh_statistics(models_: tuple[type[models.Model], ...] = STATISTICS_MODELS) -> str:
    """After a bulk load: fresh planner statistics (and, outside a transaction, the
    visibility map that index-only scans need), as autovacuum would leave them."""
    if connection.vendor != "postgresql":
        return "skipped (not PostgreSQL)"
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models_:
            # Table names come from the models, never from input.
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"{command} {table}")
    return command


# --- removal -------------------------------------------------------------------------


def made_by_benchmark(region) -> QuerySet[Appeal]:
    """Generated messages, the bare view's, and those a run posted to the real page."""
    return Appeal.objects.filter(region=region).filter(
        Q(number__startswith=BENCH_PREFIX) | Q(text__startswith=SUBMIT_MARKER))


def removable(region) -> QuerySet[Appeal]:
    """The benchmark's messages except any the audit trail refers to (it is
    append-only: they stay)."""
    return made_by_benchmark(region).exclude(
        pk__in=AuditRecord.objects.filter(appeal__isnull=False).values("appeal_id"))


def _dependants() -> list[models.ForeignObjectRel]:
    """Every relation pointing at Appeal (plugins' tables too), a table that another of
    them points at coming after the one pointing at it."""
    relations = [field for field in Appeal._meta.get_fields(include_hidden=True)
                 if field.auto_created and not field.concrete
                 and (field.one_to_many or field.one_to_one)
                 and field.related_model is not AuditRecord]
    by_model = {relation.related_model: relation for relation in relations}
    graph = {
        model: {other for other in by_model if other is not model and any(
            getattr(field, "related_model", None) is model
            for field in other._meta.concrete_fields if field.is_relation)}
        for model in by_model
    }
    return [by_model[model] for model in TopologicalSorter(graph).static_order()]


@dataclass
class Removed:
    messages: int
    rows: dict[str, int]
    kept: int


def remove(region) -> Removed:
    """Delete the benchmark's messages with everything that points at them, in one
    transaction, set-based (a million rows never pass through Python), and the bare
    view's counter."""
    doomed = removable(region)
    kept = made_by_benchmark(region).count() - doomed.count()
    files = list(Attachment.objects.filter(appeal__in=doomed).values_list("file",
                                                                          flat=True))
    ids_sql, params = doomed.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    pk_column = quote(Appeal._meta.pk.column)
    rows: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for relation in _dependants():
            model, column = relation.related_model, relation.field.column
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                           f"WHERE {quote(column)} IN ({ids_sql})", params)
            if cursor.rowcount:
                rows[model._meta.label] = cursor.rowcount
        cursor.execute(f"DELETE FROM {quote(Appeal._meta.db_table)} "  # noqa: S608
                       f"WHERE {pk_column} IN ({ids_sql})", params)
        messages = cursor.rowcount
        RegistrationCounter.objects.filter(region=region,
                                           year=BARE_COUNTER_YEAR).delete()
    storage = Attachment._meta.get_field("file").storage
    for name in files:
        storage.delete(name)
    return Removed(messages=messages, rows=rows, kept=kept)
