"""Fixtures of the issue 11 tests: the mail tests' SMTP server on loopback."""

from tests.notifications.conftest import slow_smtp_server, smtp_server  # noqa: F401
