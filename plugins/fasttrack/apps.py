from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FasttrackConfig(AppConfig):
    """Deadlines: category terms, regional fast tracks, the production calendar, sweeps."""

    name = "plugins.fasttrack"
    label = "fasttrack"
    verbose_name = _("Deadlines and fast tracks")

    def ready(self):
        from cms.submission.region_cache import bump_on_change

        from .models import CalendarAmendment, FastTrack, FastTrackSettings

        # What `deadlines` keeps per region version: a change is seen by the next request.
        for model in (FastTrackSettings, CalendarAmendment, FastTrack):
            bump_on_change(model, lambda row: [row.region_id],
                           f"region-cache-{model._meta.label}")
