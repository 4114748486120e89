from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from cms.kernel.schedules import sync_schedules


class Command(BaseCommand):
    help = ("Make django-q2's schedules match the tasks the plugins declare "
            "(`migrate` does the same after it runs).")

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS,
                            help="The database to sync (default: %(default)s).")

    def handle(self, **options):
        result = sync_schedules(using=options["database"])
        for verb, names in (("created", result.created), ("updated", result.updated),
                            ("deleted", result.deleted)):
            for name in names:
                self.stdout.write(f"{verb}: {name}")
        if not result.changed:
            self.stdout.write("The schedules already match the declared tasks.")
