from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Citizens' accounts: login through ЕСИА (OpenID Connect) and the citizen's profile."""

    name = "cms.accounts"
    label = "accounts"
    verbose_name = _("Citizen accounts")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
