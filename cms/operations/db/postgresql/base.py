"""PostgreSQL that waits for a restarting server instead of failing the request.

While the server restarts (`pg_ctl restart`, a failover, a crash recovery) a new
connection is refused for some seconds. Django's own backend answers every request of
those seconds with a 500; this one tries to connect again, with a growing pause, for up to
`CONNECT_RETRY_SECONDS` (a key of the database's settings; production's default is in
`pos_site/settings/production.py`), and only for the errors a restart gives. A wrong
password or a missing database fails at once, as before.

Used by the settings only when `CONNECT_RETRY_SECONDS` is above zero.
"""

from __future__ import annotations

import logging
import time

from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)

# What libpq says while a server is down, starting or stopping (not "password
# authentication failed", not "database ... does not exist").
WHILE_RESTARTING = (
    "connection refused",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "no such file or directory",  # the unix socket, before the server made it again
    "server closed the connection unexpectedly",
)


def is_server_restarting(error: Exception) -> bool:
    text = str(error).lower()
    return any(sign in text for sign in WHILE_RESTARTING)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        patience = float(self.settings_dict.get("CONNECT_RETRY_SECONDS") or 0)
        deadline = time.monotonic() + patience
        pause = 0.05
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError as error:
                if not is_server_restarting(error) or time.monotonic() + pause > deadline:
                    raise
                logger.warning("database: not answering (%s); connecting again in %.2f s",
                               str(error).strip().splitlines()[0], pause)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
