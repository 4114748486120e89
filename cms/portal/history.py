"""What a citizen reads in their message's history: public events, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.models import AppealEvent, EventKind, Status


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    reason: str


def local_datetime(moment: datetime, region) -> str:
    return formats.date_format(
        timezone.localtime(moment, region.tzinfo), "DATETIME_FORMAT"
    )


def describe(event: AppealEvent, region) -> str:
    if event.kind == EventKind.REGISTERED:
        return _("Registered under number %(number)s") % {"number": event.to_value}
    if event.kind == EventKind.STATUS_CHANGED:
        label = Status(event.to_value).label if event.to_value in Status.values else ""
        return _("Status: %(status)s") % {"status": label or event.to_value}
    if event.kind == EventKind.ADDRESSEE_CHANGED:
        return _("Sent to %(organisation)s") % {"organisation": event.to_value}
    if event.kind == EventKind.DEADLINE_CHANGED:
        try:
            due = datetime.fromisoformat(event.to_value)
        except ValueError:
            return _("Deadline changed")
        return _("Answer due by %(date)s") % {"date": local_datetime(due, region)}
    label = event.get_kind_display()
    return f"{label}: {event.to_value}" if event.to_value else str(label)


def public_history(appeal) -> list[HistoryLine]:
    return [
        HistoryLine(
            at=event.created_at,
            text=describe(event, appeal.region),
            reason=event.reason,
        )
        for event in appeal.events.filter(is_public=True).order_by("created_at", "pk")
    ]
