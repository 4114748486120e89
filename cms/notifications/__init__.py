"""Notifications: record in the outbox, send after commit through django-q2, retry on failure.

Call `notify(...)` (one) or `notify_all([...])` (several, one statement) from inside the
transaction that made the change; the e-mails are sent by `send_notification_task` /
`send_notifications_task` once that transaction commits, never before.
"""

from .outbox import notify, notify_all, send_notification

__all__ = ["notify", "notify_all", "send_notification"]
