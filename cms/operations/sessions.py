"""Staff sessions that end: after an idle period, and when the account is deactivated.

Django already stops authenticating an inactive user, but leaves the session (and with
it the CSRF-bound state of an open admin tab) in place; here the session is flushed on
the deactivated account's next request. Staff sessions also end after
POS_STAFF_SESSION_IDLE_SECONDS without a request. The last-seen time is written at most
once a minute, so an active session does not write on every request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LAST_SEEN = "pos_last_seen"
# Staff flag kept in the session at login, so the idle check costs no permission query.
IS_STAFF = "pos_staff_session"
WRITE_EVERY_SECONDS = 60


def is_staff_account(user) -> bool:
    return bool(user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


@receiver(user_logged_in, dispatch_uid="pos_operations_staff_session")
def mark_staff_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = int(time.time())
    if is_staff_account(user):
        request.session[IS_STAFF] = True


class StaffSessionMiddleware:
    """Below AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and self.must_end(request, session):
            logout(request)  # flushes the session and rotates the CSRF token
        return self.get_response(request)

    def must_end(self, request, session) -> bool:
        user = request.user  # the lazy user: the one query Django would run anyway
        if not user.is_authenticated:
            # The session names an account that no longer authenticates: deactivated
            # (or deleted) since the login.
            return True
        if not session.get(IS_STAFF):
            return False
        now = int(time.time())
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.POS_STAFF_SESSION_IDLE_SECONDS:
            return True
        if now - last_seen >= WRITE_EVERY_SECONDS or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return False
