from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    """Chooses the addressee of a message by classifier, territory and place of submission."""

    name = "plugins.routing"
    label = "routing"
    verbose_name = _("Routing")
