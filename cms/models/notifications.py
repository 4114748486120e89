from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import RowsJSONField


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by one worker, which is sending it now: no other worker may send it.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """The outbox: every message to a person is recorded before it is sent.

    A delivery that fails is retried by the worker and stays visible with its last error,
    so nothing is silently lost.
    """

    # A record of the workflow, not content: Wagtail's usage index would cost three
    # statements per notification on the submit path and show nothing useful.
    wagtail_reference_index_ignore = True

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="notifications")
    email = models.EmailField(_("e-mail"))
    template = models.CharField(_("template"), max_length=100)
    appeal = models.ForeignKey("cms.Appeal", verbose_name=_("message"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="notifications")
    context = RowsJSONField(_("context"), default=dict, blank=True)
    # Makes a notification idempotent: the same key is recorded (and sent) once.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True,
                                 blank=True, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=NotificationState.choices,
                             default=NotificationState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Set just before the mail server may have the letter: a claim left without it is
    # surely not delivered (`cms.notifications.outbox`).
    handed_at = models.DateTimeField(_("handed to the mail server at"), null=True,
                                     blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state")]

    def __str__(self) -> str:
        return f"{self.template} → {self.email}"
