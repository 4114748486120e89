"""Django's database sessions, with the read every request makes held compiled.

`SESSION_ENGINE = "cms.operations.session_store"`. Sessions are stored, saved, rotated
and flushed exactly as `django.contrib.sessions.backends.db` does; only the read of a
request's session runs as a `HeldQuery`. It compares the expiry with the database's
clock (`Now()`) rather than this process's, a difference of the clocks' skew only.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models.functions import Now

from cms.models.held_query import HeldQuery

UNEXPIRED_SESSION = HeldQuery(
    lambda key: Session.objects.filter(session_key=key, expire_date__gt=Now()),
    key="held-query-session-key",
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = UNEXPIRED_SESSION(key=self.session_key)
        if found:
            return found[0]
        self._session_key = None  # as Django's store does for a session gone or expired
        return None
