"""Issue 16, point 1: `scripts/stack` starts the production stack on loopback from the
files in deploy/, serves pages through nginx and static files from nginx itself, refuses
an oversized body in nginx, delivers mail to its SMTP sink, and `scripts/stack stop`
stops it all."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("STACK_TEST_PORT", "18080"))
SMTP_PORT = int(os.environ.get("STACK_TEST_SMTP_PORT", "18025"))


def get(path: str):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=20) as response:
        return response.status, dict(response.headers), response.read()


def stack_environment(stack_dir: Path) -> dict:
    """The environment file the stack's units read (var/stack/rendered/pos.env)."""
    lines = (stack_dir / "rendered" / "pos.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack_dir = tmp_path_factory.mktemp("stack")
    env = {
        **os.environ,
        "STACK_DIR": str(stack_dir),
        "STACK_PORT": str(PORT),
        "STACK_SMTP_PORT": str(SMTP_PORT),
        "STACK_WEB_WORKERS": "2",
        "STACK_REDIS_URL": "redis://127.0.0.1:6379/4",
        # The test's PostgreSQL server, a database of the stack's own.
        "STACK_DATABASE_URL": os.environ.get("STACK_TEST_DATABASE_URL") or (
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pos")
            .rsplit("/", 1)[0] + "/pos_stack_e2e"),
    }
    # The test run's own switches are not the stack's (the browser tests allow Django's
    # async-unsafe calls, which `check --deploy` rightly refuses).
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    started = subprocess.run(["bash", "scripts/stack"], check=False, cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield stack_dir, env
    finally:
        stopped = subprocess.run(["bash", "scripts/stack", "stop"], check=False, cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
        assert stopped.returncode == 0, stopped.stderr
        assert not list((stack_dir / "run").glob("*.pid"))


def test_the_stack_serves_pages_static_files_and_health_through_nginx(stack):
    status, headers, _ = get("/")
    assert status == 200
    assert headers["Server"] == "nginx"
    # Django answered (its request id and policy), behind nginx.
    assert headers["X-Request-ID"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]

    status, headers, body = get("/static/wagtailadmin/css/core.css")
    assert status == 200 and body
    # nginx served it from disk: Django's middleware would have added its request id.
    assert "X-Request-ID" not in headers
    assert headers["Cache-Control"] == "public, max-age=86400"

    status, _, body = get("/health/")
    health = json.loads(body)
    assert status == 200 and health["status"] == "ok"
    assert health["checks"]["broker"]["broker"].startswith("Redis")
    assert health["checks"]["workers"]["clusters"] == 2


def test_the_request_id_of_nginx_reaches_django_and_the_response(stack):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/",
                                     headers={"X-Request-ID": "balancer-trace-0001"})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.headers["X-Request-ID"] == "balancer-trace-0001"
    stack_dir, _ = stack

    def logged() -> tuple[bool, bool]:
        access = (stack_dir / "log" / "nginx-access.log").read_text()
        django_lines = [json.loads(line) for line in
                        (stack_dir / "log" / "gunicorn-launcher.log").read_text().splitlines()
                        if line.startswith("{")]
        return ("rid=balancer-trace-0001" in access,
                any(line.get("request_id") == "balancer-trace-0001"
                    and line.get("path") == "/health/" for line in django_lines))

    # Both write their line after the response has left (nginx in its log phase).
    deadline = time.monotonic() + 10
    while logged() != (True, True) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert logged() == (True, True)


def test_nginx_refuses_a_body_over_the_cap_unread(stack):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
    connection.putrequest("POST", "/")
    connection.putheader("Content-Length", str(500 * 1024 * 1024))
    connection.endheaders()
    connection.send(b"x" * 1024)
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Server") == "nginx"


def test_mail_reaches_the_smtp_sink(stack):
    stack_dir, env = stack
    rendered_env = stack_environment(stack_dir)
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "sendtestemail",
                    "citizen@example.org"], cwd=ROOT, env={**env, **rendered_env},
                   check=True, capture_output=True, timeout=60)
    [message] = list((stack_dir / "mail" / "new").iterdir())
    assert "citizen@example.org" in message.read_text()


def test_check_deploy_is_clean_with_the_stacks_environment(stack):
    stack_dir, env = stack
    rendered_env = stack_environment(stack_dir)
    result = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], check=False, cwd=ROOT, env={**env, **rendered_env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
