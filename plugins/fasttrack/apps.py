from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FasttrackConfig(AppConfig):
    """Deadlines: category terms, regional fast tracks, the production calendar, sweeps."""

    name = "plugins.fasttrack"
    label = "fasttrack"
    verbose_name = _("Deadlines and fast tracks")
