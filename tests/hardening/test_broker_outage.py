"""Issue 16's fault run: while Redis restarted, a message was registered and then its
citizen was answered 500, because enqueueing the notifications after the commit raised.
The write stands, the outbox keeps the letters pending, the sweep sends them."""

from __future__ import annotations

import logging

import pytest
from django_q.conf import Conf

from cms.models import Notification, NotificationState
from cms.notifications.outbox import notify, notify_all
from tests.notifications.smtp import free_port


@pytest.fixture
def unanswering_redis_broker(monkeypatch):
    """django-q2's Redis broker, pointed where nothing listens."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", f"redis://127.0.0.1:{free_port()}/0")


def test_a_broker_that_does_not_answer_loses_no_letter_and_raises_nothing(
        db, unanswering_redis_broker, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.WARNING, logger="cms.notifications.outbox"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            notify(template="appeal_registered", email="anna@example.org",
                   dedup_key="one")
            notify_all([dict(template="appeal_registered", email="ivan@example.org",
                             dedup_key="two")])
    assert len(callbacks) == 2
    assert set(Notification.objects.values_list("dedup_key", "state")) == {
        ("one", NotificationState.PENDING), ("two", NotificationState.PENDING)}
    assert "the broker did not answer" in caplog.text
