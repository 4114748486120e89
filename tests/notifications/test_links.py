"""Finding 3: every link in every e-mail points to the right host and to a page that
exists. Citizens' links use the region's public address (its portal site's host name and
port); staff links the administration's address."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from wagtail.models import Site

from cms.accounts.staff_password import INVITATION, send_invitation
from cms.models import Notification, Role, Status
from cms.notifications.links import public_root
from cms.notifications.outbox import SECTIONS, render, template_path
from cms.notifications.plaintext import render_plain_text
from cms.permissions.grants import grant_role
from cms.portal.demo import create_demo_pages, tree_root
from cms.submission.registration import NewAppeal, do_register_appeal
from cms.workflow import actions
from tests import factories
from tests.rating.answered import answered
from tests.workflow.builders import demo_staff, message, pending_postponement

PORTAL = "portal-gorsk.test:8123"
ADMIN = "admin.test:8124"
URL = re.compile(r"https?://[^\s<>\"]+")


def email_templates() -> set[str]:
    """Every e-mail template of the core and the plugins, by its template name."""
    names = set()
    for root in ("cms", "plugins", "tests"):
        for path in (Path(settings.BASE_DIR) / root).glob("**/templates/**/email/*.txt"):
            parts = path.parts
            names.add("/".join(parts[len(parts) - parts[::-1].index("templates"):]))
    return names


@pytest.fixture
def addresses(demo, settings):
    """The demo region's portal at PORTAL, the administration at ADMIN."""
    settings.WAGTAILADMIN_BASE_URL = f"http://{ADMIN}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal-gorsk.test", "admin.test"]
    hostname, port = PORTAL.split(":")
    if not Site.objects.filter(pk=demo.site_id).exists():
        demo.site = Site.objects.create(hostname=hostname, port=int(port),
                                        root_page=tree_root())
        demo.save(update_fields=["site"])
    else:
        Site.objects.filter(pk=demo.site_id).update(hostname=hostname, port=int(port))
        demo.site.refresh_from_db()
    return demo


def every_kind_of_letter() -> list[Notification]:
    """The letters the workflow records, through its real write paths."""
    staff = demo_staff()
    rejected = message(Status.ON_MODERATION)
    actions.do_reject_appeal(rejected.pk, staff["moderator"], 'Не "проблема" & <всё>')
    asked = message(Status.ON_MODERATION)
    actions.do_ask_clarification(asked.pk, staff["moderator"], "Какой дом?")
    passed_on = message(Status.ON_MODERATION)
    actions.do_pass_on_appeal(passed_on.pk, staff["moderator"])
    in_work = message(Status.IN_WORK, executor=staff["executor"])
    actions.do_submit_answer(in_work.pk, staff["executor"], "Отремонтируем.")
    postponed = message(Status.ON_APPROVAL, executor=staff["executor"])
    pending_postponement(postponed)
    actions.do_approve_postponement(postponed.pk, staff["head"])
    do_register_appeal(NewAppeal(  # the "registered" letter, through the portal's path
        region=rejected.region, citizen=rejected.citizen, category=rejected.category,
        subcategory=rejected.subcategory, territory=rejected.territory, text="Яма"))
    answer = answered()  # the "answered" letter, with the rating plugin's section
    actions.do_reopen_appeal(answer.appeal_id, staff["curator"], "Оценка 1")
    return list(Notification.objects.select_related("appeal__region__site", "recipient")
                .exclude(template__contains="/"))


def rendered(notification) -> tuple[set[str], str]:
    """The templates the letter is made of, and its text."""
    templates = {template_path(notification.template)} | {
        section["template"] for section in notification.context.get(SECTIONS, [])}
    subject, body = render(notification)
    return templates, f"{subject}\n{body}"


def assert_link_works(client, link: str, reader) -> None:
    parts = urlsplit(link)
    client.force_login(reader)
    response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path,
                          HTTP_HOST=parts.netloc, secure=parts.scheme == "https")
    assert response.status_code == 200, f"{link} for {reader}: {response.status_code}"


def test_every_link_of_every_letter_opens_its_page_on_the_right_host(addresses, client):
    letters = every_kind_of_letter()
    seen_templates, followed = set(), 0
    for notification in letters:
        templates, text = rendered(notification)
        seen_templates |= templates
        for link in URL.findall(text):
            to_citizen = notification.recipient_id == notification.appeal.citizen_id
            assert urlsplit(link).netloc == (PORTAL if to_citizen else ADMIN), (
                notification.template, link)
            assert_link_works(client, link, notification.recipient)
            followed += 1

    # The staff invitation is sent, not queued: its letter is read from the outbox of
    # Django's test mail backend.
    invited = factories.user("invited.staff", email="invited@example.org")
    invited.set_unusable_password()
    invited.save()
    grant_role(invited, factories.organisation("adm-gorsk"), Role.EXECUTOR)
    assert send_invitation(invited)
    seen_templates.add(INVITATION)
    for link in URL.findall(mail.outbox[-1].body):
        assert urlsplit(link).netloc == ADMIN, link
        parts = urlsplit(link)
        client.logout()
        response = client.get(parts.path, HTTP_HOST=parts.netloc, follow=True)
        assert response.status_code == 200, link
        followed += 1

    # Every template that can hold a link was rendered from a real letter; the others
    # (no link in them: the fast-track warnings, the test plugin's note)
    # are rendered below with a message's context.
    link_templates = {name for name in email_templates()
                      if "link" in Path(render_source(name)).read_text()}
    assert link_templates <= seen_templates, link_templates - seen_templates
    assert followed >= len(letters)


def render_source(name: str) -> str:
    from django.template.loader import get_template

    return get_template(name).origin.name


def test_the_templates_without_a_letter_above_hold_no_link(addresses):
    appeal = message(Status.ON_MODERATION)
    context = {"appeal": appeal, "number": appeal.number, "due": "01.12.2026 18:00",
               "time_zone": "Europe/Samara", "stage": "work", "event_kind": "rejected",
               "rating_links": [], "rating_link_days": 30}
    for name in sorted(email_templates() - {INVITATION}):
        text = render_plain_text(name, context)
        assert appeal.number in text or name.startswith("rating/"), name
        for link in URL.findall(text):
            pytest.fail(f"{name} holds a link not covered by a letter: {link}")


def test_the_public_address_is_the_regions_site_or_the_installations(addresses, settings):
    assert public_root(addresses) == f"http://{PORTAL}"
    Site.objects.filter(pk=addresses.site_id).update(port=443)
    addresses.site.refresh_from_db()
    assert public_root(addresses) == "https://portal-gorsk.test"
    addresses.site = None
    assert public_root(addresses) == f"http://{ADMIN}"


def test_the_demo_serves_its_portal_at_the_demo_address(demo):
    """The demo's region site was Wagtail's localhost:80: citizens got
    http://localhost/my/<id>/ while the demo runs on 127.0.0.1:8000. The region's
    portal.json now names the demo's address."""
    create_demo_pages(demo)
    demo.refresh_from_db()
    assert demo.site.root_url == "http://127.0.0.1:8000"
