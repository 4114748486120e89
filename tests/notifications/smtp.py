"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: every accepted letter, parsed. `delay` holds each letter
    before accepting it, so that senders racing for the same outbox overlap."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # blocks this server's loop: senders queue, as they do
        letter = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(letter)
        return "250 Message accepted for delivery"

    def bodies(self) -> list[str]:
        with self._lock:
            return [letter.get_content() for letter in self.messages]

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(letter["Subject"]) for letter in self.messages]

    def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)


class SMTPServer:
    def __init__(self, delay: float = 0.0, inbox: Inbox | None = None):
        self.inbox = inbox or Inbox(delay)
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def environ(self) -> dict:
        """What a worker process needs to send here (pos_site.settings.test)."""
        return {"POS_TEST_SMTP": "1", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port)}


def send_here(settings, port: int) -> None:
    """This process's mail goes to 127.0.0.1:`port`, through the outbox's SMTP backend."""
    settings.EMAIL_BACKEND = "cms.notifications.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
