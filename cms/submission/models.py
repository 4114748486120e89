"""Files a citizen's form keeps between tries (see `cms.submission.held_uploads`).

The table was created by the portal app (`portal_heldupload`); it belongs to the
submission write path, which now owns the model.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.models.appeals import attachments_storage


def held_upload_path(instance, filename: str) -> str:
    return f"held/{uuid.uuid4().hex}"


class HeldUpload(models.Model):
    """A checked file of a form that came back with an error, kept for the next try.

    Tied to the citizen and to the form's idempotency key: only the same citizen's
    next post of the same form can use it. Registration turns it into an attachment;
    a scheduled sweep deletes what nobody came back for.
    """

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    form_key = models.UUIDField(_("form key"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(
        _("file"), upload_to=held_upload_path, storage=attachments_storage
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    is_image = models.BooleanField(default=False)
    size = models.PositiveIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "portal_heldupload"
        verbose_name = _("file kept between tries")
        indexes = [models.Index(fields=["citizen", "form_key"])]

    def __str__(self):
        return self.original_name


class RateCounter(models.Model):
    """How many submissions one citizen or one address made in one window of time.

    The rate limits count here when no shared cache (Redis) is configured, so every web
    process counts into the same row (`cms.submission.ratelimit`); a scheduled sweep
    deletes the rows of windows that are over.
    """

    scope = models.CharField(max_length=16)
    subject = models.CharField(max_length=64)
    # Seconds since the epoch: when the window began, and when it is over.
    window_start = models.BigIntegerField()
    expires_at = models.BigIntegerField(db_index=True)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate limit counter")
        constraints = (
            models.UniqueConstraint(fields=["scope", "subject", "window_start"],
                                    name="submission_ratecounter_one_per_window"),
        )

    def __str__(self):
        return f"{self.scope}:{self.subject}@{self.window_start}"
