"""Time the submit path and the staff queues over generated messages (a million by
default), each side by side with a bare Django view doing the same work.

Generates messages of the demo region with the project's one generator (`cms.generator`:
histories, answers, grants, and the plugins' rows such as ratings), then measures through Django's test client against the real URLs: a form posted
to the general submission page, every queue's first page as the role that works it, and
one message page; then the rating plugin's "rating-scores" dataset over the last 12
months beside one raw GROUP BY. Prints queries per
request, median and p95 milliseconds and the ratio to the bare view. `--cleanup` removes
every row a run made. Demo and benchmark databases only (`--yes` to insist elsewhere).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from benchmark import data, datasets, paths
from benchmark.measure import Bench, BenchmarkError, mismatches, table
from cms import generator
from cms.models import Appeal, Region

DEMO_REGION = "demo"
# Every post of the run is one citizen from one address: far past any real limit.
NO_RATE_LIMITS = {"citizen": (10**9, 600), "address": (10**9, 600)}
PROGRESS_EVERY = 100_000


@contextmanager
def quiet(logger_name: str):
    """The task queue logs a line per enqueued e-mail; a run posts a hundred forms."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = ("Generate N messages (default 1,000,000) in the demo region and time the "
            "submit path, the staff queues and a message page against bare Django "
            "views.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000,
                            help="Messages to generate (default 1,000,000).")
        parser.add_argument("--batch", type=int, default=10_000,
                            help="Messages per transaction.")
        parser.add_argument("--workers", type=int, default=1,
                            help="Generator processes (PostgreSQL; 2 on a big run).")
        parser.add_argument("--repeat", type=int, default=50,
                            help="Measured requests per path, after one warm-up.")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--reuse", action="store_true",
                            help="Keep generated messages already there; generate only "
                                 "what is missing up to --count.")
        parser.add_argument("--cleanup", action="store_true",
                            help="Remove every message the benchmark made, and stop.")
        parser.add_argument("--yes", action="store_true",
                            help="Run although neither DEBUG nor POS_DEMO is on.")

    def handle(self, *, count, batch, repeat, seed, reuse, cleanup, yes, workers=1,
               **options):
        if not (settings.DEBUG or getattr(settings, "POS_DEMO", False) or yes):
            raise CommandError("This writes up to a million messages: demo or "
                               "benchmark databases only (DEBUG or POS_DEMO on, or "
                               "--yes).")
        if count < 0 or min(batch, repeat, workers) < 1:
            raise CommandError("--count must be 0 or more, --batch, --repeat and "
                               "--workers 1 or more.")
        if cleanup:
            self.cleanup()
            return
        region = self.demo_region()
        self.prepare(region, count, batch, seed, reuse, workers)
        self.measure(region, repeat)

    # --- data ------------------------------------------------------------------------

    def demo_region(self) -> Region:
        """The demo region with its submission page and users (seeded if missing)."""
        region = Region.objects.filter(code=DEMO_REGION).first()
        if (region is None or paths.submission_url(region) is None
                or paths.missing_users()):
            if not getattr(settings, "POS_DEMO", False):
                raise CommandError("The demo region, its submission page or its users "
                                   "are missing: run `manage.py seed_demo` first.")
            self.stdout.write("seeding the demo (seed_demo)...")
            call_command("seed_demo", stdout=self.stdout)
            region = Region.objects.get(code=DEMO_REGION)
        missing = paths.missing_users()
        if paths.submission_url(region) is None or missing:
            raise CommandError("The demo has no general submission page or lacks users "
                               f"{sorted(missing)}: run `manage.py seed_demo`.")
        return region

    def prepare(self, region, count, batch, seed, reuse, workers):
        existing = data.generated(region).count()
        todo = max(0, count - existing) if reuse else count
        if not todo:
            self.stdout.write(f"reusing {existing:,} generated messages")
            return
        started = time.monotonic()
        milestones = iter(range(PROGRESS_EVERY, todo, PROGRESS_EVERY))
        next_milestone = next(milestones, None)

        def progress(done):
            nonlocal next_milestone
            while next_milestone is not None and done >= next_milestone:
                self.stdout.write(f"  {done:,} of {todo:,} "
                                  f"({time.monotonic() - started:.0f} s)")
                self.stdout.flush()
                next_milestone = next(milestones, None)

        try:
            added = data.generate(region, todo, batch=batch, seed=seed, workers=workers,
                                  progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"generated {todo:,} messages in "
                          f"{time.monotonic() - started:.1f} s ("
                          + ", ".join(f"{label} {rows:,}" for label, rows in added.items())
                          + ")")
        started = time.monotonic()
        done = generator.refresh_statistics(generator.written_models(added))
        self.stdout.write(f"statistics: {done} ({time.monotonic() - started:.1f} s)")

    def cleanup(self):
        region = Region.objects.filter(code=DEMO_REGION).first()
        if region is None:
            self.stdout.write("no demo region: nothing to remove")
            return
        started = time.monotonic()
        removed = data.remove(region)
        details = ", ".join(f"{label} {count:,}"
                            for label, count in removed.rows.items())
        self.stdout.write(f"removed {removed.messages:,} benchmark messages"
                          + (f" (and {details})" if details else "")
                          + f" in {time.monotonic() - started:.1f} s")
        if removed.kept:
            self.stdout.write(f"kept {removed.kept:,} that the audit trail refers to")

    # --- measuring -------------------------------------------------------------------

    def measure(self, region, repeat):
        page_url = paths.submission_url(region)
        run_settings = override_settings(
            ROOT_URLCONF="benchmark.urls",
            # Production-like: no query log kept for every request.
            DEBUG=False,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            POS_PORTAL_RATE_LIMITS=NO_RATE_LIMITS,
        )
        bench = Bench(repeat)
        with run_settings, quiet("django-q"):
            try:
                bench.compare(*paths.submit_pair(region, page_url))
                for pair in paths.queue_pairs():
                    bench.compare(*pair)
                bench.compare(*paths.message_pair(paths.submitted_message(region)))
                pair = datasets.dataset_pair(region)
                if pair is not None:
                    bench.compare(*pair)
            except (BenchmarkError, ValueError) as error:
                raise CommandError(str(error)) from error
            finally:
                bench.close()
        generated = data.generated(region).count()
        in_region = Appeal.objects.filter(region=region).count()
        self.stdout.write(
            f"over {generated:,} generated messages ({in_region:,} in region "
            f"{region.code}, {Appeal.objects.count():,} in all); {repeat} requests per "
            "path after a warm-up, each bare view right under its page")
        for line in table(bench.results):
            self.stdout.write(line)
        for problem in mismatches(bench.results):
            self.stdout.write(self.style.WARNING(f"! {problem}"))
