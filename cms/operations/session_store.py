"""Django's database sessions, with the read every request makes held compiled.

`SESSION_ENGINE = "cms.operations.session_store"`. Sessions are stored, saved, rotated
and flushed exactly as `django.contrib.sessions.backends.db` does; only the read of a
request's session runs as a `HeldQuery`. As in Django's store, a session is live until
its expiry by this process's clock (`timezone.now()`): the held query reads the row by
its key, and the expiry is compared here.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from cms.models.held_query import HeldQuery

SESSION_BY_KEY = HeldQuery(
    lambda key: Session.objects.filter(session_key=key),
    key="held-query-session-key",
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = SESSION_BY_KEY(key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None  # as Django's store does for a session gone or expired
        return None
