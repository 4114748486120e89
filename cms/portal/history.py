"""What a citizen reads in their message's history: public events, in plain words.

Only events marked public reach it, and only their `reason`: an event's `internal_note`
is for staff. A deadline event's reason is the staff's explanation of the count, so the
citizen reads how far the date moved instead, and nothing when it did not move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import ngettext

from cms.kernel.events import public_wording
from cms.models import AppealEvent, EventKind, Status

# A closed or rejected message waits for nothing: its page shows no deadline.
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED})


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    reason: str


def describe(event: AppealEvent, region) -> str:
    """The line the citizen reads: the wording its kind declares (`event_kinds` hook)."""
    return public_wording(event, region)


def shows_deadline(appeal) -> bool:
    return appeal.deadline is not None and appeal.status not in FINAL_STATUSES


def extension_words(moved: timedelta) -> str:
    """ "by 2 days" / "by 3 hours" for how far a deadline moved; "" under an hour."""
    hours = int(moved.total_seconds() // 3600)
    if hours >= 48:
        days = round(hours / 24)
        return ngettext("The deadline was extended by %(count)d day.",
                        "The deadline was extended by %(count)d days.", days) % {"count": days}
    if hours >= 1:
        return ngettext("The deadline was extended by %(count)d hour.",
                        "The deadline was extended by %(count)d hours.", hours) % {
            "count": hours}
    return ""


def _deadline_moved(event: AppealEvent) -> timedelta | None:
    try:
        old = datetime.fromisoformat(event.from_value)
        new = datetime.fromisoformat(event.to_value)
    except ValueError:
        return None
    return new - old


def _line(event: AppealEvent, region) -> HistoryLine | None:
    if event.kind == EventKind.DEADLINE_CHANGED:
        moved = _deadline_moved(event)
        if moved is not None:
            words = extension_words(moved)
            if not words:
                return None  # a pause of no length: nothing to tell
            return HistoryLine(at=event.created_at, text=describe(event, region),
                               reason=words)
        return HistoryLine(at=event.created_at, text=describe(event, region), reason="")
    return HistoryLine(at=event.created_at, text=describe(event, region), reason=event.reason)


def public_lines(events, region) -> list[HistoryLine]:
    """The citizen's wording of already-fetched public events (the portal's page and the
    Open311 API both tell the same history)."""
    lines = (_line(event, region) for event in events)
    return [line for line in lines if line is not None]


def public_history(appeal) -> list[HistoryLine]:
    return public_lines(appeal.events.filter(is_public=True).order_by("created_at", "pk"),
                        appeal.region)
