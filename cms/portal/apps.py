from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen's side: submission pages, the widget, "my messages"."""

    name = "cms.portal"
    label = "portal"
    verbose_name = _("Citizen portal")

    def ready(self):
        from . import held_uploads  # noqa: F401  (deletes a held file with its row)
