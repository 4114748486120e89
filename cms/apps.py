from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The core: regions, territories, organisations, the classifier, messages, the kernel."""

    name = "cms"
    label = "cms"
    verbose_name = _("Feedback platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .kernel import schedules
        from .permissions import signals  # noqa: F401  (grants follow memberships)

        # post_migrate is sent once per installed app: listening for this one alone
        # syncs the schedules once per `migrate`, after every app's migrations ran.
        post_migrate.connect(schedules.sync_after_migrate, sender=self,
                             dispatch_uid="pos-sync-schedules")
