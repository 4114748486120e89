"""A view whose database connection died under it is run once more.

When PostgreSQL restarts, the requests that were inside a query at that moment lose their
connection: Django answers them with a 500 although nothing of theirs was kept (their
transaction died with the connection). This middleware calls the view itself and, when
the view failed that way, calls it once more on a new connection (which
`cms.operations.db.postgresql` waits for while the server comes back).

It is the last middleware, so that its `process_view` runs after every other one's
(CSRF, the staff session, login throttling): the view is called only after their checks.

A second try is safe for every write path here: nothing of the first try was committed
when its connection died inside the transaction, and where it died after the commit the
write paths already answer a repeated form as they answer a double click: the same
confirmation for a citizen's form (its idempotency key), the 409 "changed by someone else"
page for a staff action (its version check).
"""

from __future__ import annotations

import logging

from django.db import connection
from django.db.utils import InterfaceError, OperationalError

from cms.operations.db.postgresql.base import is_server_restarting

logger = logging.getLogger(__name__)


# What libpq and psycopg2 say of a connection that died under a query, beside what they
# say while the server restarts (`is_server_restarting`, the backend's one list of those).
DIED_UNDER_A_QUERY = ("terminating connection", "connection already closed")


def connection_lost(error: Exception) -> bool:
    """The error came from a PostgreSQL connection that is no longer open."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if connection.vendor != "postgresql":
        return False
    # What the server said, or the state the error left: Django closed the connection
    # while rolling back (a restart that came between two queries of a transaction), or
    # it no longer answers.
    said = str(error).lower()
    return (is_server_restarting(error) or any(sign in said for sign in DIED_UNDER_A_QUERY)
            or connection.connection is None or not connection.is_usable())


def rewind_uploads(request) -> None:
    for upload in getattr(request, "_files", {}).values():
        upload.seek(0)


class RetryAfterLostDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if not connection_lost(error):
                raise
            logger.warning("database: the connection was lost during %s %s; trying again",
                           request.method, request.path)
        connection.close()
        rewind_uploads(request)
        # A second loss is answered as Django answers any error.
        return view(request, *args, **kwargs)
