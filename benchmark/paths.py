"""What a run measures: the submit path, every staff queue and one message page, each
with its bare view, as the demo user whose role works there."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.models import Appeal, Role, Subcategory, Territory
from cms.portal.models import SubmissionPage
from cms.staff_admin.queues import Queue, registered_queues

from .data import BENCH_PREFIX, SUBMIT_MARKER
from .measure import Probe

CITIZEN = "citizen"
GENERAL_PAGE = "general"
# No photo required: the pair compares form handling and registration, not image
# processing, which the bare view would not do.
SUBMIT_SUBCATEGORY = "04.02"
SUBMIT_TERRITORY = "gorsk"
# Who opens each queue (the tests of the queues use the same); a queue added later is
# opened by the first demo user whose role sees it.
QUEUE_USERS = {"moderation": "moderator", "inbox": "coordinator", "mine": "executor",
               "approval": "head", "overdue": "head", "region": "curator"}
ROLE_USERS = {Role.MODERATOR: "moderator", Role.COORDINATOR: "coordinator",
              Role.EXECUTOR: "executor", Role.HEAD: "head", Role.CURATOR: "curator"}
MESSAGE_USER = "moderator"
# A curator looks a message up by the last digits of its number (a citizen on the
# phone), across the region: the search the queues' trigram indexes answer.
SEARCH_QUEUE = "region"
SEARCH_DIGITS = "00042"


def queue_user(queue: Queue) -> str:
    if queue.key in QUEUE_USERS:
        return QUEUE_USERS[queue.key]
    return next(ROLE_USERS[role] for role in sorted(queue.roles) if role in ROLE_USERS)


def needed_users() -> set[str]:
    return {CITIZEN, MESSAGE_USER, *(queue_user(queue) for queue in registered_queues())}


def missing_users() -> set[str]:
    found = get_user_model().objects.filter(username__in=needed_users(), is_active=True)
    return needed_users() - set(found.values_list("username", flat=True))


def submission_url(region) -> str | None:
    """The path of the region's general submission page (None if it has none)."""
    for page in SubmissionPage.objects.live().filter(slug=GENERAL_PAGE):
        region_of_page = page.region
        if region_of_page is not None and region_of_page.pk == region.pk:
            url = page.get_url()
            return urlsplit(url).path if url else None
    return None


def submission_form(region) -> Callable[[], dict]:
    """A valid form of the general page; each call with a fresh idempotency key."""
    subcategory = Subcategory.objects.get(code=SUBMIT_SUBCATEGORY)
    if subcategory.photo_required:
        raise ValueError(f"Subcategory {SUBMIT_SUBCATEGORY} now requires a photo: "
                         "pick another for the benchmark.")
    territory = Territory.objects.get(region=region, code=SUBMIT_TERRITORY)
    fixed = {
        "category": str(subcategory.category_id),
        "subcategory": str(subcategory.pk),
        "territory": str(territory.pk),
        "address": "ул. Ленина, 5",
        "text": f"{SUBMIT_MARKER} Нужны фонари вдоль улицы Ленина, дома 5–15.",
        "consent": "on",
    }
    return lambda: {**fixed, "idempotency_key": str(uuid.uuid4())}


def submit_pair(region, page_url: str) -> tuple[Probe, Probe]:
    form = submission_form(region)
    bare_url = reverse("bare_submit", kwargs={"region": region.code})
    return (Probe(f"POST {page_url}", CITIZEN, page_url, 302, post=form),
            Probe(f"bare POST {bare_url}", CITIZEN, bare_url, 302, post=form))


def queue_pairs() -> list[tuple[Probe, Probe]]:
    pairs = []
    for queue in registered_queues():
        url = f"/admin/queues/{queue.key}/"
        bare_url = reverse("bare_queue", kwargs={"key": queue.key})
        user = queue_user(queue)
        pairs.append((Probe(f"GET {url}", user, url, lists=True),
                      Probe(f"bare GET {bare_url}", user, bare_url, lists=True)))
    search = f"?q={SEARCH_DIGITS}"
    url = f"/admin/queues/{SEARCH_QUEUE}/{search}"
    bare_url = reverse("bare_queue", kwargs={"key": SEARCH_QUEUE}) + search
    pairs.append((Probe(f"GET {url}", QUEUE_USERS[SEARCH_QUEUE], url, lists=True),
                  Probe(f"bare GET {bare_url}", QUEUE_USERS[SEARCH_QUEUE], bare_url,
                        lists=True)))
    return pairs


def submitted_message(region) -> Appeal:
    """The newest message the run sent through the real page: a full registration
    history (routing, deadline, clock), as a moderator opens it."""
    return (Appeal.objects.filter(region=region, citizen__username=CITIZEN,
                                  text__startswith=SUBMIT_MARKER)
            .exclude(number__startswith=BENCH_PREFIX).latest("pk"))


def message_pair(appeal: Appeal) -> tuple[Probe, Probe]:
    url = reverse("pos_messages:detail", kwargs={"pk": appeal.pk})
    bare_url = reverse("bare_message", kwargs={"pk": appeal.pk})
    return (Probe(f"GET {url}", MESSAGE_USER, url),
            Probe(f"bare GET {bare_url}", MESSAGE_USER, bare_url))
