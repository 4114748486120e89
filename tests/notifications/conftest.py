from __future__ import annotations

import pytest

from .smtp import SMTPServer


@pytest.fixture
def smtp_server():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def slow_smtp_server():
    """Holds each letter 50 ms: senders racing for one outbox overlap."""
    with SMTPServer(delay=0.05) as server:
        yield server


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """This process's mail goes to `smtp_server`."""
    settings.EMAIL_BACKEND = "cms.notifications.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return smtp_server
