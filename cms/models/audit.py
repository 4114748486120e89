"""The audit trail: who did what to which message, when and from which address.

Append-only: a record is written once and never changed or deleted, neither through the
model nor through its queryset (and on PostgreSQL a trigger refuses UPDATE and DELETE).
Write records through `cms.audit.record(...)`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    ACTION = "action", _("Workflow action")
    VIEW_PERSONAL_DATA = "view_personal_data", _("Viewed the citizen's contact data")
    DOWNLOAD = "download", _("Downloaded a file")
    EXPORT = "export", _("Exported a list")
    RETENTION = "retention", _("Personal data anonymised")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit records are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit records are never deleted.")

    # bulk_update goes through update(); _raw_delete would bypass delete().
    def _raw_delete(self, using):
        raise AppendOnlyError("Audit records are never deleted.")


class AuditRecord(models.Model):
    # A record, not content: kept out of Wagtail's usage index (a write per record).
    wagtail_reference_index_ignore = True

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # The name as it was: accounts are renamed, the trail must not change with them.
    actor_name = models.CharField(_("by (name)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AuditKind.choices)
    what = models.CharField(_("what"), max_length=255)
    appeal = models.ForeignKey(
        "cms.Appeal", verbose_name=_("message"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["appeal", "at"], name="audit_appeal"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit records are never deleted.")
