"""Issue 16, hardening: login throttling, staff sessions that end, the health endpoint,
the request id in logs and headers, the site-wide content security policy."""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from cms.models import Role
from cms.operations import health, sessions
from cms.operations.json_logging import JsonFormatter
from tests.workflow.builders import staff_member

LOGIN = "/admin/login/"


@pytest.fixture
def moderator(demo):
    user = staff_member("throttled.moderator", "cur", Role.MODERATOR)
    user.set_password("right-password")
    user.save()
    return user


def login(client, password):
    return client.post(LOGIN, {"username": "throttled.moderator", "password": password})


# --- staff login throttling (django-axes) ------------------------------------------------

@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_staff_login_locks_after_repeated_failures(client, moderator):
    for _ in range(2):
        assert login(client, "wrong").status_code == 200  # the form with its error

    locked = login(client, "wrong")
    assert locked.status_code == 429
    # The admin's own page, in the admin's language, saying for how long.
    assert "Вход приостановлен" in locked.content.decode() or "Sign-in paused" in (
        locked.content.decode())
    assert "15" in locked.content.decode()
    # Locked: even the right password is refused until the cool-off ends.
    assert login(client, "right-password").status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_resets_the_count(client, moderator):
    for _ in range(2):
        login(client, "wrong")
    assert login(client, "right-password").status_code == 302
    client.logout()
    for _ in range(2):
        assert login(client, "wrong").status_code == 200


def test_citizen_oidc_logins_are_not_counted():
    from cms.operations.login_throttling import is_not_a_password_login

    assert is_not_a_password_login(None, {"username": None, "oidc_issuer": "x", "oidc_claims": {}})
    assert not is_not_a_password_login(None, {"username": "a", "password": "b"})


# --- staff sessions -----------------------------------------------------------------------

def session_exists(client) -> bool:
    return Session.objects.filter(session_key=client.session.session_key).exists()


def test_a_deactivated_staff_accounts_session_ends_on_its_next_request(client, moderator):
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200
    key = client.session.session_key

    moderator.is_active = False
    moderator.save(update_fields=["is_active"])

    response = client.get("/admin/")
    assert response.status_code == 302 and LOGIN in response["Location"]
    # Not just anonymous for this request: the session itself is gone.
    assert not Session.objects.filter(session_key=key).exists()


def test_an_idle_staff_session_expires(client, moderator, settings):
    settings.POS_STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200
    key = client.session.session_key

    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 601
    session.save()

    response = client.get("/admin/")
    assert response.status_code == 302 and LOGIN in response["Location"]
    assert not Session.objects.filter(session_key=key).exists()


def test_an_active_staff_session_stays(client, moderator, settings):
    settings.POS_STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(moderator)
    session = client.session
    session[sessions.LAST_SEEN] = int(time.time()) - 599
    session.save()

    assert client.get("/admin/").status_code == 200
    # The request moved the last-seen time forward (written at most once a minute).
    assert client.session[sessions.LAST_SEEN] >= int(time.time()) - 5


# --- health ------------------------------------------------------------------------------

def test_health_reports_every_check(client, db):
    response = client.get("/health/", HTTP_HOST="10.0.0.7")  # a balancer polls by address
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "workers"}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_503_when_a_check_fails(client, db, monkeypatch):
    def broken_cache():
        raise ConnectionError("cache down")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["ok"] is False
    assert "cache down" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True


# --- request id and structured logs ------------------------------------------------------

def test_the_request_id_is_passed_through_to_the_header_and_the_log(client, db, caplog):
    caplog.set_level(logging.INFO, logger="pos.request")
    response = client.get("/health/", HTTP_X_REQUEST_ID="lb-trace-0123456789")
    assert response["X-Request-ID"] == "lb-trace-0123456789"

    [record] = [r for r in caplog.records if r.name == "pos.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "lb-trace-0123456789"
    assert line["path"] == "/health/" and line["status"] == 200


def test_a_missing_or_unsafe_request_id_is_replaced(client, db, caplog):
    caplog.set_level(logging.INFO, logger="pos.request")
    response = client.get("/health/", HTTP_X_REQUEST_ID="bad id\r\nX-Injected: 1")
    generated = response["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    assert client.get("/health/")["X-Request-ID"] != generated
    assert caplog.records[0].request_id == generated


def test_every_log_line_of_a_request_carries_its_id(client, db, caplog):
    """A view's own logging (here: Django's 404 warning) gets the id too."""
    caplog.set_level(logging.INFO)
    client.get("/no-such-page-here/", HTTP_X_REQUEST_ID="trace-abcdef-42")
    ids = {r.name: getattr(r, "request_id", None) for r in caplog.records}
    assert ids["django.request"] == "trace-abcdef-42"
    assert ids["pos.request"] == "trace-abcdef-42"


# --- content security policy -------------------------------------------------------------

def test_every_page_has_a_policy_without_other_hosts(client, demo):
    for url in ("/admin/login/", "/no-such-page-here/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy, url
        assert "object-src 'none'" in policy
        assert "frame-ancestors" in policy
        assert "http" not in policy


def test_the_portals_own_strict_policy_is_kept(client, demo):
    page = client.get("/")
    policy = page["Content-Security-Policy"]
    assert policy.count("default-src") == 1
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1]


def test_logins_without_a_request_are_not_throttled(client, moderator):
    """Django's test client and management commands call authenticate() without a
    request; django-axes' own backend raised there."""
    assert client.login(username="throttled.moderator", password="right-password")
