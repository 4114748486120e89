"""The rating plugin: a Django app and a pluggy plugin, declared here once."""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="rating",
    verbose_name=_("Rating"),
    description=_("The citizen rates the answer from 1 to 5 through a signed link; low ratings come back to curators."),
    version="1.0",
    hooks="plugins.rating.hooks",
)
