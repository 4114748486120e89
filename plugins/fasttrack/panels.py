"""The deadline stages of a message as the staff admin shows them: which one is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .clock import STAGE_ORDER
from .models import AppealClock, Stage

DONE, DONE_LATE, CURRENT, LATE, PAUSED, UPCOMING, SKIPPED = (
    "done", "done_late", "current", "late", "paused", "upcoming", "skipped",
)


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    due: datetime
    done_at: datetime | None
    state: str

    @property
    def is_late(self) -> bool:
        return self.state in (LATE, DONE_LATE)


def _state(clock: AppealClock, stage: str, now: datetime) -> str:
    due, done_at = clock.due(stage), getattr(clock, f"{stage}_done_at")
    if done_at is not None:
        return DONE_LATE if done_at > due else DONE
    if stage == clock.stage:
        if clock.paused_at is not None:
            return PAUSED
        return LATE if now > due else CURRENT
    if not clock.stage:
        return SKIPPED
    return UPCOMING


def stage_rows(appeal, now: datetime | None = None) -> dict:
    """The panel's context: the clock and a row per stage (one query)."""
    now = now or timezone.now()
    clock = AppealClock.objects.filter(appeal_id=appeal.pk).first()
    if clock is None:
        return {"clock": None, "stages": [], "late": []}
    rows = [
        StageRow(stage=stage, label=str(Stage(stage).label), due=clock.due(stage),
                 done_at=getattr(clock, f"{stage}_done_at"), state=_state(clock, stage, now))
        for stage in STAGE_ORDER
    ]
    return {
        "clock": clock,
        "stages": rows,
        "late": [row.label for row in rows if row.is_late],
        "time_zone": appeal.region.time_zone,
    }
