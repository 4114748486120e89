from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.regionconfig.classifier import FILENAME
from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import load_classifier_file


class Command(BaseCommand):
    help = "Validate and load the national classifier (all of it or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?",
                            default=None, help=f"default: config/regions/{FILENAME}")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, file, dry_run, **options):
        file = file or settings.POS_CONFIG_DIR / FILENAME
        try:
            report = load_classifier_file(file, dry_run=dry_run)
        except RegionConfigError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s); nothing was loaded.") from None
        for line in report.lines:
            self.stdout.write(("would be " if dry_run else "") + line)
        self.stdout.write(report.summary())
