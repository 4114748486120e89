"""A message to a fast-tracked subcategory of the demo: staff see the badge and the stage
deadlines on its admin page; the citizen sees its shorter deadline on their page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cms.notifications.workflow import citizen_link
from cms.portal.templatetags.portal_tags import due_date
from cms.submission.registration import NewAppeal, do_register_appeal
from plugins.fasttrack.deadlines import region_calendar, stage_days
from plugins.fasttrack.models import AppealClock
from plugins.fasttrack.planning import plan_stages
from tests import factories

PASSWORD = "demo"


def test_a_fast_tracked_message_shows_its_deadline_and_badge(page, live_server, demo,
                                                             admin_login):
    sub = factories.subcategory("06.05")  # no heating: the demo's 24 working hours
    citizen = factories.user("fast-citizen", email="fast@example.org")
    appeal, _ = do_register_appeal(NewAppeal(
        region=demo, citizen=citizen, category=sub.category, subcategory=sub,
        territory=factories.territory("gorsk"), text="В квартире нет отопления."))
    assert appeal.is_fast_track
    clock = AppealClock.objects.get(appeal=appeal)
    without_track = plan_stages(region_calendar(demo), clock.started_at, stage_days(sub))
    assert appeal.deadline < without_track.due_at  # shorter than 1 + 4 + 1 working days
    curator = get_user_model().objects.get(username="curator")
    curator.set_password(PASSWORD)
    curator.save(update_fields=["password"])

    admin_login("curator", PASSWORD)
    page.goto(f"{live_server.url}/admin/messages/{appeal.pk}/")
    panel = page.locator(".fasttrack-stages")
    assert panel.locator(".fasttrack-badge").is_visible()
    assert panel.locator("tr[data-stage]").count() == 3
    local = timezone.localtime(appeal.deadline, demo.tzinfo).strftime("%d.%m.%Y %H:%M")
    assert local in panel.locator("tr[data-stage=approval]").inner_text()

    client = Client()
    client.force_login(citizen)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}{urlsplit(citizen_link(appeal)).path}")
    assert page.locator("[data-deadline]").inner_text().strip() == due_date(appeal)
