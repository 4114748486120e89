"""What the stack needs for the run, in its own (production) settings.

`python -m loadtest.seed <plan.json>` with the stack's environment: the classifier and the
demo region (its staff from config/regions/demo/staff.json), the portal pages at the
stack's address, a fresh password for the staff roles the profile plays, and the plan
(URLs and form choices) that the locustfile reads. Safe to run again.
"""

from __future__ import annotations

import json
import secrets
import sys

# The staff roles the profile plays, each with the queue it works.
STAFF_QUEUES = {"moderator": "moderation", "coordinator": "inbox", "executor": "mine"}
# Every submission goes to the same subcategory and town, so that the staff's queues
# fill with the run's own messages.
SUBCATEGORY = "01.01"
TERRITORY = "gorsk"
WIDGET_ORGANISATION = "adm-gorsk"


def seed(plan_path: str) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from cms.management.commands.seed_demo import (
        DEMO_REGION_FOLDER,
        serve_portal_at_demo_address,
    )
    from cms.models import Organisation, Subcategory, Territory
    from cms.portal.demo import create_demo_pages
    from cms.portal.models import SubmissionPage
    from cms.regionconfig.classifier import FILENAME
    from cms.regionconfig.loader import load_region_folder

    config = settings.POS_CONFIG_DIR
    region = load_region_folder(config / DEMO_REGION_FOLDER, config / FILENAME).region
    create_demo_pages(region)
    region.refresh_from_db()
    serve_portal_at_demo_address(region)

    password = secrets.token_urlsafe(16)
    for user in get_user_model().objects.filter(username__in=STAFF_QUEUES):
        user.set_password(password)
        user.save(update_fields=["password"])

    sub = Subcategory.objects.select_related("category").get(code=SUBCATEGORY)
    general = SubmissionPage.objects.live().get(slug="general")
    widget_page = SubmissionPage.objects.live().filter(offer_in_widget=True).first()
    organisation = Organisation.objects.get(region=region, code=WIDGET_ORGANISATION)
    plan = {
        "staff": {
            name: {"password": password, "queue": queue}
            for name, queue in STAFF_QUEUES.items()
        },
        "general_url": general.get_url(None),
        "widget_url": f"{widget_page.get_url(None)}widget/{organisation.pk}/",
        "category": sub.category_id,
        "subcategory": sub.pk,
        "territory": Territory.objects.get(region=region, code=TERRITORY).pk,
    }
    with open(plan_path, "w", encoding="utf-8") as out:
        json.dump(plan, out, ensure_ascii=False, indent=1)
    return plan


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(seed(sys.argv[1]), ensure_ascii=False))
