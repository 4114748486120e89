"""Notifications: recorded in the outbox, retried on failure, visible when they give up."""

import pytest
from django.core import mail

from cms.models import Notification, NotificationState, Status
from cms.notifications import outbox
from cms.notifications.tasks import retry_pending_notifications_task
from cms.workflow import actions
from tests.workflow.builders import demo_staff, message


class Outage:
    """An SMTP server that is down for the first `failures` letters."""

    def __init__(self, failures):
        self.failures = failures

    def __call__(self, *args, **kwargs):
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionRefusedError("smtp down")
        return mail.send_mail(*args, **kwargs)


@pytest.fixture
def rejected(demo, django_capture_on_commit_callbacks):
    """A rejection whose letter to the citizen is recorded but not yet sent."""
    appeal = message(Status.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=False):
        actions.do_reject_appeal(appeal.pk, demo_staff()["moderator"], "Не проблема")
    return Notification.objects.get(appeal=appeal, template="appeal_rejected")


def test_a_failed_delivery_is_recorded_and_retried(rejected, monkeypatch):
    monkeypatch.setattr(outbox, "send_mail", Outage(failures=1))
    assert outbox.send_notification(rejected.pk) is False
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.PENDING and rejected.attempts == 1
    assert "smtp down" in rejected.last_error
    # The scheduled sweep picks it up again (tasks run inline in the tests).
    assert retry_pending_notifications_task() == 1
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.SENT and rejected.attempts == 2
    assert "Не проблема" in mail.outbox[-1].body


def test_after_the_last_attempt_it_waits_for_a_person(rejected, monkeypatch, client,
                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "send_mail", Outage(failures=outbox.MAX_ATTEMPTS))
    for _attempt in range(outbox.MAX_ATTEMPTS):
        outbox.send_notification(rejected.pk)
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.FAILED
    assert retry_pending_notifications_task() == 0

    editor = demo_staff()["editor"]
    client.force_login(editor)
    failed_page = client.get("/admin/oversight/failed/").content.decode()
    assert rejected.email in failed_page
    menu = client.get("/admin/").content.decode().encode().decode("unicode_escape")
    assert "Недоставленные уведомления (1)" in menu  # Russian by default
    letter = client.get(f"/admin/oversight/failed/inspect/{rejected.pk}/").content.decode()
    assert "Не проблема" in letter

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/oversight/outbox/{rejected.pk}/retry/")
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.state == NotificationState.SENT
    assert rejected.attempts == outbox.MAX_ATTEMPTS + 1


def test_staff_outside_the_region_administration_see_no_outbox(rejected, client):
    client.force_login(demo_staff()["moderator"])
    assert client.get("/admin/oversight/outbox/").status_code in (302, 403)
    response = client.post(f"/admin/oversight/outbox/{rejected.pk}/retry/")
    rejected.refresh_from_db()
    assert response.status_code == 302 and rejected.attempts == 0


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("template", [
    "appeal_registered", "clarification_requested", "appeal_rejected", "appeal_postponed",
    "appeal_answered", "queue_new_message", "returned_for_rework", "approval_waiting",
])
def test_every_letter_renders(template, language, demo):
    appeal = message(Status.ON_MODERATION)
    letter = Notification(template=template, email="x@example.org", appeal=appeal, context={
        "number": appeal.number, "status": "On moderation", "reason": "Причина",
        "question": "Вопрос", "due": "01.12.2026", "reasons": "Сезон", "until": "20.12.2026",
        "answer": "Ответ", "link": "https://pos.example/my/1/", "language": language})
    subject, body = outbox.render(letter)
    assert appeal.number in subject and appeal.number in body
    assert "{" not in subject + body
