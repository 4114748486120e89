"""The "Region settings" page in a browser, in Russian: the menu item, a section per
plugin, saving them together, and an error shown next to its field."""

from __future__ import annotations

import os

import pytest

from plugins.fasttrack.models import FastTrackSettings
from plugins.routing.models import RoutingSettings, WidgetPolicy
from tests.example_plugin.models import ExampleSettings
from tests.workflow.builders import demo_staff

PASSWORD = "pw"
# Set POS_SCREENSHOTS to a folder to keep a picture of the page for review.
SCREENSHOTS = os.environ.get("POS_SCREENSHOTS")


@pytest.fixture
def editor(transactional_db, demo):
    user = demo_staff()["editor"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_editor_saves_the_region_settings(editor, admin_login, live_server, demo):
    page = admin_login(editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.locator('nav a[href="/admin/region-settings/"]').click()
    page.wait_for_url(f"{live_server.url}/admin/region-settings/{demo.pk}/")

    headings = page.locator("[data-settings-section] > h2").all_inner_texts()
    # The core's two (workflow, national view), retention, routing, fast tracks, rating,
    # the example.
    assert len(headings) == 7
    assert all(heading and heading[0].isupper() for heading in headings)
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1280, "height": 1800})
        page.screenshot(path=os.path.join(SCREENSHOTS, "region_settings.png"))

    page.check(f"input[name=routing-routingsettings-widget_policy][value={WidgetPolicy.ALWAYS}]")
    page.fill("input[name=fasttrack-fasttracksettings-warning_lead_hours]", "6")
    page.fill("input[name=example_plugin-examplesettings-greeting]", "Здравствуйте")
    page.click("form[data-region-settings] button[type=submit]")
    page.wait_for_selector(".messages .success, .messages [class*=success]")

    assert RoutingSettings.for_region(demo).widget_policy == WidgetPolicy.ALWAYS
    assert FastTrackSettings.for_region(demo).warning_lead_hours == 6
    assert ExampleSettings.for_region(demo).greeting == "Здравствуйте"


def test_an_error_is_shown_next_to_its_field(editor, admin_login, live_server, demo):
    page = admin_login(editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/region-settings/{demo.pk}/")
    page.fill("input[name=example_plugin-examplesettings-greeting]", "Не сохранится")
    page.fill("input[name=fasttrack-fasttracksettings-warning_lead_hours]", "0")
    page.click("form[data-region-settings] button[type=submit]")

    field = page.locator("[data-settings-section=fasttrack-fasttracksettings] "
                         "[data-field-wrapper]:has(input[name$=warning_lead_hours])")
    assert field.locator(".error-message").inner_text().strip()
    if SCREENSHOTS:
        page.locator("[data-settings-section=fasttrack-fasttracksettings]").screenshot(
            path=os.path.join(SCREENSHOTS, "region_settings_error.png"))
    assert not ExampleSettings.objects.filter(region=demo).exists()
