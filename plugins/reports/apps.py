from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics: deadline compliance, satisfaction, problem points, exports."""

    name = "plugins.reports"
    label = "reports"
    verbose_name = _("Reports")
