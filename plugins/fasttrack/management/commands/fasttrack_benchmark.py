"""Time the deadline sweeps over a generated set of open messages (a million by default).

Generates messages of one region in batches (bulk_create), with deadlines spread from two
days ago to a month ahead and stage clocks to match, then runs the sweep twice exactly as
the scheduler does and prints the timings. Demo and benchmark databases only.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, When
from django.utils import timezone

from cms.kernel.plugins import enabled_region_ids
from cms.models import Appeal, Organisation, Region, Status, Subcategory, Territory
from plugins.fasttrack.alerts import deliver_warnings, enqueue_delivery
from plugins.fasttrack.clock import STAGE_OF_STATUS
from plugins.fasttrack.models import AppealClock, DeadlineWarning
from plugins.fasttrack.sweeps import (
    DELIVERY_BATCH,
    MAX_DELIVERIES_PER_SWEEP,
    PLUGIN_NAME,
    claim_for_delivery,
    mark_overdue,
    overdue_candidates,
    warn_due_stages,
)

# Roughly how open messages spread over statuses in a working region.
STATUS_WEIGHTS = {
    Status.ON_MODERATION: 10,
    Status.SENT_TO_ORGANISATION: 10,
    Status.IN_WORK: 55,
    Status.ON_APPROVAL: 15,
    Status.POSTPONED: 5,
    Status.WAITING_FOR_CITIZEN: 5,
}


class Command(BaseCommand):
    help = ("Generate N open messages (default 1,000,000) in a region and time the "
            "deadline sweeps over them: first run, then a second one.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--region", default="demo")
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument("--deliver-sample", type=int, default=500,
                            help="Also time delivering this many warnings (0: skip).")
        parser.add_argument("--reset", action="store_true",
                            help="First forget earlier sweeps of generated messages "
                                 "(overdue flags, warnings, warning times).")

    def handle(self, count, region, batch, seed, deliver_sample, reset, **options):
        if not settings.POS_DEMO:
            raise CommandError("This writes a million messages: demo or benchmark "
                               "databases only (POS_DEMO on).")
        region = Region.objects.filter(code=region).first()
        if region is None:
            raise CommandError("Unknown region: load it first (seed_demo or load_region).")
        if count:
            started = time.monotonic()
            self.generate(region, count, batch, random.Random(seed))
            self.stdout.write(f"generated {count:,} messages in "
                              f"{time.monotonic() - started:.1f} s")
        if reset:
            self.reset(region)
        self.vacuum()
        open_count = Appeal.objects.filter(region=region, status__in=STATUS_WEIGHTS).count()
        self.stdout.write(f"open messages in {region.code}: {open_count:,}")
        self.stdout.write("first run: " + self.timed_sweep())
        self.stdout.write("second run, right after: " + self.timed_sweep())
        # The first run's updates leave dead index entries until (auto)vacuum removes
        # them; steady state is a sweep every few minutes over a vacuumed table.
        self.vacuum()
        self.stdout.write("third run, after VACUUM: " + self.timed_sweep())
        self.explain()
        if deliver_sample:
            ids = list(DeadlineWarning.objects.filter(delivered_at__isnull=True)
                       .values_list("pk", flat=True)[:deliver_sample])
            started = time.monotonic()
            sent = deliver_warnings(ids)
            self.stdout.write(f"delivered {len(ids)} warnings ({sent} notifications) in "
                              f"{time.monotonic() - started:.2f} s")

    def generate(self, region, count, batch, rng):
        subcategories = list(Subcategory.objects.values_list("pk", "category_id"))
        organisations = list(Organisation.objects.filter(region=region)
                             .values_list("pk", flat=True))
        territory = Territory.objects.filter(region=region, depth=1).first()
        statuses, weights = zip(*STATUS_WEIGHTS.items())
        now = timezone.now()
        prefix = f"B{int(now.timestamp())}"
        for start in range(0, count, batch):
            size = min(batch, count - start)
            appeals = []
            for index in range(start, start + size):
                subcategory, category = rng.choice(subcategories)
                status = rng.choices(statuses, weights)[0]
                deadline = now + timedelta(minutes=rng.randint(-2 * 1440, 30 * 1440))
                appeals.append(Appeal(
                    number=f"{prefix}-{index:07d}", region=region, category_id=category,
                    subcategory_id=subcategory, territory=territory,
                    organisation_id=rng.choice(organisations), text="benchmark",
                    status=status, deadline=deadline,
                    postponed_until=deadline if status == Status.POSTPONED else None,
                ))
            with transaction.atomic():
                Appeal.objects.bulk_create(appeals)
                AppealClock.objects.bulk_create([self.clock(appeal, rng) for appeal in appeals])

    @staticmethod
    def clock(appeal, rng) -> AppealClock:
        deadline = appeal.deadline
        stage = STAGE_OF_STATUS.get(appeal.status, "moderation")
        waiting = appeal.status == Status.WAITING_FOR_CITIZEN
        dues = {"moderation": deadline - timedelta(days=20),
                "work": deadline - timedelta(days=1), "approval": deadline}
        return AppealClock(
            appeal=appeal, started_at=deadline - timedelta(days=21), regular_deadline=deadline,
            moderation_due=dues["moderation"], work_due=dues["work"],
            approval_due=dues["approval"], stage=stage,
            warn_at=None if waiting else dues[stage] - timedelta(hours=24),
            paused_at=deadline - timedelta(days=10) if waiting else None,
        )

    def timed_sweep(self) -> str:
        """`sweeps.sweep`, step by step, with a clock on each step."""
        now = timezone.now()
        regions = enabled_region_ids(PLUGIN_NAME)
        marks = [time.monotonic()]
        with transaction.atomic():
            marked, overdue = mark_overdue(now, regions)
            marks.append(time.monotonic())
            due_soon = warn_due_stages(now, regions)
            marks.append(time.monotonic())
            claimed = claim_for_delivery(now, MAX_DELIVERIES_PER_SWEEP)
            enqueue_delivery(claimed, batch=DELIVERY_BATCH)
            marks.append(time.monotonic())
        marks.append(time.monotonic())
        step = [after - before for before, after in zip(marks, marks[1:])]
        tasks = -(-len(claimed) // DELIVERY_BATCH)
        return (f"{marks[-1] - marks[0]:.2f} s in all: overdue {step[0]:.2f} s "
                f"({marked:,} marked, {len(overdue):,} curator warnings); stage warnings "
                f"{step[1]:.2f} s ({len(due_soon):,}); claiming {len(claimed):,} for "
                f"delivery {step[2]:.2f} s; commit and enqueuing {tasks} tasks "
                f"{step[3]:.2f} s")

    def reset(self, region):
        generated = Appeal.objects.filter(region=region, number__startswith="B")
        DeadlineWarning.objects.filter(appeal__in=generated).delete()
        generated.filter(is_overdue=True).update(is_overdue=False)
        lead = timedelta(hours=24)
        AppealClock.objects.filter(appeal__in=generated, paused_at__isnull=True).exclude(
            stage="").update(warn_at=Case(
                *[When(stage=stage, then=F(f"{stage}_due") - lead)
                  for stage in ("moderation", "work", "approval")],
                output_field=DateTimeField(),
            ))
        self.stdout.write("reset the generated messages' sweeps")

    def vacuum(self):
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (Appeal, AppealClock, DeadlineWarning):
                # Fixed table names; VACUUM cannot run inside a transaction.
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")  # noqa: S608

    def explain(self):
        query = overdue_candidates(timezone.now(), enabled_region_ids(PLUGIN_NAME)).values("pk")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            self.stdout.write("the overdue sweep's read:")
            for (line,) in cursor.fetchall():
                self.stdout.write(f"  {line}")
