"""The citizen's message (Appeal) and its immutable history (AppealEvent).

Statuses are listed here; which transitions are allowed, and by whom, is the workflow's
business, and only the workflow's write paths change `status`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import RowsJSONField


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ON_MODERATION = "on_moderation", _("On moderation")
    SENT_TO_ORGANISATION = "sent_to_organisation", _("Sent to organisation")
    IN_WORK = "in_work", _("In work")
    ON_APPROVAL = "on_approval", _("On approval")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    POSTPONED = "postponed", _("Postponed")
    WAITING_FOR_CITIZEN = "waiting_for_citizen", _("Waiting for the citizen")


# Statuses in which the message is still someone's work (deadlines and sweeps apply).
OPEN_STATUSES = frozenset(
    {
        Status.REGISTERED,
        Status.ON_MODERATION,
        Status.SENT_TO_ORGANISATION,
        Status.IN_WORK,
        Status.ON_APPROVAL,
        Status.POSTPONED,
        Status.WAITING_FOR_CITIZEN,
    }
)

# Open, and the clock is running (a question to the citizen pauses it). Plain sorted
# values: a filter on them reads exactly like the partial indexes' predicates.
RUNNING_STATUSES = sorted(str(status.value) for status in OPEN_STATUSES
                          - {Status.WAITING_FOR_CITIZEN})


class Channel(models.TextChoices):
    PORTAL = "portal", _("Region portal page")
    WIDGET = "widget", _("Widget on an organisation's website")
    API = "api", _("API")


class Appeal(models.Model):
    """One message = one problem = one addressee."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True,
                                 editable=False)
    number = models.CharField(_("registration number"), max_length=32)
    region = models.ForeignKey("cms.Region", verbose_name=_("region"),
                               on_delete=models.PROTECT, related_name="appeals")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.PORTAL)
    widget_organisation = models.ForeignKey(
        "cms.Organisation", verbose_name=_("widget of organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    # No index of its own on the citizen or the executor: each leads a composite index
    # below, which serves its look-ups, and every index is one more write per message.
    # (The region's and the addressee's stay: deduplicated, they are the narrowest
    # index to count all of a region's or an organisation's messages from.)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("citizen"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appeals", db_index=False)
    citizen_snapshot = models.JSONField(_("citizen's contact data at submission"),
                                        default=dict, blank=True)
    category = models.ForeignKey("cms.Category", verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="+")
    subcategory = models.ForeignKey("cms.Subcategory", verbose_name=_("subcategory"),
                                    on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey("cms.Territory", verbose_name=_("territory"),
                                  on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address or place"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)
    text = models.TextField(_("text"))
    extra_answers = models.JSONField(_("answers to the page's extra questions"), default=dict,
                                     blank=True)
    # One per submitted form: a form posted twice makes one message.
    idempotency_key = models.UUIDField(_("submission key"), null=True, blank=True,
                                       unique=True, editable=False)
    organisation = models.ForeignKey("cms.Organisation", verbose_name=_("addressee"),
                                     on_delete=models.PROTECT, related_name="appeals")
    executor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("executor"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    status = models.CharField(_("status"), max_length=32, choices=Status.choices,
                              default=Status.REGISTERED)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_fast_track = models.BooleanField(_("fast track"), default=False)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    postponed_until = models.DateTimeField(_("postponed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Bumped by every workflow write: a form opened on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        # Granted on one message to its executor (see cms.permissions).
        permissions = [("execute_appeal", "Execute the message")]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="appeal_number_per_region")
        ]
        indexes = [
            # The staff queues, in their order (fast tracks first, then the deadline, then
            # the newest as the listing's tie-break), so a page is read off the index.
            models.Index(fields=["organisation", "status", "-is_fast_track", "deadline", "-id"],
                         name="appeal_org_queue"),
            models.Index(fields=["region", "status", "-is_fast_track", "deadline", "-id"],
                         name="appeal_region_queue"),
            models.Index(fields=["region", "-is_fast_track", "deadline", "-id"],
                         name="appeal_region_all"),
            models.Index(fields=["executor", "status", "-is_fast_track", "deadline", "-id"],
                         name="appeal_executor_queue"),
            # The overdue queue and its count in the menu: running messages by deadline.
            models.Index(fields=["region", "deadline"], name="appeal_region_overdue",
                         condition=models.Q(status__in=RUNNING_STATUSES)),
            models.Index(fields=["organisation", "deadline"], name="appeal_org_overdue",
                         condition=models.Q(status__in=RUNNING_STATUSES)),
            models.Index(fields=["citizen", "-created_at"], name="appeal_citizen_list"),
            # Most messages come from no widget: the look-up of an organisation's widget
            # messages (its deletion's check) needs no entry for them.
            models.Index(fields=["widget_organisation"], name="appeal_widget_organisation",
                         condition=models.Q(widget_organisation__isnull=False)),
            # The sweep that resumes postponed messages on their date.
            models.Index(fields=["postponed_until"], name="appeal_postponed_due",
                         condition=models.Q(status="postponed")),
            # The queues' search by words and by a number's last digits has PostgreSQL-only
            # trigram indexes, made by migration 0008 (SQLite has no GIN).
        ]

    def __str__(self) -> str:
        return self.number


class RegistrationCounter(models.Model):
    """The last registration number given in a region and year (row-locked when used)."""

    region = models.ForeignKey("cms.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_counter_per_region_year")
        ]


class AttachmentKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen's file")
    ANSWER = "answer", _("File of the answer")


def attachments_storage():
    """The `attachments` storage of settings.STORAGES (swappable for S3 by configuration)."""
    from django.core.files.storage import storages

    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    # A generated name: the citizen's file name is kept only as data, never as a path.
    return f"attachments/{instance.appeal.region.code}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file of a message, stored outside the web root and served only after a check."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("message"), on_delete=models.PROTECT,
                               related_name="attachments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices,
                            default=AttachmentKind.CITIZEN)
    file = models.FileField(_("file"), upload_to=attachment_path,
                            storage=attachments_storage)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Files of kind "answer" belong to one answer draft (cms.models.processing.Answer).
    answer = models.ForeignKey("cms.Answer", verbose_name=_("answer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="files")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]


class EventKind(models.TextChoices):
    """The core's event kinds: constants for its write paths. Their wording, and the kinds
    plugins add, come from the `event_kinds` hook (`cms.kernel.events`)."""

    REGISTERED = "registered", _("Registered")
    STATUS_CHANGED = "status_changed", _("Status changed")
    ADDRESSEE_CHANGED = "addressee_changed", _("Addressee changed")
    CATEGORY_CHANGED = "category_changed", _("Category changed")
    EXECUTOR_CHANGED = "executor_changed", _("Executor changed")
    DEADLINE_CHANGED = "deadline_changed", _("Deadline changed")
    ROUTED = "routed", _("Addressee chosen")
    COMMENT = "comment", _("Internal comment")


class AppealEvent(models.Model):
    """An immutable record of one change to a message: who, when, from, to, why."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("message"), on_delete=models.PROTECT,
                               related_name="events")
    # No `choices`: plugins add kinds (`event_kinds` hook), and an uninstalled plugin's
    # events stay. `cms.kernel.events.event_kind(key)` gives a kind's label.
    kind = models.CharField(_("kind"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    from_value = models.CharField(_("from"), max_length=255, blank=True)
    to_value = models.CharField(_("to"), max_length=255, blank=True)
    # `reason` goes wherever the event goes (the citizen reads it on a public event);
    # `internal_note` is for staff only and never reaches the citizen's history.
    reason = models.TextField(_("reason"), blank=True)
    internal_note = models.TextField(_("note for staff"), blank=True)
    data = RowsJSONField(_("details"), default=dict, blank=True)
    is_public = models.BooleanField(_("shown to the citizen"), default=False)

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["created_at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Message events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Message events are never deleted.")
