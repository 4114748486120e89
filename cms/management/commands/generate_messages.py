"""`manage.py generate_messages --region <code> --count N [--seed S]`: fill a region with
generated messages and their histories (see `cms.generator`), for demos at scale and the
benchmarks. The same seed over the same reference data gives the same rows."""

from __future__ import annotations

import time
from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms import generator
from cms.generator.run import DEFAULT_DAYS, DEFAULT_PREFIX
from cms.models import Region

BAR_WIDTH = 30


class ProgressBar:
    """`[#####-----]  50%  500,000 / 1,000,000  12 s` on stderr: redrawn in place on a
    terminal, a line per tenth elsewhere (logs stay short)."""

    def __init__(self, stream, total: int):
        # `stream`: a command's OutputWrapper (`write(text, ending="")`).
        self.stream, self.total = stream, total
        self.started = time.monotonic()
        self.live = stream.isatty()
        self.shown_tenth = -1

    def __call__(self, done: int) -> None:
        share = done / self.total if self.total else 1
        tenth = int(share * 10)
        if not self.live and tenth == self.shown_tenth:
            return
        self.shown_tenth = tenth
        filled = int(share * BAR_WIDTH)
        line = (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share:4.0%}  "
                f"{done:,} / {self.total:,}  {time.monotonic() - self.started:.0f} s")
        self.stream.write(("\r" + line) if self.live else line + "\n", ending="")
        if self.live and done >= self.total:
            self.stream.write("\n", ending="")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Generate N realistic messages in a region (statuses, deadlines, redirects, "
            "postponements, answers, events, and the plugins' rows such as ratings).")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="The region's code.")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                            help="Messages are created over this many days before --end.")
        parser.add_argument("--end", type=lambda value: datetime.strptime(
                                value, "%Y-%m-%d").replace(tzinfo=dt_timezone.utc),
                            help="The end of the span, YYYY-MM-DD (default: today, UTC).")
        parser.add_argument("--prefix", default=DEFAULT_PREFIX,
                            help="Registration numbers start with it.")
        parser.add_argument("--batch", type=int, default=10_000,
                            help="Messages per transaction.")
        parser.add_argument("--workers", type=int, default=2,
                            help="Processes sharing the batches (PostgreSQL only).")
        parser.add_argument("--yes", action="store_true",
                            help="Run although neither DEBUG nor POS_DEMO is on.")

    def handle(self, *, region, count, seed, days, end, prefix, batch, workers, yes,
               **options):
        if not (settings.DEBUG or getattr(settings, "POS_DEMO", False) or yes):
            raise CommandError("This writes generated messages: demo or benchmark "
                               "databases only (DEBUG or POS_DEMO on, or --yes).")
        if min(count, batch, days, workers) < 1:
            raise CommandError("--count, --batch, --days and --workers must be 1 or more.")
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"No region with the code {region!r}.")
        started = time.monotonic()
        try:
            counts = generator.generate(
                found, count, seed=seed, prefix=prefix, days=days, end=end, batch=batch,
                workers=workers,
                progress=ProgressBar(self.stderr, count))
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(", ".join(f"{label} {rows:,}" for label, rows in counts.items())
                          + f" in {elapsed:.1f} s")
        started = time.monotonic()
        done = generator.refresh_statistics(generator.written_models(counts))
        self.stdout.write(f"statistics: {done} ({time.monotonic() - started:.1f} s)")
