"""Finding 4: each notification gives at most one e-mail, whatever the database.

Two worker processes, each with its own database connection and the real outbox code,
race for the same outbox; a real SMTP server on loopback counts what it received.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from cms.models import Notification, NotificationState
from cms.notifications import outbox
from cms.notifications.tasks import retry_pending_notifications_task

from .race_worker import letter
from .smtp import Inbox, SMTPServer, free_port, send_here
from .workers import postgres_url, race, report, sqlite_database, worker_environ

COUNT = 8


def assert_one_letter_each(server, states):
    recipients = Counter(str(message["To"]) for message in server.inbox.messages)
    assert recipients == Counter(f"staff{index}@example.org" for index in range(COUNT)), (
        f"letters per recipient: {recipients}")
    assert {state for _pk, state, _attempts in states} == {NotificationState.SENT}
    assert {attempts for _pk, _state, attempts in states} == {1}


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_send_each_notification_once(slow_smtp_server, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The workers share the test database: PostgreSQL only.")
    pks = [Notification.objects.create(**letter(index)).pk for index in range(COUNT)]
    environ = worker_environ(postgres_url(), slow_smtp_server.environ())

    outcomes = race(pks, environ, tmp_path)

    assert [code for code, _output in outcomes] == [0, 0], outcomes
    states = list(Notification.objects.order_by("pk").values_list("pk", "state", "attempts"))
    assert_one_letter_each(slow_smtp_server, states)


def test_two_workers_on_the_demos_sqlite_send_each_notification_once(slow_smtp_server,
                                                                     tmp_path):
    """The demo's database: SQLite has no row locks (select_for_update does nothing), so
    only the claim keeps the second worker from sending a letter the first is sending."""
    environ, pks = sqlite_database(tmp_path / "demo.sqlite3", slow_smtp_server.environ(),
                                   COUNT)
    (tmp_path / "start").mkdir()

    outcomes = race(pks, environ, tmp_path / "start")

    assert [code for code, _output in outcomes] == [0, 0], outcomes
    assert_one_letter_each(slow_smtp_server, report(environ))


def test_plain_text_letters_reach_the_server_unescaped(smtp_settings, db):
    notification = Notification.objects.create(**letter(0))

    assert outbox.send_notification(notification.pk) is True

    (body,) = smtp_settings.inbox.bodies()
    assert 'Уточните "адрес" & <подъезд>' in body
    assert "&quot;" not in body and "&amp;" not in body and "&lt;" not in body


def test_a_claimed_notification_is_not_sent_again(smtp_settings, db):
    """A retried task, or the scheduled sweep, finds it claimed and sends nothing."""
    notification = Notification.objects.create(**letter(0))
    assert outbox.claim(notification.pk) is not None  # a worker took it and is sending

    assert outbox.send_notification(notification.pk) is True
    assert retry_pending_notifications_task() == 0
    assert outbox.retry_notification(notification.pk) is False
    assert smtp_settings.inbox.messages == []
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENDING, 1)
    assert notification.claimed_at is not None


def test_a_stale_claim_handed_over_is_handed_to_a_person_not_resent(smtp_settings, db):
    """A worker stopped after handing the letter over: the letter may be out, so the
    sweep marks it failed (a region administrator may retry it), never re-sends it."""
    notification = Notification.objects.create(**letter(0))
    outbox.claim(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - outbox.STALE_CLAIM - timedelta(minutes=1),
        handed_at=timezone.now() - outbox.STALE_CLAIM)

    assert retry_pending_notifications_task() == 0

    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.last_error  # what happened, for the person deciding
    assert smtp_settings.inbox.messages == []
    # The person's retry sends it, once.
    assert outbox.retry_notification(notification.pk) is True


def test_a_stale_claim_never_handed_over_is_sent_again_by_the_sweep(smtp_settings, db):
    """A worker stopped before handing the letter over: the server cannot have it, so
    the sweep sends it again by itself, once."""
    notification = Notification.objects.create(**letter(0))
    outbox.claim(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - outbox.STALE_CLAIM + timedelta(seconds=5))
    assert outbox.release_stale_claims() == []  # a live worker may still be sending it

    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - outbox.STALE_CLAIM - timedelta(seconds=5))
    assert retry_pending_notifications_task() == 1

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)
    assert len(smtp_settings.inbox.messages) == 1


def test_a_claim_is_stale_only_after_the_longest_a_task_may_run(settings):
    """django-q2 stops a task at its timeout: a younger claim may be a live worker's."""
    assert outbox.STALE_CLAIM.total_seconds() > settings.Q_CLUSTER["timeout"]


def test_the_letter_is_handed_over_just_before_the_final_dot(smtp_settings, db):
    """Until the hand-over the server holds nothing; after the send, the one letter."""
    seen_at_hand_over = []
    outbox.deliver(
        EmailMessage("Тема", "Текст", None, ["a@example.org"]),
        lambda: seen_at_hand_over.append(len(smtp_settings.inbox.messages)))
    assert seen_at_hand_over == [0]
    assert len(smtp_settings.inbox.messages) == 1


def assert_sent_on_the_second_attempt(settings, notification):
    """A server that works now gets the letter, once, on the second attempt."""
    with SMTPServer() as server:
        send_here(settings, server.port)
        assert outbox.send_notification(notification.pk) is True
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)
    assert len(server.inbox.messages) == 1


class HangingUpInbox(Inbox):
    """A server that goes away after the letter's final dot, before it answers."""

    async def handle_DATA(self, server, session, envelope):
        server.transport.close()
        return "250 never heard"


def test_a_letter_the_server_never_confirmed_is_tried_again(settings, db):
    """No "250" after the dot: by SMTP's rule the letter is not the server's (RFC 5321,
    6.1), so it is pending again, not left for a person; the next attempt sends it."""
    notification = Notification.objects.create(**letter(0))
    with SMTPServer(inbox=HangingUpInbox()) as server:
        send_here(settings, server.port)
        assert outbox.send_notification(notification.pk) is False
    notification.refresh_from_db()
    assert notification.state == NotificationState.PENDING
    assert notification.handed_at is not None and server.inbox.messages == []

    assert_sent_on_the_second_attempt(settings, notification)


def test_a_connection_cut_before_the_hand_over_delivers_nothing(smtp_settings, db):
    class WorkerStopped(Exception):
        pass

    def stop():
        raise WorkerStopped

    with pytest.raises(WorkerStopped):
        outbox.deliver(EmailMessage("Тема", "Текст", None, ["a@example.org"]), stop)
    smtp_settings.inbox.wait_for(1, seconds=1)
    assert smtp_settings.inbox.messages == []


def test_a_refused_letter_is_recorded_and_sent_on_the_next_attempt(settings, db):
    """The server refused the connection: nothing went out, so trying again is safe."""
    notification = Notification.objects.create(**letter(0))
    send_here(settings, free_port())  # nobody listens

    assert outbox.send_notification(notification.pk) is False
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.PENDING, 1)
    assert "Connection" in notification.last_error

    assert_sent_on_the_second_attempt(settings, notification)
