"""Issue 16's fault "kill a worker while it delivers": nothing lost, nothing sent twice.

A real worker process sends one notification to a real SMTP server on loopback that
stalls at a chosen point of the conversation; the test kills the worker there with
SIGKILL, then runs the sweep a scheduled task runs once the claim is stale
(`release_stale_claims_task`; the test ages the claim instead of waiting two minutes).

- Killed before the dot that ends DATA: the server cannot have the letter, so the sweep
  sends it again by itself, and the server ends up with exactly one.
- Killed after the dot, waiting for the server's reply: the server has the letter, so it
  is never sent again by itself; a person is told it may have been delivered.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from cms.models import Notification, NotificationState
from cms.notifications import outbox
from cms.notifications.tasks import release_stale_claims_task

from .race_worker import letter
from .smtp import Inbox, SMTPServer, send_here
from .workers import postgres_url, worker_environ

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the worker process shares the test database"),
    pytest.mark.django_db(transaction=True),
]


class StallingInbox(Inbox):
    """Holds the conversation at `stall` ("RCPT": before the letter is sent; "DATA": the
    letter received, the reply not yet given) until `release` is set."""

    def __init__(self, stall: str):
        super().__init__()
        self.stall, self.stalled, self.release = stall, threading.Event(), threading.Event()

    async def _hold(self):
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall == "RCPT" and not self.release.is_set():
            await self._hold()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.stall == "DATA" and not self.release.is_set():
            await self._hold()
        return reply


def stalling_server(stall: str) -> SMTPServer:
    return SMTPServer(inbox=StallingInbox(stall))


def kill_worker_at_the_stall(server: SMTPServer, notification: Notification, tmp_path):
    """A worker process sends `notification`; killed once the server stalls."""
    (tmp_path / "start").mkdir()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.notifications.race_worker", "send",
         str(tmp_path / "start"), "1", str(notification.pk)],
        cwd=Path(settings.BASE_DIR), env=worker_environ(postgres_url(), server.environ()),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.inbox.stalled.wait(120), worker.communicate(timeout=5)[0]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        server.inbox.release.set()


def age_the_claim(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=notification.claimed_at - outbox.STALE_CLAIM)


def test_killed_before_the_letter_is_handed_over_it_is_sent_again_once(settings, tmp_path):
    notification = Notification.objects.create(**letter(0))
    with stalling_server("RCPT") as server:
        kill_worker_at_the_stall(server, notification, tmp_path)
        notification.refresh_from_db()
        assert (notification.state, notification.handed_at) == (NotificationState.SENDING,
                                                                None)
        assert release_stale_claims_task() == 0  # not stale yet: the worker may be alive

        age_the_claim(notification)
        send_here(settings, server.port)
        assert release_stale_claims_task() == 1  # sent again (tasks run inline here)
        server.inbox.wait_for(1)

    notification.refresh_from_db()
    assert len(server.inbox.messages) == 1
    assert str(server.inbox.messages[0]["To"]) == notification.email
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)


def test_killed_after_the_letter_is_handed_over_a_person_decides(settings, tmp_path):
    notification = Notification.objects.create(**letter(0))
    with stalling_server("DATA") as server:
        kill_worker_at_the_stall(server, notification, tmp_path)
        notification.refresh_from_db()
        assert notification.state == NotificationState.SENDING
        assert notification.handed_at is not None

        age_the_claim(notification)
        send_here(settings, server.port)
        assert release_stale_claims_task() == 0

    notification.refresh_from_db()
    assert len(server.inbox.messages) == 1  # delivered by the killed worker, not again
    assert notification.state == NotificationState.FAILED
    assert notification.last_error == outbox.may_have_gone_out()


def test_a_letter_sent_while_the_database_restarts_is_recorded_sent(smtp_settings):
    """The worker's connection dies between the server's "250" and the record (a
    PostgreSQL restart): the record is written on a new connection, so the letter is
    not left claimed, and then handed to a person, for nothing."""
    notification = Notification.objects.create(**letter(0))
    deliver = outbox.deliver

    def deliver_then_lose_the_connection(message, hand_over):
        deliver(message, hand_over)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        # Ended from outside, as a restart ends it: the worker finds out on its next use.
        with psycopg2.connect(postgres_url()) as other, other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    outbox.deliver = deliver_then_lose_the_connection
    try:
        assert outbox.send_notification(notification.pk) is True
    finally:
        outbox.deliver = deliver
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert len(smtp_settings.inbox.messages) == 1
