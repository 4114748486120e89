"""A citizen's account: the site's user plus what the identity provider vouched for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenProfile(models.Model):
    """Links a user to their identity at the provider (ЕСИА's `oid`, an OIDC `sub`).

    A citizen is found by `provider_subject` on every login, never by e-mail: e-mail
    addresses change hands, the provider's identifier does not. Name, e-mail and phone
    are refreshed from the provider's claims at each login, except `notification_email`
    once the citizen has chosen it themselves.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen_profile",
        verbose_name=_("user"),
    )
    provider_issuer = models.CharField(_("identity provider"), max_length=255)
    provider_subject = models.CharField(
        _("identifier at the provider"), max_length=255, unique=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notification_email = models.EmailField(_("e-mail for notifications"), blank=True)
    notification_email_chosen = models.BooleanField(
        _("e-mail chosen by the citizen"),
        default=False,
        help_text=_("Once the citizen sets it, logins no longer overwrite it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_login_claims_at = models.DateTimeField(_("claims last received"), null=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self):
        return str(self.user)
