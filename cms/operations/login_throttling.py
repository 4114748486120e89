"""django-axes counts password logins only: staff log in with a password (Wagtail's
admin login, Django's authenticate with username and password); citizens come through
OpenID Connect claims already verified by the provider, with no password to guess.
"""


def is_not_a_password_login(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: True (never counted, never locked) for the OIDC login."""
    return not credentials or "password" not in credentials or credentials.get("password") is None
