"""Notifications: record in the outbox, send after commit through django-q2, retry on failure.

Call `notify(...)` from inside the transaction that made the change; the e-mail is sent by
`send_notification_task` once that transaction commits, never before.
"""

from .outbox import notify, send_notification

__all__ = ["notify", "send_notification"]
