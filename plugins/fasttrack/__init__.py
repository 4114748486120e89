"""The fasttrack plugin: a Django app and a pluggy plugin, declared here once."""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="fasttrack",
    verbose_name=_("Deadlines and fast tracks"),
    description=_("Deadlines by category, the region's fast tracks, the production calendar, stage warnings and overdue sweeps."),
    version="1.0",
    hooks="plugins.fasttrack.hooks",
)
