from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.models import Region
from cms.regionconfig.loader import export_region_folder


class Command(BaseCommand):
    help = "Write a region's configuration to a folder, in the format load_region reads."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("folder", type=Path)

    def handle(self, code, folder: Path, **options):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"No region with code {code!r}.")
        for filename in export_region_folder(region, folder):
            self.stdout.write(f"wrote {folder / filename}")
