"""The Open311 plugin: GeoReport v2 endpoints through which a region's other systems (the
ЕПГУ integration, a city app) file and follow messages. Declared here once."""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="open311",
    verbose_name=_("Open311 API"),
    description=_("Other systems file and follow messages through the Open311 GeoReport v2 API."),
    version="1.0",
    hooks="plugins.open311.hooks",
)
