from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAdminConfig(AppConfig):
    """The staff side of the Wagtail admin: queues, the message page, oversight and the
    reference data. It shows and changes the core's models; its one table is the version
    of what the admin shell remembers per role (`cms.staff_admin.shell`)."""

    name = "cms.staff_admin"
    label = "staff_admin"
    verbose_name = _("Staff admin")

    def ready(self):
        from .shell import connect_invalidation

        connect_invalidation()
