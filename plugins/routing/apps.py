from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    """Chooses the addressee of a message by classifier, territory and place of submission."""

    name = "plugins.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from cms.submission.region_cache import bump_on_change

        from .models import RoutingRule, RoutingSettings

        # What `resolver` keeps per region version: a change is seen by the next request.
        for model in (RoutingRule, RoutingSettings):
            bump_on_change(model, lambda row: [row.region_id],
                           f"region-cache-{model._meta.label}")
