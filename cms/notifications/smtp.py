"""The outbox's SMTP backend: Django's, with a connection that says when a letter is
handed over.

A mail server owns a letter once it has read the dot that ends DATA (RFC 5321, 4.1.1.4);
before that dot it cannot have it, after it it may, even if the worker stops before the
server's reply. The connection calls its `on_hand_over` right before sending that dot,
so the outbox can record the moment (`Notification.handed_at`) and later tell a letter
that surely did not go out, which it sends again by itself, from one that may have.
"""

from __future__ import annotations

import smtplib

from django.core.mail.backends import smtp


class HandOverMixin:
    """An `smtplib.SMTP` whose DATA calls `on_hand_over()` before the final dot."""

    on_hand_over = None

    def data(self, msg):
        # smtplib.SMTP.data (Python 3.11), with the call before the final dot.
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        text = smtplib._quote_periods(msg)
        if text[-2:] != smtplib.bCRLF:
            text += smtplib.bCRLF
        self.send(text)
        if self.on_hand_over is not None:
            self.on_hand_over()
        self.send(b"." + smtplib.bCRLF)
        return self.getreply()


class HandOverSMTP(HandOverMixin, smtplib.SMTP):
    pass


class HandOverSMTPSSL(HandOverMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (the same settings) on a `HandOverMixin` connection."""

    @property
    def connection_class(self):
        return HandOverSMTPSSL if self.use_ssl else HandOverSMTP
