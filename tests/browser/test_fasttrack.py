"""A message to a fast-tracked subcategory of the demo: staff see the badge and the stage
deadlines on its admin page; the citizen sees its shorter deadline on their page."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cms.notifications.workflow import citizen_link
from cms.submission.registration import NewAppeal, do_register_appeal
from tests import factories

PASSWORD = "demo"
SAMARA = ZoneInfo("Europe/Samara")  # the demo region's zone
# Registered on Monday 2 March 2026 at 10:00: the demo's 24 working hours (9:00–18:00)
# for no heating end on Wednesday 4 March at 16:00 (8 + 9 + 7 hours), where the
# regular 1 + 4 + 1 working days would end on 11 March (9 March is a holiday).
REGISTERED = datetime(2026, 3, 2, 10, 0, tzinfo=SAMARA)
FAST_DEADLINE = datetime(2026, 3, 4, 16, 0, tzinfo=SAMARA)


def test_a_fast_tracked_message_shows_its_deadline_and_badge(page, live_server, demo,
                                                             admin_login, monkeypatch):
    sub = factories.subcategory("06.05")  # no heating
    citizen = factories.user("fast-citizen", email="fast@example.org")
    with monkeypatch.context() as frozen:
        frozen.setattr(timezone, "now", lambda: REGISTERED)
        appeal, _ = do_register_appeal(NewAppeal(
            region=demo, citizen=citizen, category=sub.category, subcategory=sub,
            territory=factories.territory("gorsk"), text="В квартире нет отопления."))
    assert appeal.is_fast_track
    assert appeal.deadline == FAST_DEADLINE
    curator = get_user_model().objects.get(username="curator")
    curator.set_password(PASSWORD)
    curator.save(update_fields=["password"])

    admin_login("curator", PASSWORD)
    page.goto(f"{live_server.url}/admin/messages/{appeal.pk}/")
    panel = page.locator(".fasttrack-stages")
    assert panel.locator(".fasttrack-badge").is_visible()
    assert panel.locator("tr[data-stage]").count() == 3
    assert "04.03.2026 16:00" in panel.locator("tr[data-stage=approval]").inner_text()

    client = Client()
    client.force_login(citizen)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}{urlsplit(citizen_link(appeal)).path}")
    assert page.locator("[data-deadline]").inner_text().strip() == "4 марта 2026 г. 16:00"
