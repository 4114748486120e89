from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import default_classifier_path, load_region_folder


class Command(BaseCommand):
    help = (
        "Validate a region folder of config/regions/ and load it: all of it, or nothing "
        "when any file has a problem. Loading again changes nothing. Rows only the "
        "database has are listed; --prune removes those that are safe to remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--classifier", type=Path, default=None,
            help="The national classifier file to load first "
                 "(default: classifier.json beside the folder, when present).",
        )
        parser.add_argument("--no-classifier", action="store_true",
                            help="Use the classifier already in the database.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print, per file, what would change; write nothing.")
        parser.add_argument(
            "--prune", action="store_true",
            help="Remove what the files no longer name, where that is safe (never a "
                 "message, an organisation with messages or a page: pages are "
                 "unpublished); what is kept is printed with the reason.")

    def handle(self, folder: Path, classifier, no_classifier, dry_run, prune, **options):
        if classifier is None and not no_classifier:
            candidate = default_classifier_path(folder)
            classifier = candidate if candidate.exists() else None
        try:
            result = load_region_folder(folder, None if no_classifier else classifier,
                                        dry_run=dry_run, prune=prune)
        except RegionConfigError as error:
            self.stderr.write(f"Problems in {folder}:")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"{len(error.problems)} problem(s) found; nothing was loaded."
            ) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        report = result.report
        if dry_run:
            for file, section in report.by_file().items():
                self.stdout.write(f"{file or '(classifier)'}:")
                for line in section["changed"]:
                    self.stdout.write(f"  would be {line}")
                for line in (*section["unchanged"], *section["strays"]):
                    self.stdout.write(f"  {line}")
        else:
            for line in report.lines:
                self.stdout.write(line)
            for file, stray, outcome in report.strays:
                self.stdout.write(f"{file}: {outcome}: {stray.kind} {stray.key}")
        self.stdout.write(report.summary())
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif not report.changed:
            self.stdout.write(self.style.SUCCESS("Already up to date: nothing changed."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Region {result.region.code} loaded."))
