"""Finding 4 through the real worker: `manage.py qcluster` with two workers, every
notification's task enqueued several times (a re-delivered or retried task), sends each
notification once to a real SMTP server on loopback."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db import connection
from django_q.models import OrmQ
from django_q.tasks import async_task

from cms.models import Notification, NotificationState
from tests.qcluster import running_qcluster

from .race_worker import letter
from .workers import postgres_url, worker_environ

COUNT = 6
WAIT_SECONDS = 60


@pytest.fixture
def qcluster(tmp_path, slow_smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database: PostgreSQL only.")
    environ = {**worker_environ(postgres_url(), slow_smtp_server.environ()),
               "POS_Q_SYNC": "0", "Q_WORKERS": "2"}
    with running_qcluster(environ, tmp_path / "qcluster.log") as process:
        yield process


@pytest.mark.django_db(transaction=True)
def test_a_real_cluster_sends_each_notification_once(qcluster, slow_smtp_server):
    rows = [Notification.objects.create(**letter(index), dedup_key=f"race:{index}")
            for index in range(COUNT)]
    for _copy in range(3):
        for row in rows:
            async_task("cms.notifications.tasks.send_notification_task", row.pk, sync=False)
    for _copy in range(2):
        async_task("cms.notifications.tasks.send_notifications_task",
                   [row.dedup_key for row in rows], sync=False)

    deadline = time.monotonic() + WAIT_SECONDS
    while OrmQ.objects.exists() or len(slow_smtp_server.inbox.messages) < COUNT:
        assert qcluster.poll() is None, "the worker stopped"
        assert time.monotonic() < deadline, "the worker did not send in time"
        time.sleep(0.2)
    time.sleep(1)  # a duplicate still on its way would arrive now

    recipients = Counter(str(message["To"]) for message in slow_smtp_server.inbox.messages)
    assert recipients == Counter(f"staff{index}@example.org" for index in range(COUNT))
    assert set(Notification.objects.values_list("state", "attempts")) == {
        (NotificationState.SENT, 1)}
