"""A citizen's whole path in a real browser: log in through the OpenID Connect flow,
submit with a photo, find it in "my messages", and submit through the widget embedded
in a page of another origin; axe-core checks each page for serious and critical
accessibility problems."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.cache import cache

from cms.accounts.devprovider.conf import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from cms.accounts.devprovider.demo import ensure_demo_client
from cms.models import Appeal, Channel
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories
from tests.portal.conftest import jpeg_bytes

SERIOUS = {"serious", "critical"}


AXE = Axe()


def assert_accessible(page):
    violations = [
        v for v in AXE.run(page).response["violations"] if v["impact"] in SERIOUS
    ]
    assert violations == [], "\n".join(
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in violations
    )


def use_the_development_provider(live_server, settings):
    """Point the OpenID Connect login at the development stand-in for ЕСИА."""
    settings.POS_OIDC_ISSUER = f"{live_server.url}/dev-idp"
    settings.POS_OIDC_CLIENT_ID = DEMO_CLIENT_ID
    settings.POS_OIDC_CLIENT_SECRET = DEMO_CLIENT_SECRET
    ensure_demo_client(redirect_uris=(f"{live_server.url}/accounts/callback/",))


def sign_in(page, live_server):
    page.wait_for_url(f"{live_server.url}/dev-idp/sign-in/**")
    page.fill("#id_username", "citizen")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")


@pytest.fixture
def host_site():
    """Another origin: a tiny static server whose page embeds the widget."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield functools.partial(pages.__setitem__), server.server_address[1]
    server.shutdown()
    server.server_close()


def fill_pothole(target, text: str, with_photo: bool = True):
    """Fill the form in `target` (a page, or the widget's frame)."""
    sub = factories.subcategory("01.01")
    target.locator("select[name=category]").select_option(str(sub.category_id))
    # The script fills the subcategories of the chosen category, no round trip.
    target.locator("select[name=subcategory]").select_option(str(sub.pk))
    target.locator("select[name=territory]").select_option(
        str(factories.territory("gorsk").pk)
    )
    target.locator("input[name=address]").fill("ул. Ленина, 5")
    target.locator("textarea[name=text]").fill(text)
    if with_photo:
        target.locator("input[name=files]").set_input_files(
            files=[
                {
                    "name": "pothole.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": jpeg_bytes(),
                }
            ]
        )
    target.locator("input[name=consent]").check()


def test_citizen_submits_follows_and_uses_the_widget(
    page, live_server, demo, host_site, settings
):
    cache.clear()
    create_demo_pages(demo)
    general = SubmissionPage.objects.get(slug="general")
    citizen = get_user_model().objects.create_user(
        "citizen", password="demo", first_name="Анна", email="anna@example.org"
    )

    # The page needs a login: through the provider and back to the form.
    use_the_development_provider(live_server, settings)
    page.goto(live_server.url + general.url)
    sign_in(page, live_server)
    page.wait_for_url(live_server.url + general.url)

    # Too many files are refused in the browser, before anything is sent.
    assert_accessible(page)
    fill_pothole(page, "Яма")
    photo = {"mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    page.locator("input[name=files]").set_input_files(
        files=[{**photo, "name": f"p{i}.jpg"} for i in range(6)]
    )
    page.click("button[data-submit]")
    page.wait_for_selector("#id_files_limit[role=alert]:not([hidden])")
    assert "не более 5" in page.text_content("#id_files_limit")
    assert page.input_value("textarea[name=text]") == "Яма"
    assert not Appeal.objects.exists()

    # A mistake on the server: the error is announced by the field, the photo is kept.
    fill_pothole(page, "")
    page.click("button[data-submit]")
    page.wait_for_selector("#id_text_error[role=alert]")
    assert page.eval_on_selector(
        "[data-error-summary]", "el => el === document.activeElement"
    )
    assert page.input_value("input[name=address]") == "ул. Ленина, 5"
    assert page.locator("input[name=keep_files]").is_checked()
    assert_accessible(page)

    # Sent without attaching the photo again: the kept one goes with the message.
    fill_pothole(page, "Яма на проезжей части у дома 5", with_photo=False)
    page.click("button[data-submit]")
    number = page.text_content("[data-number]").strip()
    appeal = Appeal.objects.get(number=number)
    assert appeal.citizen == citizen and appeal.attachments.count() == 1
    assert_accessible(page)

    # "My messages" lists it; its page shows the deadline.
    page.goto(live_server.url + "/my/")
    page.click(f"text={number}")
    page.wait_for_selector("[data-deadline]")
    assert_accessible(page)

    # The widget on an organisation's site of another origin.
    set_page, port = host_site
    organisation = factories.organisation("adm-gorsk")
    organisation.website_domains = [f"localhost:{port}"]
    organisation.save()
    set_page(
        "/",
        f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
        <title>Администрация Горска</title></head><body><h1>Администрация Горска</h1>
        <script src="{live_server.url}/widget/pos-widget.js"></script>
        <script>
        PosWidget.init("{live_server.url}{general.url}widget/", {organisation.pk});
        </script></body></html>""".encode(),
    )
    page.goto(f"http://localhost:{port}/")
    page.click("[data-pos-widget=open]")
    frame = page.frame_locator("iframe[data-pos-widget=frame]")
    fill_pothole(frame, "Яма у администрации")
    # The frame grew to its content (the form is taller than the initial 600px).
    page.wait_for_function(
        "() => parseInt(document.querySelector('iframe[data-pos-widget=frame]')"
        ".style.height) > 600"
    )
    frame.locator("button[data-submit]").click()
    widget_number = frame.locator("[data-number]").text_content().strip()
    widget_appeal = Appeal.objects.get(number=widget_number)
    assert widget_appeal.channel == Channel.WIDGET
    assert widget_appeal.widget_organisation == organisation
    # Escape inside the frame reaches the host page as a message, so the overlay
    # closes asynchronously once the confirmation page's script is listening.
    frame.locator("html[data-enhanced]").wait_for(state="attached")
    page.keyboard.press("Escape")
    page.wait_for_selector("[data-pos-widget=overlay]", state="detached", timeout=5000)
    assert page.locator("[data-pos-widget=overlay]").count() == 0
    cache.clear()
