"""django-axes counts password logins only: staff log in with a password (Wagtail's
admin login, Django's authenticate with username and password); citizens come through
OpenID Connect claims already verified by the provider, with no password to guess.
"""

from axes.backends import AxesStandaloneBackend


def is_not_a_password_login(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: True (never counted, never locked) for the OIDC login."""
    return not credentials or "password" not in credentials or credentials.get("password") is None


def locked_out_page(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the admin's own page (429) instead of axes' plain text."""
    import math

    from axes.helpers import get_cool_off
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 15
    return render(request, "operations/login_locked.html", {"minutes": minutes}, status=429)


class PasswordLoginThrottleBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked-out password login before any
    backend checks the password. Calls without a request (Django's test client's
    `login()`, management commands) or without a password (the OIDC login) are not
    web password logins: nothing to throttle, so they pass on untouched instead of
    raising AxesBackendRequestParameterRequired."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or password is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
