from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cms.models.notifications import Notification, NotificationState

from .plaintext import render_plain_text
from .smtp import HandOverMixin

logger = logging.getLogger(__name__)

# Attempts before a notification is left as failed for a person to look at.
MAX_ATTEMPTS = 5


def _notification(*, template: str, email: str, recipient=None, appeal=None,
                  context: dict | None = None, dedup_key: str | None = None) -> Notification:
    return Notification(template=template, email=email, recipient=recipient, appeal=appeal,
                        context=context or {}, dedup_key=dedup_key)


def notify(*, template: str, email: str, recipient=None, appeal=None,
           context: dict | None = None, dedup_key: str | None = None) -> Notification | None:
    """Record a notification and send it once the current transaction commits.

    `template` names a core e-mail (`cms/email/<template>.txt`) or a plugin's template by
    its path (see `template_path`); its first line is the subject. With `dedup_key`,
    a second call with the same key records and sends nothing and returns None.
    """
    if not email:
        return None
    try:
        with transaction.atomic():
            notification = _notification(
                template=template, email=email, recipient=recipient, appeal=appeal,
                context=context, dedup_key=dedup_key,
            )
            notification.save()
    except IntegrityError:
        if dedup_key and Notification.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    _enqueue_after_commit(_enqueue, notification.pk)
    return notification


def notify_all(notices: list[dict]) -> None:
    """Record several notifications in one statement; send them once the transaction
    commits, with one task.

    Each notice holds `notify`'s arguments and must have a `dedup_key`: a notice whose
    key is already recorded (a retried write path) is skipped, not sent twice.
    """
    rows = [_notification(**notice) for notice in notices if notice["email"]]
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.dedup_key for row in rows]
    broker = _broker_in_this_transaction()
    if broker is not None:
        _enqueue_batch(keys, broker)
    else:
        _enqueue_after_commit(_enqueue_batch, keys)


def _broker_in_this_transaction():
    """django-q2's broker when its queue is a table of this database (the ORM broker,
    the one-box configuration) and a transaction is open; otherwise None.

    Then the task's row is written in the transaction that records the notifications:
    a worker cannot see it before they are committed (what `on_commit` guarantees for
    the other brokers), a rollback takes it away with them, and the write path pays
    one commit instead of a second one for the queue row after its own. Tasks run
    inline (`sync`, the unit tests) still wait for the commit: they would send before
    it.
    """
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.conf import Conf

    alias = router.db_for_write(Notification)
    if Conf.SYNC or not transaction.get_connection(alias).in_atomic_block:
        return None
    broker = get_broker()
    if not isinstance(broker, ORM) or Conf.ORM != alias:
        return None
    return broker


def _enqueue_after_commit(enqueue, *args) -> None:
    """`enqueue(*args)` once the transaction commits. A broker that does not answer then
    (Redis restarting) is logged, not raised: what was written is committed, the outbox
    rows are pending, and the scheduled sweep (`retry_pending_notifications_task`)
    enqueues them again, so the citizen is not answered with a 500 for a registered
    message."""
    def run():
        try:
            enqueue(*args)
        except Exception:  # the broker client's own errors
            logger.warning("notifications: the broker did not answer; the outbox sweep "
                           "will send %s", args[0], exc_info=True)

    transaction.on_commit(run)


def _enqueue_batch(dedup_keys: list[str], broker=None) -> None:
    from django_q.tasks import async_task

    async_task("cms.notifications.tasks.send_notifications_task", dedup_keys,
               task_name=f"notifications-{dedup_keys[0]}", broker=broker)


def _enqueue(notification_pk: int) -> None:
    from django_q.tasks import async_task

    async_task("cms.notifications.tasks.send_notification_task", notification_pk,
               task_name=f"notification-{notification_pk}")


# Where a core e-mail's template is: `"appeal_answered"` names
# cms/email/appeal_answered.txt; a plugin names its own template by its path.
CORE_TEMPLATE = "cms/email/{name}.txt"
# The context key under which a notification keeps the sections plugins added.
SECTIONS = "email_sections"


def template_path(template: str) -> str:
    """The template a notification's `template` names: a core e-mail's name, or a
    plugin's own path such as `"fasttrack/email/stage_due.txt"`."""
    return template if "/" in template else CORE_TEMPLATE.format(name=template)


def render(notification: Notification) -> tuple[str, str]:
    """(subject, body): the template's first line is the subject, the rest the body; each
    section a plugin added (`email_sections` hook) follows the body, in order, rendered
    with the e-mail's context and its own on top. Plain text: nothing is HTML-escaped."""
    context = {**notification.context, "appeal": notification.appeal}
    sections = context.pop(SECTIONS, [])
    with translation.override(notification.context.get("language", "ru")):
        text = render_plain_text(template_path(notification.template), context)
        parts = [render_plain_text(section["template"], {**context, **section["context"]})
                 for section in sections]
    subject, _sep, body = text.strip().partition("\n")
    body = "\n\n".join([body.strip(), *(part.strip() for part in parts if part.strip())])
    return subject.strip(), body + "\n"


# One letter per notification. A worker first claims the notification (one UPDATE from
# pending to sending: of two workers, or of a task and its retry, exactly one gets the
# row), sends it outside any transaction, recording the moment it hands the letter over
# (`handed_at`, just before the dot that ends DATA: see `cms.notifications.smtp`), then
# records the result. A letter the server refused, or never confirmed, is not the
# server's by SMTP's rule and is tried again. A notification left in "sending" was
# claimed by a worker that stopped before recording (killed, or stopped by django-q2 at
# its task timeout), and the server may have confirmed a letter its worker never heard
# about. Once no worker can still be sending it (STALE_CLAIM), the sweep
# (`release_stale_claims`):
# - sends it again when it was never handed over: the mail server cannot have it;
# - hands it to a person when it was: the server most likely has it, so it is never
#   sent again by itself.
# A claim is stale past the longest a task may run (django-q2 stops it at its timeout).
STALE_CLAIM = timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)


def claim(notification_pk: int) -> Notification | None:
    """The notification, now claimed by this worker, or None when it is not pending (sent,
    being sent by another worker, or failed and waiting for a person)."""
    claimed = Notification.objects.filter(
        pk=notification_pk, state=NotificationState.PENDING
    ).update(state=NotificationState.SENDING, claimed_at=timezone.now(), handed_at=None,
             attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Notification.objects.select_related("appeal__region").get(pk=notification_pk)


def deliver(message: EmailMessage, hand_over) -> None:
    """Send `message`, calling `hand_over()` at the last moment the mail server surely
    does not have it: before the final dot on the outbox's SMTP backend, before sending
    on any other (console, file, memory)."""
    with get_connection() as backend:
        connection = getattr(backend, "connection", None)
        if isinstance(connection, HandOverMixin):
            connection.on_hand_over = hand_over
        else:
            hand_over()
        backend.send_messages([message])


def send_notification(notification_pk: int) -> bool:
    """Send one pending notification; False when its delivery failed (it is pending again,
    or failed after the last attempt). True when there was nothing for this call to do:
    another call sent it or is sending it. Safe to call again, from any worker."""
    notification = claim(notification_pk)
    if notification is None:
        return True
    claimed = Notification.objects.filter(pk=notification_pk,
                                          state=NotificationState.SENDING)

    def hand_over():
        claimed.update(handed_at=timezone.now())

    try:
        subject, body = render(notification)
        deliver(EmailMessage(subject, body, None, [notification.email]), hand_over)
    except Exception as error:  # noqa: BLE001 - any delivery failure is recorded
        # The server refused the letter, or never confirmed it (no "250" after the dot:
        # the connection failed). Either way SMTP says it is not the server's, so trying
        # again is how it gets delivered (RFC 5321, 6.1). Only a worker that stopped
        # without hearing the answer leaves the question open: see `release_stale_claims`.
        state = (NotificationState.FAILED if notification.attempts >= MAX_ATTEMPTS
                 else NotificationState.PENDING)
        record(claimed, state=state, last_error=f"{type(error).__name__}: {error}")
        logger.warning("Notification %s failed: %s", notification_pk, error)
        return False
    record(claimed, state=NotificationState.SENT, sent_at=timezone.now(), last_error="")
    return True


def record(claimed, **fields) -> None:
    """Write what became of a letter, which only this worker knows. A connection lost
    meanwhile (the database restarting) is opened again once, and the production
    backend waits for a restarting server: a letter the mail server confirmed is not
    left to a person for a lost connection."""
    try:
        claimed.update(**fields)
    except (OperationalError, InterfaceError):
        lost = connections[claimed.db]
        if lost.in_atomic_block:
            raise
        lost.close()
        claimed.update(**fields)


def in_site_language(message) -> str:
    """`message` as the person reading the outbox reads it: a sweep has no request."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def may_have_gone_out() -> str:
    """What a person deciding on a letter that may have gone out reads."""
    return in_site_language(_("The letter was handed to the mail server and may have "
                              "been delivered. Retry only if the recipient did not get "
                              "it."))


def release_stale_claims(now=None) -> list[int]:
    """Settle what stopped workers left in "sending" for longer than STALE_CLAIM: a letter
    never handed over is pending again (or failed, after its last attempt), one handed
    over is failed for a person to decide. Returns the notifications now pending."""
    now = now or timezone.now()
    stale = Notification.objects.filter(state=NotificationState.SENDING,
                                        claimed_at__lt=now - STALE_CLAIM)
    stopped = in_site_language(_("The worker stopped before handing the letter to the "
                                 "mail server."))
    never_handed = stale.filter(handed_at__isnull=True)
    again = list(never_handed.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    # Each update asks for the row still stale: one another sweep settled, or a worker
    # claimed again meanwhile, is left alone.
    never_handed.filter(pk__in=again).update(state=NotificationState.PENDING,
                                             last_error=stopped)
    never_handed.update(state=NotificationState.FAILED, last_error=stopped)
    stale.filter(handed_at__isnull=False).update(state=NotificationState.FAILED,
                                                 last_error=may_have_gone_out())
    return again


def retry_notification(notification_pk: int) -> bool:
    """Send a notification again (the region admin's "retry" on a failed delivery).

    Puts it back to pending and enqueues it after commit; False when it was already sent
    or a worker is sending it now. Each retry is one more attempt: failing again leaves it
    failed, with the new error.
    """
    with transaction.atomic():
        retried = Notification.objects.filter(
            pk=notification_pk,
            state__in=[NotificationState.PENDING, NotificationState.FAILED],
        ).update(state=NotificationState.PENDING)
        if retried:
            _enqueue_after_commit(_enqueue, notification_pk)
    return bool(retried)
