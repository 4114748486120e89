"""The reports plugin: a Django app and a pluggy plugin, declared here once."""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="reports",
    verbose_name=_("Reports"),
    description=_("Statistics: deadline compliance, satisfaction and problem points."),
    version="1.0",
    hooks="plugins.reports.hooks",
)
