"""Why a login was refused: a stable code for logs and support, and a message."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_configured": (_("Login is not set up on this site yet."), 503),
    "provider_unavailable": (
        _("The identity provider did not answer. Please try again in a few minutes."),
        502,
    ),
    "provider_refused": (_("The identity provider did not confirm the login."), 400),
    "state": (
        _("This login attempt has expired or was already used. Please log in again."),
        400,
    ),
    "token": (
        _("The identity provider did not accept the login code. Please log in again."),
        400,
    ),
    "id_token": (_("The identity provider's answer could not be verified."), 400),
    "userinfo": (_("The identity provider's answer could not be verified."), 400),
    "account_conflict": (
        _(
            "Your identity is linked to another account on this site. "
            "Please contact support."
        ),
        409,
    ),
    "account_disabled": (_("This account is blocked. Please contact support."), 403),
}


class LoginRefused(Exception):
    """A login that must not go ahead. `code` is e.g. "state" or "id_token.audience"."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def family(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def message(self):
        return MESSAGES[self.family][0]

    @property
    def status(self) -> int:
        return MESSAGES[self.family][1]
