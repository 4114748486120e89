"""Two regions on one installation, in a real browser: a citizen writes through the demo
region's portal (127.0.0.1) and through Ural Oblast's (its own Wagtail site at
ural.localhost, loaded from config/regions/ural/ alone); each region's moderator finds only
their own region's message in the moderation queue."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Site

from cms.models import Appeal, Region, Status
from cms.regionconfig.loader import load_region_folder
from tests import factories

from .staff_steps import as_user, with_password

SUBCATEGORY = "01.13"  # roads, "other questions": no photo required


def give_session(page, user, url: str) -> None:
    """A session of `user` for the site at `url` (citizens log in through ЕСИА; its
    stand-in is tested in test_portal)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }])


def submit(page, portal_url: str, region: Region, territory: str, text: str) -> Appeal:
    """Open the portal's home, follow its general page and send a message."""
    page.goto(portal_url + "/")
    page.click("a[href$='/general/']")
    page.wait_for_url(portal_url + "/general/")
    sub = factories.subcategory(SUBCATEGORY)
    page.locator("select[name=category]").select_option(str(sub.category_id))
    page.locator("select[name=subcategory]").select_option(str(sub.pk))
    page.locator("select[name=territory]").select_option(
        str(factories.territory(territory, region).pk))
    page.locator("input[name=address]").fill("ул. Мира, 1")
    page.locator("textarea[name=text]").fill(text)
    page.locator("input[name=consent]").check()
    page.click("button[data-submit]")
    number = page.text_content("[data-number]").strip()
    return Appeal.objects.get(number=number, region=region)


def moderation_queue(page, live_server, admin_login, username) -> str:
    as_user(page, admin_login, username)
    page.goto(f"{live_server.url}/admin/queues/moderation/")
    return page.text_content("main")


def test_each_region_gets_its_citizens_message_and_only_its_moderator_sees_it(
        page, live_server, demo, settings, admin_login):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost"]
    ural = load_region_folder(django_settings.POS_CONFIG_DIR / "ural").region
    # The files give the demo's address (port 8000); the test server listens elsewhere.
    port = urlsplit(live_server.url).port
    Site.objects.filter(pk=ural.site_id).update(port=port)
    ural_url = f"http://ural.localhost:{port}"
    citizen = get_user_model().objects.create_user(
        "citizen", password="demo", first_name="Анна", email="anna@example.org")
    with_password(["moderator", "ural-moderator"])

    give_session(page, citizen, live_server.url)
    give_session(page, citizen, ural_url)
    in_demo = submit(page, live_server.url, demo, "gorsk", "Нет разметки у школы в Горске")
    page.goto(ural_url + "/")
    assert "Уральская область" in page.text_content("h1")
    in_ural = submit(page, ural_url, ural, "rudnogorsk-central",
                     "Нет разметки у школы в Рудногорске")

    assert in_demo.status == in_ural.status == Status.ON_MODERATION
    assert in_demo.organisation.region_id == demo.pk
    assert in_ural.organisation.region_id == ural.pk
    assert in_ural.organisation.code == "adm-rudnogorsk"  # routed by Ural's own rules

    demo_queue = moderation_queue(page, live_server, admin_login, "moderator")
    assert in_demo.number in demo_queue
    assert in_ural.number not in demo_queue
    ural_queue = moderation_queue(page, live_server, admin_login, "ural-moderator")
    assert in_ural.number in ural_queue
    assert in_demo.number not in ural_queue
