"""The routing plugin: a Django app and a pluggy plugin, declared here once."""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="routing",
    verbose_name=_("Routing"),
    description=_("Chooses the organisation a message goes to: by category, territory and the site it came from."),
    version="1.0",
    hooks="plugins.routing.hooks",
)
