"""deploy/gunicorn.conf.py takes the client's address from nginx's X-Real-IP, and only
from nginx: behind a unix socket every REMOTE_ADDR was empty, so the submission limit
"per address" counted every citizen of the installation together (seen in the load run).
"""

from __future__ import annotations

import runpy

from django.test import RequestFactory

from cms.submission.ratelimit import client_address
from loadtest.paths import ROOT

CONF = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def address_seen(remote_addr: str, real_ip: str | None) -> str:
    seen = {}

    def application(environ, start_response):
        seen["address"] = client_address(
            RequestFactory().get("/", REMOTE_ADDR=environ["REMOTE_ADDR"])
        )
        return []

    environ = {"REMOTE_ADDR": remote_addr}
    if real_ip is not None:
        environ["HTTP_X_REAL_IP"] = real_ip
    CONF["_client_address_from_nginx"](application)(environ, lambda *args: None)
    return seen["address"]


def test_the_address_nginx_saw_reaches_the_rate_limit():
    # The unix socket (nginx's own connection) and nginx on loopback are trusted.
    assert address_seen("", "203.0.113.7") == "203.0.113.7"
    assert address_seen("127.0.0.1", "203.0.113.8") == "203.0.113.8"


def test_a_client_that_reaches_gunicorn_directly_cannot_choose_its_address():
    assert address_seen("198.51.100.4", "203.0.113.7") == "198.51.100.4"
    assert address_seen("", None) == ""


def test_the_wrapper_is_installed_in_every_worker():
    class Worker:
        def wsgi(self, environ, start_response):
            return [environ["REMOTE_ADDR"].encode()]

    worker = Worker()
    CONF["post_worker_init"](worker)
    assert worker.wsgi({"REMOTE_ADDR": "", "HTTP_X_REAL_IP": "192.0.2.1"}, None) == [
        b"192.0.2.1"
    ]
