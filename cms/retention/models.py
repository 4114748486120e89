"""The region's retention period for citizens' personal data (152-ФЗ)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.models.region_settings import RegionSettings, region_link

# Five years after the message is closed: the usual keeping term of citizens' appeals in
# the federal list of typical archival documents (Rosarkhiv order No. 236 of 2019, art.
# 154). A region whose archive keeps them longer or shorter sets its own period.
DEFAULT_RETENTION_DAYS = 5 * 365 + 1
# Less than a year would anonymise messages still within the time to complain about the
# answer: a typo in the field must not wipe a region's contact data overnight.
MIN_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 75 * 365


class RetentionSettings(RegionSettings):
    """How long a region keeps its citizens' contact data after a message is closed."""

    region = region_link("retention_settings")
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep citizens' contact data for (days)"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(MIN_RETENTION_DAYS),
                    MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_("Counted from when a message is closed or rejected. After that the "
                    "citizen's name and phone on the message are replaced by "
                    "“anonymised” and the e-mail address is removed; the "
                    "message, its history and the figures stay."),
    )

    class Meta:
        verbose_name = _("personal data retention")
        verbose_name_plural = _("personal data retention")
