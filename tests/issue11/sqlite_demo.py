"""A process on the demo's SQLite database (DATABASE_URL), for test_sqlite_worker.

    python -m tests.issue11.sqlite_demo register COUNT SECONDS
        record COUNT notifications over SECONDS, as the web process does while the
        worker runs (each written, then its task enqueued three times: a re-delivered
        or retried task), and print their pks
    python -m tests.issue11.sqlite_demo queued
        print how many tasks the ORM broker still holds
"""

from __future__ import annotations

import json
import sys
import time

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django_q.models import OrmQ
    from django_q.tasks import async_task

    from cms.models import Notification
    from tests.notifications.race_worker import letter

    command, *args = argv
    if command == "register":
        count, seconds = int(args[0]), float(args[1])
        pks = []
        for index in range(count):
            row = Notification.objects.create(**letter(index))
            pks.append(row.pk)
            for _copy in range(3):
                async_task("cms.notifications.tasks.send_notification_task", row.pk,
                           sync=False)
            time.sleep(seconds / count)
        print(json.dumps(pks))
    elif command == "queued":
        print(OrmQ.objects.count())


if __name__ == "__main__":
    main(sys.argv[1:])
