from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The core: regions, territories, organisations, the classifier, messages, the kernel."""

    name = "cms"
    label = "cms"
    verbose_name = _("Feedback platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .permissions import signals  # noqa: F401  (grants follow memberships)
