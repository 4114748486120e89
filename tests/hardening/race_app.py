"""The application side of the race tests, on the database DATABASE_URL names (the test's
PostgreSQL database, or a migrated SQLite file like the demo's).

    python -m tests.hardening.race_app setup     the demo region, staff, one message per
                                                 action in the status it starts from, the
                                                 portal pages and a citizen; logged-in
                                                 sessions; prints it all as JSON
    python -m tests.hardening.race_app report    prints, per message, its status, version,
                                                 recorded actions and comments; and the
                                                 messages per idempotency key
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import django

# Each action posted at once by two people who may both take it (the executor's own
# actions: by the executor twice, a double click): (status, first, second).
SECOND = {"moderator": ("cur", "moderator"), "coordinator": ("adm-gorsk", "coordinator"),
          "head": ("adm-gorsk", "head"), "curator": ("admin-gov", "curator")}


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def setup() -> dict:
    from django.conf import settings

    from cms.models import Region, Role
    from cms.portal.demo import create_demo_pages
    from cms.portal.models import SubmissionPage
    from cms.regionconfig.loader import load_region_folder
    from tests import factories
    from tests.hardening.test_stale_forms import CASES, opened_page
    from tests.workflow.builders import demo_staff, staff_member

    region = Region.objects.filter(code="demo").first()
    if region is None:
        config = settings.POS_CONFIG_DIR
        region = load_region_folder(config / "demo", config / "classifier.json").region
    staff = demo_staff()
    second = {name: staff_member(f"race2.{name}", organisation, Role(role))
              for name, (organisation, role) in SECOND.items()}
    actions = []
    for case in CASES:
        appeal, post, _shown = opened_page(case, staff)
        post = {key: str(value) for key, value in post.items()
                if not key.endswith("-files")}
        people = [staff[case.actor], second.get(case.actor, staff[case.actor])]
        actions.append({"action": case.action, "appeal": appeal.pk, "post": post,
                        "sessions": [session_for(person) for person in people]})

    create_demo_pages(region)
    page = SubmissionPage.objects.get(slug="general")
    sub = factories.subcategory("01.01")
    citizen = factories.user("race.citizen", email="race@example.org",
                             first_name="Анна", last_name="Гонкина")
    submission = {
        "url": urlsplit(page.url).path,
        "session": session_for(citizen),
        "post": {"category": str(sub.category_id), "subcategory": str(sub.pk),
                 "territory": str(factories.territory("gorsk").pk),
                 "address": "ул. Ленина, 5", "text": "Яма у дома 5, машины объезжают.",
                 "consent": "on"},
        "photo_required": sub.photo_required,
    }
    return {"actions": actions, "submission": submission}


def report() -> dict:
    from django.db.models import Count, Q

    from cms.models import Appeal, AuditKind, AuditRecord, EventKind

    appeals = (Appeal.objects.annotate(
        comments=Count("events", filter=Q(events__kind=EventKind.COMMENT)))
        .values("pk", "status", "version", "comments", "idempotency_key"))
    actions = dict(AuditRecord.objects.filter(kind=AuditKind.ACTION)
                   .values_list("appeal").annotate(n=Count("pk")).values_list("appeal", "n"))
    return {
        "appeals": {str(row["pk"]): {**row, "idempotency_key": str(row["idempotency_key"]),
                                     "actions": actions.get(row["pk"], 0)}
                    for row in appeals},
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(setup() if sys.argv[1] == "setup" else report(), default=str))
