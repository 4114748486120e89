"""django-q2 tasks of the outbox. Tasks take primary keys and are idempotent."""

from django.db.models import Q

from cms.models.notifications import Notification, NotificationState

from .outbox import MAX_ATTEMPTS, _enqueue, release_stale_claims, send_notification


class DeliveryFailed(Exception):
    """Raised so django-q2 records the task as failed and its retry picks it up again."""


def send_notification_task(notification_pk: int) -> None:
    if not send_notification(notification_pk):
        raise DeliveryFailed(f"notification {notification_pk} not delivered yet")


def send_notifications_task(dedup_keys: list[str]) -> None:
    """Send the pending notifications one write path recorded (`notify_all`)."""
    pending = Notification.objects.filter(
        dedup_key__in=dedup_keys, state=NotificationState.PENDING
    ).values_list("pk", flat=True)
    failed = [pk for pk in list(pending) if not send_notification(pk)]
    if failed:
        raise DeliveryFailed(f"notifications {failed} not delivered yet")


def release_stale_claims_task() -> int:
    """Settle what stopped workers left claimed (scheduled, every minute): what was never
    handed to the mail server is sent again at once, the rest waits for a person."""
    again = release_stale_claims()
    for pk in again:
        _enqueue(pk)
    return len(again)


def retry_pending_notifications_task() -> int:
    """Re-enqueue what is still pending (scheduled): a lost task never loses a notification."""
    release_stale_claims()
    pending = Notification.objects.filter(
        Q(state=NotificationState.PENDING) & Q(attempts__lt=MAX_ATTEMPTS)
    ).values_list("pk", flat=True)
    count = 0
    for pk in pending.iterator():
        _enqueue(pk)
        count += 1
    return count
