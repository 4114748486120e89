from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    """Open311 GeoReport v2: the API other systems file and follow messages through."""

    name = "plugins.open311"
    label = "open311"
    verbose_name = _("Open311 API")
