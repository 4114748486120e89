"""The generator's run: the region's pools, the batches, the plugins' hook.

`generate(region, count, seed=...)` adds `count` messages numbered `<prefix>0000001`, …
(after any the prefix already has), `batch` messages per transaction. Each batch draws
from its own `random.Random`, seeded by the seed and the batch's first index, so the same
seed over the same reference data gives the same rows however many worker processes
share the batches, and a top-up draws new ones. Ids differ from run to run.

On PostgreSQL, `workers` processes take the batches in turn: one tells its stories in
Python while another's COPY runs in the database.
"""

from __future__ import annotations

import gc
import multiprocessing
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection, connections, models, reset_queries, transaction
from django.db.models import Max, QuerySet

from cms.kernel.plugins import hooks_for
from cms.models import (
    Answer,
    Appeal,
    AppealEvent,
    AppealUserObjectPermission,
    Organisation,
    Postponement,
    StaffMembership,
    Subcategory,
    Territory,
)
from cms.permissions.grants import APPEAL_EXECUTOR_PERMISSION

from . import indexes, stories
from .rows import GeneratedBatch, write_batch
from .stories import zipf_weights
from .writer import TableWriter

DEFAULT_PREFIX = "GEN-"
DEFAULT_DAYS = 730
# Places are less skewed than subcategories: the busiest of 3,000 addresses gets about
# 1.6% of the messages (a few hundred at one place and subcategory over two years).
PLACE_SKEW = 0.6
# From this many messages on, a load into a (nearly) empty database builds its indexes
# at the end rather than maintaining them (`generate`'s `rebuild_indexes`).
REBUILD_INDEXES_FROM = 100_000


def generated(region, prefix: str = DEFAULT_PREFIX) -> QuerySet[Appeal]:
    return Appeal.objects.filter(region=region, number__startswith=prefix)


def next_index(region, prefix: str) -> int:
    """The index after the last generated number (zero-padded, so the greatest string
    is the greatest index)."""
    last = generated(region, prefix).aggregate(last=Max("number"))["last"]
    return int(last.removeprefix(prefix)) + 1 if last else 1


def default_end() -> datetime:
    """Today's midnight (UTC): runs on one day give the same rows."""
    today = datetime.now(dt_timezone.utc).date()
    return datetime(today.year, today.month, today.day, tzinfo=dt_timezone.utc)


class Pools:
    """The region's reference data, in a fixed order, shuffled by the seed, with the
    Zipf weights that make some subcategories, places and organisations busier."""

    def __init__(self, region, rng: random.Random):
        subcategories = list(Subcategory.objects.order_by("pk").values_list(
            "pk", "category_id", "moderation_days", "work_days", "approval_days"))
        organisations = list(Organisation.objects.filter(region=region).order_by("pk")
                             .values_list("pk", "code", "name"))
        territories = list(Territory.objects.filter(region=region).order_by("path")
                           .values_list("pk", flat=True))
        if not (subcategories and organisations and territories):
            raise ValueError(f"Region {region.code} has no classifier, organisations or "
                             "territories to draw from.")
        self.subcategories = [
            stories.Subcategory(pk, category, moderation + work + approval,
                                stories.PROBLEMS[position % len(stories.PROBLEMS)])
            for position, (pk, category, moderation, work, approval)
            in enumerate(subcategories)]
        rng.shuffle(self.subcategories)
        self.subcategory_weights = zipf_weights(len(self.subcategories))
        self.organisations = [pk for pk, _code, _name in organisations]
        self.codes = {pk: code for pk, code, _name in organisations}
        self.names = {pk: name for pk, _code, name in organisations}
        # Each subcategory's usual addressee (what routing would choose).
        self.addressee = {sub.pk: rng.choice(self.organisations)
                          for sub in self.subcategories}
        self.territories = territories[:]
        rng.shuffle(self.territories)
        self.territory_weights = zipf_weights(len(self.territories))
        self.places = [f"ул. {street}, д. {house}" for street in stories.STREETS
                       for house in range(1, stories.HOUSES + 1)]
        rng.shuffle(self.places)
        self.place_weights = zipf_weights(len(self.places), PLACE_SKEW)
        self.staff: dict[tuple[str, int | None], list[int]] = {}
        for organisation, user, role in StaffMembership.objects.filter(
                organisation__region=region, user__is_active=True,
        ).order_by("pk").values_list("organisation_id", "user_id", "role"):
            self.staff.setdefault((role, organisation), []).append(user)
            self.staff.setdefault((role, None), []).append(user)
            self.staff.setdefault(("any", None), []).append(user)


@dataclass
class Job:
    """What every batch of one run shares."""

    region: object
    seed: int
    prefix: str
    days: int
    end: datetime
    pools: Pools
    permission: int
    pm: object = None

    @property
    def stream(self) -> str:
        """What seeds the draws: the seed, and the region and prefix, so that another
        region or prefix never draws the same public ids."""
        return f"pos-generator:{self.region.code}:{self.prefix}:{self.seed}"

    def run_batch(self, first_index: int, size: int) -> tuple[int, Counter]:
        """One batch in its own transaction: the core's rows, then the plugins'."""
        rng = random.Random(f"{self.stream}:{first_index}")  # noqa: S311
        writer = TableWriter()
        with transaction.atomic(), _no_cyclic_gc():
            _fast_load()
            messages = write_batch(self, first_index, size, rng, writer)
            hooks_for(self.region, self.pm).messages_generated(
                region=self.region, batch=GeneratedBatch(
                    messages=messages, writer=writer, end=self.end,
                    rng=random.Random(f"{self.stream}:{first_index}:plugins"),  # noqa: S311
                    staff={role: users for (role, organisation), users
                           in self.pools.staff.items() if organisation is None}))
        # With DEBUG on, Django keeps every statement it ran.
        reset_queries()
        return size, writer.counts


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A batch allocates a few million objects and frees them by reference counting
    (its stories hold no cycles); the cyclic collector, triggered by the allocations
    alone, would walk them over and over: half of the batch's Python time. It runs
    once after the batch, over the youngest generation (what the batch left alive:
    the collector moved nothing older while it was off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def generate(region, count: int, *, seed: int = 7, prefix: str = DEFAULT_PREFIX,
             days: int = DEFAULT_DAYS, end: datetime | None = None, batch: int = 10_000,
             workers: int = 1, progress: Callable[[int], None] | None = None,
             pm=None, rebuild_indexes: bool | None = None) -> dict[str, int]:
    """Add `count` messages to `region` with their lives up to `end` (default: today's
    midnight, UTC), created over the `days` before it. Returns the rows written per
    model label (plugins' tables included). `workers` > 1 needs PostgreSQL and no
    open transaction (each worker commits its own batches).

    On PostgreSQL, `rebuild_indexes` sets the written tables' secondary indexes aside
    after the first batch and builds them again at the end (`indexes`); by default
    when the load is large and adds more messages than the database holds."""
    end = end or default_end()
    start = next_index(region, prefix)
    job = Job(region=region, seed=seed, prefix=prefix, days=days, end=end,
              pools=Pools(region, random.Random(f"pos-generator:{seed}")),  # noqa: S311
              permission=Permission.objects.get(codename=APPEAL_EXECUTOR_PERMISSION,
                                                content_type__app_label="cms").pk,
              pm=pm)
    batches = [(start + offset, min(batch, count - offset))
               for offset in range(0, count, batch)]
    if rebuild_indexes is None:
        rebuild_indexes = _worth_rebuilding_indexes(count)
    rebuild_indexes = (rebuild_indexes and connection.vendor == "postgresql"
                       and len(batches) > 1)
    counts: Counter[str] = Counter()
    done = 0

    def account(size: int, written: Counter) -> None:
        nonlocal done
        counts.update(written)
        done += size
        if progress is not None:
            progress(done)

    if not rebuild_indexes:
        with closing(_batches(job, batches, workers)) as results:
            for size, written in results:
                account(size, written)
        return dict(counts)
    # The first batch, indexes and all, tells which tables the load writes (the
    # plugins' too); their secondary indexes are set aside for the rest.
    account(*job.run_batch(*batches[0]))
    set_aside = indexes.secondary_indexes(
        [apps.get_model(label)._meta.db_table for label in counts])
    indexes.drop(set_aside)
    try:
        # Closed (its worker processes ended) before the builds wait for their locks.
        with closing(_batches(job, batches[1:], workers)) as results:
            for size, written in results:
                account(size, written)
    finally:
        indexes.restore(set_aside, workers=workers)
    return dict(counts)


def _worth_rebuilding_indexes(count: int) -> bool:
    """Whether building the indexes again after the load costs less than maintaining
    them: a large load into tables that hold fewer messages than it adds (an empty or
    demo database)."""
    if connection.vendor != "postgresql" or count < REBUILD_INDEXES_FROM:
        return False
    return Appeal.objects.count() < count


_job: Job | None = None  # a worker process's job, inherited from the parent


def _adopt(job: Job) -> None:
    global _job
    _job = job


def _run_in_worker(batch: tuple[int, int]) -> tuple[int, Counter]:
    return _job.run_batch(*batch)


def _batches(job: Job, batches: list[tuple[int, int]], workers: int
             ) -> Iterator[tuple[int, Counter]]:
    if workers <= 1 or connection.vendor != "postgresql" or len(batches) < 2:
        for first_index, size in batches:
            yield job.run_batch(first_index, size)
        return
    if connection.in_atomic_block:
        raise ValueError("Worker processes cannot see an open transaction's rows.")
    # Forked children must not share the parent's connection: each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_adopt, initargs=(job,)) as pool:
        yield from pool.imap(_run_in_worker, batches)


def _fast_load() -> None:
    """Settings of the batch's transaction that make a bulk load cheaper without
    touching the schema (every index and constraint stays and is maintained):

    - no wait for the WAL flush at commit (a crash loses at most the last batches of
      generated data, never consistency);
    - a larger pending list for the trigram (GIN) indexes, merged in bigger, cheaper
      steps;
    - where the role may (a superuser), the foreign keys' per-row triggers are skipped:
      every id written was read from the referenced table or reserved in this
      transaction, so the check could not fail, and it costs a third of the load."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


STATISTICS_MODELS: tuple[type[models.Model], ...] = (
    Appeal, AppealEvent, Answer, Postponement, AppealUserObjectPermission)


def written_models(counts: dict[str, int]) -> tuple[type[models.Model], ...]:
    """The models `generate` wrote to (its answer's labels), plugins' included."""
    return tuple(apps.get_model(label) for label in counts)


def refresh_statistics(models_: tuple[type[models.Model], ...] = STATISTICS_MODELS,
                       ) -> str:
    """After a bulk load: fresh planner statistics (and, outside a transaction, the
    visibility map that index-only scans need), as autovacuum would leave them."""
    if connection.vendor != "postgresql":
        return "skipped (not PostgreSQL)"
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models_:
            # Table names come from the models, never from input.
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return command
