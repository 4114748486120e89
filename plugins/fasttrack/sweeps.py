"""The deadline sweeps: set-based SQL over every open message, safe to run any number of
times.

- `mark_overdue`: open, running messages whose deadline passed get `is_overdue` (one
  UPDATE) and a curator warning (one INSERT … SELECT).
- `warn_due_stages`: clocks whose warning time came get a "stage due soon" warning (one
  INSERT … SELECT), then their warning time is cleared (one UPDATE).

Warnings are rows of `DeadlineWarning`, unique per (message, stage, kind): the INSERT
skips rows that exist (ON CONFLICT DO NOTHING), so a warning is recorded once however
often, and however concurrently, the sweep runs. Delivery (`plugins.fasttrack.alerts`)
drains them at a bounded rate: each sweep claims up to `MAX_DELIVERIES_PER_SWEEP`
undelivered warnings, oldest first, and enqueues them in batches after commit; a claim
whose task seems lost is claimed again later (deduplication keys keep e-mails single).

Both reads use a partial index holding only the rows still to act on: the migration's
index on `cms_appeal (deadline)` of running messages not yet overdue, and
`fasttrack_clock_warn_at`. A sweep's cost follows what changed since the last one, not the
number of open messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connections, router, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value

from cms.kernel.plugins import enabled_region_ids
from cms.models import Appeal
from cms.models.appeals import RUNNING_STATUSES

from .alerts import enqueue_delivery
from .models import WHOLE_MESSAGE, AppealClock, DeadlineWarning, WarningKind

PLUGIN_NAME = "fasttrack"

# A warning claimed but not delivered this long after is claimed again (a lost task).
REDELIVER_AFTER = timedelta(minutes=10)
# One delivery task sends a batch (well inside the worker's timeout); a sweep hands out
# at most this many warnings, so a backlog drains over a few runs instead of one.
DELIVERY_BATCH = 100
MAX_DELIVERIES_PER_SWEEP = 5_000


@dataclass
class SweepResult:
    marked_overdue: int = 0
    overdue_warnings: list[int] = field(default_factory=list)
    due_soon_warnings: list[int] = field(default_factory=list)
    enqueued: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "marked_overdue": self.marked_overdue,
            "overdue_warnings": len(self.overdue_warnings),
            "due_soon_warnings": len(self.due_soon_warnings),
            "enqueued": len(self.enqueued),
        }


def overdue_candidates(now: datetime, region_ids: list[int]) -> QuerySet[Appeal]:
    """Running messages not yet marked overdue whose deadline (and postponement) passed."""
    return Appeal.objects.filter(
        Q(postponed_until__isnull=True) | Q(postponed_until__lt=now),
        region_id__in=region_ids,
        status__in=RUNNING_STATUSES,
        is_overdue=False,
        deadline__lt=now,
    ).order_by()


def insert_warnings(rows: QuerySet) -> list[int]:
    """INSERT … SELECT the (appeal_id, stage, kind, created_at) rows of a values()
    queryset, skipping existing ones; the ids of the rows actually inserted."""
    table = DeadlineWarning._meta.db_table
    connection = connections[router.db_for_write(DeadlineWarning)]
    select_sql, params = rows.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("appeal_id", "stage", "kind", "created_at"))
    sql = (
        f"INSERT INTO {quote(table)} ({columns}) {select_sql} "
        f"ON CONFLICT ({quote('appeal_id')}, {quote('stage')}, {quote('kind')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _warning_rows(queryset: QuerySet, appeal: str, stage, kind: str, now: datetime):
    # Only annotations, in this order: they are the INSERT's columns.
    return queryset.values(
        w_appeal=F(appeal),
        w_stage=stage,
        w_kind=Value(kind),
        w_created=Value(now, output_field=DateTimeField()),
    )


def mark_overdue(now: datetime, region_ids: list[int]) -> tuple[int, list[int]]:
    """Mark passed deadlines overdue and record the curators' warnings."""
    due = overdue_candidates(now, region_ids)
    warning_ids = insert_warnings(
        _warning_rows(due, "pk", Value(WHOLE_MESSAGE), WarningKind.OVERDUE, now)
    )
    marked = due.update(is_overdue=True)
    return marked, warning_ids


def warn_due_stages(now: datetime, region_ids: list[int]) -> list[int]:
    """Record "stage due soon" warnings whose time came, then clear their warning time."""
    ready = AppealClock.objects.filter(
        warn_at__lte=now,
        appeal__region_id__in=region_ids,
        appeal__status__in=RUNNING_STATUSES,
    ).exclude(stage="").order_by()
    warning_ids = insert_warnings(
        _warning_rows(ready, "appeal_id", F("stage"), WarningKind.DUE_SOON, now)
    )
    # Cleared only where the current stage's warning exists: a clock that moved to another
    # stage meanwhile keeps its new warning time for the next sweep.
    recorded = DeadlineWarning.objects.filter(
        appeal_id=OuterRef("appeal_id"), stage=OuterRef("stage"), kind=WarningKind.DUE_SOON,
    )
    AppealClock.objects.filter(warn_at__lte=now).filter(Exists(recorded)).update(warn_at=None)
    return warning_ids


def claim_for_delivery(now: datetime, limit: int) -> list[int]:
    """Undelivered warnings not yet handed to a task (or whose task seems lost), oldest
    first, marked as handed out now. Rows another sweep is claiming are skipped."""
    claimable = (
        DeadlineWarning.objects.filter(delivered_at__isnull=True)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REDELIVER_AFTER))
        .order_by("created_at", "pk")
        .select_for_update(skip_locked=True)
    )
    ids = list(claimable.values_list("pk", flat=True)[:limit])
    DeadlineWarning.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def sweep(now: datetime) -> SweepResult:
    """Run every sweep in one transaction; deliveries are enqueued after it commits."""
    region_ids = enabled_region_ids(PLUGIN_NAME)
    result = SweepResult()
    with transaction.atomic():
        result.marked_overdue, result.overdue_warnings = mark_overdue(now, region_ids)
        result.due_soon_warnings = warn_due_stages(now, region_ids)
        result.enqueued = claim_for_delivery(now, MAX_DELIVERIES_PER_SWEEP)
        enqueue_delivery(result.enqueued, batch=DELIVERY_BATCH)
    return result
