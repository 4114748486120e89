"""What a citizen reads in their message's history: public events, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cms.kernel.events import public_wording
from cms.models import AppealEvent


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    reason: str


def describe(event: AppealEvent, region) -> str:
    """The line the citizen reads: the wording its kind declares (`event_kinds` hook)."""
    return public_wording(event, region)


def public_history(appeal) -> list[HistoryLine]:
    return [
        HistoryLine(
            at=event.created_at,
            text=describe(event, appeal.region),
            reason=event.reason,
        )
        for event in appeal.events.filter(is_public=True).order_by("created_at", "pk")
    ]
