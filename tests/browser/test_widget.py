"""The widget in a real browser (issue 11, finding 5): after sending, the frame shrinks to
the confirmation and brings it into view. (English on request: tests/display/test_widget.py.)
The form's script is deferred, so a category may be chosen before it runs: the frame
loads late on a busy host page, and a quick hand gets there first."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories
from tests.browser.test_portal import fill_pothole, host_site  # noqa: F401 (fixture)

FRAME = "iframe[data-pos-widget=frame]"


def signed_in(page, live_server):
    client = Client()
    client.force_login(factories.user(first_name="Анна", last_name="Иванова",
                                      email="anna@example.org"))
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[django_settings.SESSION_COOKIE_NAME]
                               .value, "url": live_server.url}])


def frame_height(page) -> int:
    return page.eval_on_selector(FRAME, "f => f.getBoundingClientRect().height")


def test_after_sending_the_frame_fits_the_confirmation_in_view(
        page, live_server, demo, host_site, no_outside_requests):  # noqa: F811
    create_demo_pages(demo)
    general = SubmissionPage.objects.get(slug="general")
    set_page, port = host_site
    organisation = factories.organisation("adm-gorsk")
    organisation.website_domains = [f"localhost:{port}"]
    organisation.save()
    signed_in(page, live_server)
    set_page("/", f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
        <title>Host</title></head><body><h1>Host</h1>
        <script src="{live_server.url}/widget/pos-widget.js"></script>
        <script>PosWidget.init("{live_server.url}{general.url}widget/", {organisation.pk});
        </script></body></html>""".encode())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"http://localhost:{port}/")
    # The Russian wording of the catalogue ("Сообщить о проблеме", "Форма сообщения").
    with translation.override("ru"):
        button, title = gettext("Report a problem"), gettext("Message form")
    assert page.text_content("[data-pos-widget=open]") == button
    page.click("[data-pos-widget=open]")
    assert page.get_attribute(FRAME, "title") == title
    frame = page.frame_locator(FRAME)
    fill_pothole(frame, "Яма у администрации")
    page.wait_for_function(f"() => document.querySelector('{FRAME}').getBoundingClientRect()"
                           ".height > 800")
    tall = frame_height(page)
    frame.locator("button[data-submit]").click()
    frame.locator("[data-number]").wait_for()
    page.wait_for_function(f"() => document.querySelector('{FRAME}').getBoundingClientRect()"
                           f".height < {tall / 2}")
    # The confirmation is inside the host's viewport, not below blank space.
    top = page.eval_on_selector(FRAME, "f => f.getBoundingClientRect().top")
    number_top = frame.locator("[data-number]").bounding_box()["y"]
    assert 0 <= top < 800 and 0 <= number_top < 800
    # The host page is this test's own loopback server standing for the organisation's
    # site, not a third party.
    no_outside_requests[:] = [url for url in no_outside_requests
                              if not url.startswith(f"http://localhost:{port}/")]


def test_a_category_chosen_before_the_script_ran_still_lists_its_subcategories(
        page, live_server, demo):
    create_demo_pages(demo)
    general = SubmissionPage.objects.get(slug="general")
    signed_in(page, live_server)
    # Hold the script back so the choice lands first, as it does when the script is late.
    page.route("**/portal/portal.js", lambda route: route.abort())
    page.goto(live_server.url + general.url)
    sub = factories.subcategory("01.01")
    page.locator("select[name=category]").select_option(str(sub.category_id))
    page.unroute("**/portal/portal.js")
    page.add_script_tag(url=page.eval_on_selector("script[src*='portal.js']", "s => s.src"))
    page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")
    page.locator("select[name=subcategory]").select_option(str(sub.pk), timeout=5000)
    assert page.input_value("select[name=subcategory]") == str(sub.pk)
