"""A real django-q2 worker (`manage.py qcluster`) on the test database runs the retention
task: the message is anonymised and the run recorded."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, result

from cms.models import AuditRecord
from tests.notifications.workers import postgres_url
from tests.qcluster import running_qcluster

from .builders import citizen, closed_message, years_ago

TASK = "cms.retention.tasks.anonymise_personal_data_task"
WAIT_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_task(demo, tmp_path):
    # The cluster's scheduler would run the same task; keep this run explicit.
    Schedule.objects.filter(func=TASK).update(next_run=timezone.now() + timedelta(days=1))
    appeal = closed_message(citizen(), years_ago(6))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pos_site.settings.test",
           "POS_Q_SYNC": "0", "DATABASE_URL": postgres_url(), "Q_WORKERS": "1"}
    with running_qcluster(env, tmp_path / "qcluster.log") as process:
        task_id = async_task(TASK, sync=False)
        outcome = result(task_id, wait=WAIT_SECONDS * 1000)
        assert process.poll() is None, "the worker stopped"
    assert outcome is not None, "the worker did not run the task in time"
    assert outcome["demo"]["messages"] == 1
    appeal.refresh_from_db()
    assert "anonymised_at" in appeal.citizen_snapshot
    assert AuditRecord.objects.filter(data__task="retention", data__region="demo",
                                      data__messages=1).count() == 1
