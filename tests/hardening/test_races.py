"""Finding 2 and point 3 of issue 16: two requests at once on every write path, through
a real server (`runserver`, one thread per request, each with its own connection), on
PostgreSQL and on a migrated SQLite file with the demo's settings (IMMEDIATE
transactions, a busy timeout).

Every staff action is posted twice at the same moment (two people who may both take it;
the executor's own actions by the executor twice, a double click): one wins (302), the
other gets the 409 "changed by …" page; the action is recorded once. A citizen's form
posted twice at once registers exactly one message, and both posts land on its
confirmation. Never a 500, never a lost or doubled message.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from tests.notifications.smtp import free_port
from tests.notifications.workers import postgres_url, run, worker_environ
from tests.portal.conftest import jpeg_bytes

VERSIONED_OUTCOME = [302, 409]


@contextmanager
def app_server(environ: dict, log_path: Path):
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
             "--skip-checks"], cwd=Path(settings.BASE_DIR), env=environ, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    requests.get(f"{base}/admin/login/", timeout=5)
                    break
                except requests.ConnectionError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(log_path.read_text()) from None
                    time.sleep(0.3)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only its children
                process.wait()


def client(session_key: str) -> requests.Session:
    """A browser of a logged-in user; its CSRF cookie and the token it posts."""
    browser = requests.Session()
    browser.csrf = secrets.token_hex(16)  # 32 characters: an unmasked secret
    browser.cookies.set("sessionid", session_key)
    browser.cookies.set("csrftoken", browser.csrf)
    return browser


def at_once(*posts) -> list[requests.Response]:
    """Send the posts in threads released together; their responses, in order."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index, post):
        browser, url, data, *files = post
        barrier.wait()
        responses[index] = browser.post(url, data={**data,
                                                   "csrfmiddlewaretoken": browser.csrf},
                                         files=files[0] if files else None,
                                         allow_redirects=False, timeout=120)

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return responses


def race_every_write_path(environ: dict, tmp_path: Path) -> None:
    environ = {**environ, "ATTACHMENTS_ROOT": str(tmp_path / "attachments")}
    plan = json.loads(run(["-m", "tests.hardening.race_app", "setup"], environ))
    outcomes = {}
    with app_server(environ, tmp_path / "server.log") as base:
        for case in plan["actions"]:
            url = f"{base}/admin/messages/{case['appeal']}/act/{case['action']}/"
            responses = at_once(*[(client(key), url, case["post"])
                                  for key in case["sessions"]])
            outcomes[case["action"]] = sorted(r.status_code for r in responses)

        submission = plan["submission"]
        key = str(uuid.uuid4())
        browser = client(submission["session"])
        data = {**submission["post"], "idempotency_key": key}
        photo = {"files": ("pothole.jpg", jpeg_bytes(), "image/jpeg")}
        double = at_once(*[(browser, f"{base}{submission['url']}", data, photo)] * 2)
    log = (tmp_path / "server.log").read_text()
    print({action: codes for action, codes in outcomes.items()})

    assert "Traceback" not in log, log
    assert outcomes == {case["action"]: VERSIONED_OUTCOME for case in plan["actions"]}, (
        outcomes)
    after = json.loads(run(["-m", "tests.hardening.race_app", "report"], environ))["appeals"]
    for case in plan["actions"]:
        assert after[str(case["appeal"])]["actions"] == 1, (case["action"],
                                                            after[str(case["appeal"])])
    # The double-submitted form: one message, and both posts show its confirmation.
    assert [r.status_code for r in double] == [302, 302], [
        re.findall(r'class="errorlist[^>]*>(.*?)</ul>', r.text, re.DOTALL) for r in double]
    assert double[0].headers["Location"] == double[1].headers["Location"]
    assert [row["idempotency_key"] for row in after.values()].count(key) == 1


@pytest.mark.django_db(transaction=True)
def test_every_write_path_raced_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The server shares the test database: PostgreSQL only.")
    race_every_write_path(worker_environ(postgres_url(), {}), tmp_path)


def test_every_write_path_raced_on_the_demos_sqlite(migrated_sqlite, tmp_path):
    race_every_write_path(worker_environ(migrated_sqlite, {}), tmp_path)
