"""`manage.py region_readiness <code>`: the region readiness list, as plain text.

The same list as the admin's "Region readiness" page (`cms.regionconfig.readiness`), in the
active language; exits with status 1 when something blocks going live.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.models import Region
from cms.regionconfig.readiness import region_readiness


class Command(BaseCommand):
    help = "List what a region lacks before it goes live; exit 1 if something blocks it."

    def add_arguments(self, parser):
        parser.add_argument("code")

    def handle(self, code, **options):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(_("No region with code %(code)s.") % {"code": code})
        readiness = region_readiness(region)
        self.stdout.write(_("Readiness of %(region)s (%(code)s)") % {
            "region": region.name, "code": region.code})
        for heading, items in ((_("Blocks going live"), readiness.blocking),
                               (_("Warnings"), readiness.warnings)):
            self.stdout.write(f"\n{heading}: {len(items)}")
            for item in items:
                self.stdout.write(f"- {item.message}\n  {item.fix_url}")
        if readiness.ready:
            self.stdout.write("\n" + _("Nothing blocks the region from going live."))
            return
        count = len(readiness.blocking)
        raise CommandError(ngettext(
            "%(count)d item blocks the region from going live.",
            "%(count)d items block the region from going live.", count) % {"count": count})
