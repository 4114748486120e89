from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAdminConfig(AppConfig):
    """The staff side of the Wagtail admin: queues, the message page, oversight and the
    reference data. It has no models of its own: it shows and changes the core's."""

    name = "cms.staff_admin"
    label = "staff_admin"
    verbose_name = _("Staff admin")
