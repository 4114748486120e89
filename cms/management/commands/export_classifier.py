from pathlib import Path

from django.core.management.base import BaseCommand

from cms.regionconfig.classifier import export_classifier
from cms.regionconfig.loader import write_json

EXPORT_NOTE = (
    "Exported from a ПОС installation. The classifier shipped with the project is the "
    "project's own, not the official ПОС list."
)


class Command(BaseCommand):
    help = "Write the classifier in the database to a file, in the format load_classifier reads."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file: Path, **options):
        write_json(file, export_classifier(note=EXPORT_NOTE))
        self.stdout.write(f"wrote {file}")
