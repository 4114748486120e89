from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionConfig(AppConfig):
    """The one write path that creates a message, and the files it stores."""

    name = "cms.submission"
    label = "submission"
    verbose_name = _("Submission")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            held_uploads,  # noqa: F401  (deletes a held file with its row)
            region_cache,
        )

        region_cache.connect()
