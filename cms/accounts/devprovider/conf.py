"""Settings of the development provider. The settings modules import it: no models."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils.translation import gettext_lazy as _

# The demo's registered client; dev settings point the citizens' login at it by default.
DEMO_CLIENT_ID = "pos-demo"
# Known on purpose: it only ever opens the local stand-in, never ЕСИА.
DEMO_CLIENT_SECRET = "pos-demo-secret-for-the-local-stand-in-only"  # noqa: S105

SCOPES = {
    "openid": _("Your identifier"),
    "profile": _("Your name"),
    "email": _("Your e-mail address"),
    "phone": _("Your phone number"),
}


def generate_rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def load_or_create_rsa_key_pem(path: Path) -> str:
    """The provider's signing key, kept under var/ so tokens survive a restart."""
    if not path.exists():
        path.write_text(generate_rsa_key_pem(), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii")


VALIDATOR = "cms.accounts.devprovider.validator.DevIdentityValidator"


def oauth2_provider_settings(private_key_pem: str) -> dict:
    """`OAUTH2_PROVIDER` for django-oauth-toolkit: OpenID Connect, PKCE S256 only."""
    return {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": private_key_pem,
        "OAUTH2_VALIDATOR_CLASS": VALIDATOR,
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": ["openid"],
        "PKCE_REQUIRED": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ID_TOKEN_EXPIRE_SECONDS": 300,
        "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    }
