"""Similar messages in a real browser: the citizen's form shows "already reported" as
soon as the place is filled in (the plugin's script, asking this site only), and the
moderator rejects a duplicate with one click from the message's page."""

from __future__ import annotations

import pytest

from cms.models import Status
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories
from tests.browser.staff_steps import PASSWORD, browse_as, with_password
from tests.workflow.builders import message

SHOTS = "/tmp/similar/shots"
POTHOLE = "Большая яма на дороге у дома 5 по улице Ленина, машины бьют колёса"


@pytest.fixture
def reported(db, demo):
    create_demo_pages(demo)
    return message(Status.IN_WORK, text=POTHOLE, address="ул. Ленина, 5")


def test_the_citizen_sees_already_reported_when_the_place_is_filled(reported, page,
                                                                   live_server):
    citizen = factories.user(first_name="Анна", last_name="Иванова")
    browse_as(page, live_server, citizen)
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    general = SubmissionPage.objects.get(slug="general")
    page.goto(f"{live_server.url}{general.url}")
    assert page.locator("[data-already-reported-list]").count() == 0
    sub = factories.subcategory("01.01")
    page.select_option("select[name=category]", str(sub.category_id))
    page.select_option("select[name=subcategory]", str(sub.pk))
    page.select_option("select[name=territory]", str(reported.territory_id))
    page.fill("input[name=address]", "ул. Ленина, 5")
    notice = page.locator("[data-already-reported-list]")
    notice.wait_for()
    assert reported.number in notice.inner_text()
    page.screenshot(path=f"{SHOTS}/already_reported.png", full_page=True)
    # The send button is still there and enabled: the citizen may send theirs.
    assert page.locator("[data-submit]").is_enabled()
    # Another place: the notice goes.
    page.fill("input[name=address]", "пр. Победы, 40")
    page.locator("[data-already-reported-list]").wait_for(state="detached")
    assert hosts == {live_server.url.split("/")[2]}


def test_the_moderator_rejects_a_duplicate_with_one_click(reported, page, live_server,
                                                          admin_login):
    duplicate = message(Status.ON_MODERATION, address="ул. Ленина, 5",
                        text="Яма на дороге у дома 5 по улице Ленина, бьют колёса машины")
    with_password(["moderator"])
    admin_login("moderator", PASSWORD)
    page.goto(f"{live_server.url}/admin/messages/{duplicate.pk}/")
    row = page.locator(f"[data-duplicate='{reported.number}']")
    assert reported.number in row.inner_text()
    page.screenshot(path=f"{SHOTS}/duplicates_panel.png", full_page=True)
    row.locator("button").click()
    page.wait_for_url(f"{live_server.url}/admin/messages/{duplicate.pk}/")
    page.locator("[data-original]").wait_for()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.REJECTED
    page.screenshot(path=f"{SHOTS}/duplicate_rejected.png", full_page=True)
