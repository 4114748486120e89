from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Personal data retention (152-ФЗ): the region's period and the anonymising task."""

    name = "cms.retention"
    label = "retention"
    verbose_name = _("Personal data retention")
