from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.permissions.national import make_national_operator
from cms.regionconfig.classifier import FILENAME
from cms.regionconfig.loader import load_region_folder
from cms.workflow.demo import seed_demo_messages

DEMO_PASSWORD = "demo"
DEMO_REGION_FOLDER = "demo"
# The second demo region, at UTC+5, with its own portal at http://ural.localhost:8000/.
SECOND_REGION_FOLDER = "ural"
# Staff accounts come from config/regions/<folder>/staff.json; these get the demo password.
DEMO_STAFF = ("editor", "moderator", "coordinator", "executor", "head", "curator")
SECOND_STAFF = tuple(f"ural-{role}" for role in DEMO_STAFF)
DEMO_CITIZEN = {"username": "citizen", "first_name": "Иван", "last_name": "Петров",
                "email": "citizen@demo-oblast.example"}
DEMO_ADMIN = "admin"
# Reads every region's messages and their roll-up, acts on none (cms.permissions.national).
DEMO_NATIONAL = {"username": "national", "first_name": "Нина", "last_name": "Орлова",
                 "email": "national@demo-oblast.example"}


def serve_portal_at_demo_address(region) -> None:
    """The demo serves its portal where it serves the admin. Citizens' e-mail links are
    built from the region's site, which Wagtail creates as localhost:80; an address an
    administrator has set is left as it is."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if address.scheme == "https" else 80
    port = address.port or default_port
    if Site.objects.filter(hostname=address.hostname, port=port).exists():
        return  # the region's portal.json gave a site that address already
    Site.objects.filter(pk=region.site_id, hostname="localhost", port=80).update(
        hostname=address.hostname, port=port)


class Command(BaseCommand):
    help = (
        "Load the classifier and the two demo regions (demo, ural) from their files, and "
        "create one account per role with the password 'demo'. Only in settings with "
        "POS_DEMO on (dev); safe to run again."
    )

    def handle(self, **options):
        if not getattr(settings, "POS_DEMO", False):
            raise CommandError("Demo accounts exist only in the demo: POS_DEMO is off here.")
        config = settings.POS_CONFIG_DIR
        # Everything, portals included, comes from the regions' files.
        result = load_region_folder(config / DEMO_REGION_FOLDER, config / FILENAME)
        self.stdout.write(result.report.summary())
        region = result.region
        second = load_region_folder(config / SECOND_REGION_FOLDER).region
        serve_portal_at_demo_address(region)

        User = get_user_model()
        for username in (*DEMO_STAFF, *SECOND_STAFF):
            user = User.objects.get(username=username)
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        citizen, _ = User.objects.get_or_create(
            username=DEMO_CITIZEN["username"],
            defaults={key: value for key, value in DEMO_CITIZEN.items() if key != "username"},
        )
        citizen.set_password(DEMO_PASSWORD)
        citizen.save(update_fields=["password"])
        seed_demo_messages(region)
        if settings.POS_DEV_IDP:  # the stand-in's app is installed only then
            from cms.accounts.devprovider.demo import DEMO_REDIRECT_URIS, ensure_demo_client

            # Citizens log in on each region's portal: each site is a callback address.
            ensure_demo_client(redirect_uris=(
                *DEMO_REDIRECT_URIS, f"{second.site.root_url}/accounts/callback/"))
        admin, _ = User.objects.get_or_create(
            username=DEMO_ADMIN,
            defaults={"email": "admin@demo-oblast.example", "is_staff": True,
                      "is_superuser": True},
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
        national, _ = User.objects.get_or_create(
            username=DEMO_NATIONAL["username"],
            defaults={key: value for key, value in DEMO_NATIONAL.items() if key != "username"},
        )
        make_national_operator(national)
        national.set_password(DEMO_PASSWORD)
        national.save(update_fields=["password"])

        self.stdout.write(self.style.SUCCESS(
            f"Demo region {region.code!r} ready. Accounts (password '{DEMO_PASSWORD}'): "
            + ", ".join((*DEMO_STAFF, DEMO_CITIZEN["username"], DEMO_ADMIN,
                         DEMO_NATIONAL["username"]))
        ))
        self.stdout.write(self.style.SUCCESS(
            f"Second region {second.code!r} ({second.time_zone}) at {second.site.root_url}/. "
            f"Accounts (password '{DEMO_PASSWORD}'): " + ", ".join(SECOND_STAFF)
        ))
