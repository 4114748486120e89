"""`manage.py refresh_problem_facts [--full]`: bring the problem points' own facts
(plugins.reports.problem_facts) up to date now, without the other reports' facts
(`refresh_report_facts` refreshes both). Without `--full`, the messages changed since the
last refresh, as the scheduled task does; with it, every place, fact, group and month
cell rebuilt (after a bulk load such as `generate_messages`)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from plugins.reports import problem_facts


class Command(BaseCommand):
    help = "Bring the problem points' facts up to date (all of them with --full)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Rebuild every place, fact, group and month cell.")

    def handle(self, *, full, **options):
        started = time.perf_counter()
        written = problem_facts.refresh(full=full)
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{name} {count:,}" for name, count in written.items()) or "nothing"
        self.stdout.write(f"{'full' if full else 'incremental'} refresh: {rows} rows "
                          f"in {seconds:.1f} s")
