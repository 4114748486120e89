"""`manage.py refresh_report_facts [--full]`: bring the reports' facts up to date now
(plugins.reports.facts). Without `--full`, the messages and ratings changed since the
last refresh, as the scheduled task does; with it, every message (after a deploy that
changes how a figure is computed, or a bulk load such as `generate_messages`)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from plugins.reports import facts


class Command(BaseCommand):
    help = "Bring the reports' facts up to date (all of them with --full)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Rebuild every message's and rating's facts.")

    def handle(self, *, full, **options):
        started = time.perf_counter()
        written = facts.refresh(full=full)
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{name} {count:,}" for name, count in written.items())
        self.stdout.write(f"{'full' if full else 'incremental'} refresh: {rows} rows "
                          f"in {seconds:.1f} s")
