"""Internal notes and public text (issue 11, finding 7): the moderator's note for the
organisation never reaches the citizen; staff see it; each form says who reads it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from cms.models import AppealEvent, EventKind, Status
from cms.workflow import actions
from tests.workflow.builders import demo_staff, message

NOTE = "Внутреннее: заявитель скандальный, звонить не надо"


@pytest.fixture
def staff(demo):
    return demo_staff()


def test_the_moderators_note_is_internal(staff):
    appeal = message(Status.ON_MODERATION)
    actions.do_pass_on_appeal(appeal.pk, staff["moderator"], note=NOTE)
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.STATUS_CHANGED)
    assert event.internal_note == NOTE and event.reason == ""

    client = Client()
    client.force_login(appeal.citizen)
    response = client.get(reverse("portal:message", args=[appeal.public_id]))
    text = BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True)
    assert "Направлено в организацию" in text
    assert NOTE not in text


def test_staff_still_read_the_note_in_the_timeline(staff):
    from cms.staff_admin.display import describe_event
    appeal = message(Status.ON_MODERATION)
    actions.do_pass_on_appeal(appeal.pk, staff["moderator"], note=NOTE)
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.STATUS_CHANGED)
    assert NOTE in describe_event(event, appeal.region.tzinfo).why
