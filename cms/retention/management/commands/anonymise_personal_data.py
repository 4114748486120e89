from django.core.management.base import BaseCommand, CommandError

from cms.models import Region
from cms.retention.anonymise import anonymise_personal_data


class Command(BaseCommand):
    help = ("Anonymise citizens' contact data past each region's retention period "
            "(152-ФЗ): what the daily task does, now. Each region's run is recorded in "
            "the audit trail.")

    def add_arguments(self, parser):
        parser.add_argument("--region", metavar="CODE",
                            help="Only this region's messages (accounts are left for a "
                                 "whole run: an account is not one region's).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what is due; change and record nothing.")

    def handle(self, *args, region=None, dry_run=False, **options):
        try:
            result = anonymise_personal_data(region_code=region, dry_run=dry_run)
        except Region.DoesNotExist:
            raise CommandError(f"No region with the code {region!r}.") from None
        verb = "due" if dry_run else "anonymised"
        for scope, counts in result.items():
            if scope == "accounts":
                self.stdout.write(f"accounts: {counts.accounts} {verb}")
            elif dry_run:
                self.stdout.write(f"{scope}: {counts.messages} messages {verb}")
            else:
                self.stdout.write(f"{scope}: {counts.messages} messages {verb} "
                                  f"({counts.files} file names, {counts.letters} letters)")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
