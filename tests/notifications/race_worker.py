"""A worker process of the send-once tests, on the database DATABASE_URL names.

    python -m tests.notifications.race_worker setup COUNT       print the pks of COUNT new
                                                                pending notifications
    python -m tests.notifications.race_worker send DIR WORKERS PK...
                                                                send them with the real
                                                                outbox code, starting when
                                                                WORKERS processes are ready
    python -m tests.notifications.race_worker report            print every notification's
                                                                (pk, state, attempts)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django

TEMPLATE = "returned_for_rework"


def letter(index: int) -> dict:
    """A notification as the workflow records one; its reason carries characters an HTML
    escape would change."""
    return dict(template=TEMPLATE, email=f"staff{index}@example.org", context={
        "number": f"R-{index:04d}", "reason": 'Уточните "адрес" & <подъезд>',
        "link": "http://127.0.0.1:8000/admin/"})


def wait_for_the_others(folder: Path, workers: int) -> None:
    (folder / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("the other workers never got ready")
        time.sleep(0.01)


def main(argv: list[str]) -> None:
    django.setup()
    from django.db import connection

    from cms.models import Notification
    from cms.notifications.outbox import send_notification

    command, *args = argv
    if command == "setup":
        rows = [Notification.objects.create(**letter(index)) for index in range(int(args[0]))]
        print(json.dumps([row.pk for row in rows]))
    elif command == "send":
        folder, workers, pks = Path(args[0]), int(args[1]), [int(pk) for pk in args[2:]]
        connection.ensure_connection()  # its own connection, opened before the start
        wait_for_the_others(folder, workers)
        for pk in pks:
            send_notification(pk)
    elif command == "report":
        print(json.dumps(list(Notification.objects.order_by("pk")
                              .values_list("pk", "state", "attempts"))))


if __name__ == "__main__":
    main(sys.argv[1:])
