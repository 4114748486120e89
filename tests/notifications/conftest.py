from __future__ import annotations

import pytest

from .smtp import SMTPServer, send_here


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
    send_here(settings, smtp_server.port)
    return smtp_server
