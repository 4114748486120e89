"""Integration: the sweep run by a real django-q2 worker (`manage.py qcluster`) against the
test database, twice — each warning recorded and e-mailed once."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ, Schedule
from django_q.tasks import async_task, result

from cms.models import Notification, Status
from plugins.fasttrack.models import DeadlineWarning
from tests.notifications.workers import postgres_url
from tests.qcluster import running_qcluster

from .conftest import move, register

SWEEP = "plugins.fasttrack.tasks.sweep_deadlines_task"
WAIT_SECONDS = 60


@pytest.fixture
def worker(tmp_path):
    """`manage.py qcluster` on the test database; stopped with SIGINT to its main PID
    (SIGTERM to its process group hangs it)."""
    if connection.vendor != "postgresql":
        pytest.skip("The worker shares the test database: PostgreSQL only.")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pos_site.settings.test",
           "POS_Q_SYNC": "0", "DATABASE_URL": postgres_url(), "Q_WORKERS": "2"}
    with running_qcluster(env, tmp_path / "qcluster.log") as process:
        yield process


def run_on_worker(process) -> dict:
    task_id = async_task(SWEEP, sync=False)
    outcome = result(task_id, wait=WAIT_SECONDS * 1000)
    assert process.poll() is None, "the worker stopped"
    assert outcome is not None, "the worker did not run the sweep in time"
    return outcome


def wait_until_queue_empty(process) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while OrmQ.objects.exists():
        assert process.poll() is None, "the worker stopped"
        assert time.monotonic() < deadline, "queued tasks were not run in time"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_and_warns_once(region, worker):
    # The scheduler in the cluster would run the same sweep; keep this run explicit.
    Schedule.objects.filter(func=SWEEP).update(next_run=timezone.now() + timedelta(days=1))
    from django.contrib.auth import get_user_model

    executor = get_user_model().objects.get(username="executor")
    started = timezone.now() - timedelta(days=40)
    appeal = register("01.01", started, region=region, organisation_code="adm-gorsk",
                      executor=executor)
    move(appeal, Status.IN_WORK, started + timedelta(days=1))

    first = run_on_worker(worker)
    assert first == {"marked_overdue": 1, "overdue_warnings": 1, "due_soon_warnings": 1,
                     "enqueued": 2}
    wait_until_queue_empty(worker)
    notifications = Notification.objects.filter(dedup_key__startswith="fasttrack:")
    assert sorted(notifications.values_list("template", "recipient__username")) == [
        ("fasttrack/email/overdue.txt", "curator"),
        ("fasttrack/email/stage_due.txt", "coordinator"),
        ("fasttrack/email/stage_due.txt", "executor"),
    ]
    assert set(notifications.values_list("state", flat=True)) == {"sent"}

    second = run_on_worker(worker)
    assert second == {"marked_overdue": 0, "overdue_warnings": 0, "due_soon_warnings": 0,
                      "enqueued": 0}
    wait_until_queue_empty(worker)
    assert DeadlineWarning.objects.filter(appeal=appeal).count() == 2
    assert notifications.count() == 3
    appeal.refresh_from_db()
    assert appeal.is_overdue
