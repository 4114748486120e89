"""Finding 4 of issue 11, the demo's own worker: `manage.py qcluster` on the demo's
SQLite database, while another process keeps registering (writing notifications and
enqueuing their tasks, each three times), sends each notification once to a real SMTP
server on loopback, and its log holds neither "database is locked" nor "Cannot operate
on a closed database" (what the demo's worker logged before). The worker count is the
demo's default on SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings

from cms.models import NotificationState
from tests.notifications.workers import report, worker_environ
from tests.qcluster import running_qcluster

COUNT = 12
WAIT_SECONDS = 90


def run(args: list[str], environ: dict) -> str:
    done = subprocess.run([sys.executable, *args], cwd=Path(settings.BASE_DIR),
                          env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_demo_worker_on_sqlite_sends_each_notification_once(slow_smtp_server,
                                                                 tmp_path):
    environ = worker_environ(f"sqlite:///{tmp_path / 'demo.sqlite3'}",
                             slow_smtp_server.environ())
    environ.pop("Q_WORKERS", None)  # the demo's default on SQLite
    environ["POS_Q_SYNC"] = "0"
    run(["manage.py", "migrate", "--no-input", "-v0"], environ)
    log = tmp_path / "qcluster.log"
    with running_qcluster(environ, log) as cluster:
        # The web process writes while the worker claims, sends and records.
        pks = json.loads(run(["-m", "tests.issue11.sqlite_demo", "register", str(COUNT),
                              "4"], environ))
        deadline = time.monotonic() + WAIT_SECONDS
        while (len(slow_smtp_server.inbox.messages) < COUNT
               or run(["-m", "tests.issue11.sqlite_demo", "queued"], environ).strip()
               != "0"):
            assert cluster.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        time.sleep(1)  # a duplicate still on its way would arrive now
    output = log.read_text()

    inbox = slow_smtp_server.inbox.messages
    recipients = Counter(str(letter["To"]) for letter in inbox)
    expected = Counter(f"staff{index}@example.org" for index in range(COUNT))
    assert recipients == expected, recipients
    states = {tuple(row[1:]) for row in report(environ) if row[0] in pks}
    assert states == {(NotificationState.SENT, 1)}, states
    assert "database is locked" not in output, output
    assert "closed database" not in output, output
