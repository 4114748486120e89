from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen's side: submission pages, the widget, "my messages"."""

    name = "cms.portal"
    label = "portal"
    verbose_name = _("Citizen portal")
