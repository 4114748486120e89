"""What the stack holds after the load, read in its own settings.

`python -m loadtest.collect <run> <since (unix time)> <drain timeout s> <out.json>` waits
until the worker queue is drained (the broker's queue empty, nothing pending in the
outbox, nothing claimed: a claim a killed worker left is settled by the sweep once
stale) or the timeout passes, then writes the run's messages (their markers) and the
outbox rows since `since`, each rendered as the worker renders its letter.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime


def drain(since: datetime, timeout: float) -> dict:
    from django_q.brokers import get_broker

    from cms.models.notifications import Notification, NotificationState

    broker = get_broker()
    started = time.monotonic()
    while True:
        rows = Notification.objects.filter(created_at__gte=since)
        state = {
            "queued": broker.queue_size() or 0,
            "pending": rows.filter(state=NotificationState.PENDING).count(),
            "sending": rows.filter(state=NotificationState.SENDING).count(),
            "seconds": time.monotonic() - started,
            "timeout": timeout,
        }
        settled = not (state["queued"] or state["pending"] or state["sending"])
        if settled or state["seconds"] > timeout:
            return state
        time.sleep(2)


def collect(run: str, since_ts: float, timeout: float) -> dict:
    from cms.models import Appeal
    from cms.models.notifications import Notification
    from cms.notifications.outbox import render

    from .checks import marker_of

    since = datetime.fromtimestamp(since_ts, tz=UTC)
    drained = drain(since, timeout)
    appeals = [
        {"marker": marker_of(text), "public_id": str(public_id), "number": number}
        for public_id, number, text in Appeal.objects.filter(
            text__contains=f"[loadtest {run} "
        ).values_list("public_id", "number", "text")
    ]
    rows = []
    for notification in (
        Notification.objects.filter(created_at__gte=since)
        .select_related("appeal__region")
        .order_by("pk")
        .iterator()
    ):
        subject, body = render(notification)
        rows.append(
            {
                "id": notification.pk,
                "email": notification.email,
                "subject": subject,
                "body": body,
                "state": notification.state,
                "attempts": notification.attempts,
                "handed": notification.handed_at is not None,
                "template": notification.template,
            }
        )
    return {"drain": drained, "appeals": appeals, "notifications": rows}


if __name__ == "__main__":
    import django

    django.setup()
    run, since_ts, timeout, out = sys.argv[1:5]
    result = collect(run, float(since_ts), float(timeout))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
