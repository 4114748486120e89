"""The citizen's history (issue 11, finding 8): every public step, redirects included;
no deadline on a finished message; pauses in human words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import AppealEvent, EventKind, Status
from cms.portal.history import extension_words
from cms.workflow import actions
from tests import factories
from tests.workflow.builders import citizen, demo_staff, message

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def staff(demo):
    return demo_staff()


def page_text(appeal) -> str:
    from django.test import Client
    client = Client()
    client.force_login(appeal.citizen)
    response = client.get(reverse("portal:message", args=[appeal.public_id]))
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True)


def history_text(appeal) -> str:
    from django.test import Client
    client = Client()
    client.force_login(appeal.citizen)
    response = client.get(reverse("portal:message", args=[appeal.public_id]))
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup.select_one("ol.history").get_text(" ", strip=True)


def test_a_redirect_shows_in_the_history_as_back_on_moderation(staff):
    appeal = message(Status.ON_MODERATION, author=citizen())
    actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
    actions.do_redirect_appeal(appeal.pk, staff["coordinator"],
                               factories.organisation("uad"), "Дорога областная, не наша")
    history = history_text(appeal)
    # The last line agrees with the status: back on moderation.
    assert history.rstrip().endswith("Статус: На модерации")
    # The coordinator's reason is for the moderator, not for the citizen.
    assert "Дорога областная" not in page_text(appeal)


@pytest.mark.parametrize("status", [Status.ANSWERED, Status.CLOSED])
def test_a_reopened_message_shows_the_reopening_in_the_history(staff, status):
    appeal = message(status, author=citizen())
    actions.do_reopen_appeal(appeal.pk, staff["curator"], "Ответ не по существу")
    # The citizen was written to with the reason; the history says so, with the reason.
    assert "Статус: В работе Ответ не по существу" in history_text(appeal)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.CLOSED])
def test_a_finished_message_shows_no_deadline(status):
    appeal = message(status, deadline=timezone.now() + timedelta(days=3))
    text = page_text(appeal)
    assert "Срок ответа" not in text


def test_an_open_message_still_shows_its_deadline():
    appeal = message(Status.IN_WORK, deadline=timezone.now() + timedelta(days=3))
    assert "Срок ответа" in page_text(appeal)


def _pause_event(appeal, moved: timedelta, explanation: str):
    old = timezone.now() + timedelta(days=5)
    AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.DEADLINE_CHANGED, from_value=old.isoformat(),
        to_value=(old + moved).isoformat(), reason=explanation, is_public=True)


def test_a_pause_reads_in_human_words_and_a_zero_pause_not_at_all():
    appeal = message(Status.ON_MODERATION, deadline=timezone.now() + timedelta(days=5))
    _pause_event(appeal, timedelta(0),
                 "Пересчитано: часы приостановлены на 0.0 рабочих часов")
    _pause_event(appeal, timedelta(hours=3), "Пересчитано по производственному календарю")
    history = history_text(appeal)
    assert "0.0" not in history and "Пересчитано" not in history
    # Russian once the catalogue has the msgid ("russian" owns locale/), English before.
    assert "Срок продлён на 3 часа" in history or "extended by 3 hours" in history
    assert history.count("Срок ответа") == 1  # the zero pause wrote no line


def test_extension_words_count_with_plurals():
    with translation.override("en"):
        assert extension_words(timedelta(hours=1)) == "The deadline was extended by 1 hour."
        assert extension_words(timedelta(hours=5)) == "The deadline was extended by 5 hours."
        assert extension_words(timedelta(days=2)) == "The deadline was extended by 2 days."
        assert extension_words(timedelta(minutes=20)) == ""
