"""A message's stage due times from its terms: pure functions over a `WorkingCalendar`.

A message passes three stages back to back — moderation, work, answer approval — each with
a term of its subcategory in working days. Stage k is due when the terms of stages 1..k
have run from the start, so the approval stage's due time is the message's deadline.

A fast track replaces the total term (in working hours or working days). The stages then
share the fast track's term in proportion to the subcategory's terms, in whole units of
the fast track, each stage getting at least one unit when the term has enough of them:
a 24-hour fast track over terms 1/4/1 gives moderation 4 hours, work 16 and approval 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .calendar import WorkingCalendar

DAYS = "days"
HOURS = "hours"
STAGES = ("moderation", "work", "approval")


@dataclass(frozen=True)
class Term:
    """An amount of working time: `value` working days or working hours."""

    value: int
    unit: str = DAYS

    def __post_init__(self):
        if self.unit not in (DAYS, HOURS):
            raise ValueError(f"Unknown unit {self.unit!r}.")
        if self.value < 0:
            raise ValueError("A term cannot be negative.")


@dataclass(frozen=True)
class StagePlan:
    """When each stage is due; the last one is the message's deadline."""

    moderation_due: datetime
    work_due: datetime
    approval_due: datetime

    @property
    def due_at(self) -> datetime:
        return self.approval_due

    def due(self, stage: str) -> datetime:
        return getattr(self, f"{stage}_due")


def split_term(total: int, weights: Sequence[int]) -> list[int]:
    """Share `total` whole units among parts in proportion to `weights`.

    The parts add up to `total`: largest remainders first (earlier parts win ties), then
    a part left with nothing takes a unit from the largest, so that every stage has at
    least one unit when there are enough units for all. Positive weights that already
    add up to `total` come back unchanged.
    """
    if total < 0 or not weights or any(weight < 0 for weight in weights):
        raise ValueError("Split a non-negative total among non-negative weights.")
    weight_sum = sum(weights)
    count = len(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * count, count
    shares = [total * weight / weight_sum for weight in weights]
    parts = [int(share) for share in shares]
    left = total - sum(parts)
    by_remainder = sorted(range(count), key=lambda i: (-(shares[i] - parts[i]), i))
    for index in by_remainder[:left]:
        parts[index] += 1
    if total >= count:
        for index in range(count):
            if parts[index] == 0:
                largest = max(range(count), key=lambda i: (parts[i], -i))
                parts[largest] -= 1
                parts[index] += 1
    return parts


def plan_stages(calendar: WorkingCalendar, start: datetime, stage_days: Sequence[int],
                fast_track: Term | None = None) -> StagePlan:
    """Due times of the three stages of a message whose clock starts at `start`.

    :param stage_days: the subcategory's moderation, work and approval terms.
    :param fast_track: the region's fast track for the message, if any.
    """
    if fast_track is None:
        parts, unit = list(stage_days), DAYS
    else:
        parts, unit = split_term(fast_track.value, stage_days), fast_track.unit
    add = calendar.add_working_days if unit == DAYS else calendar.add_working_hours
    # Each stage counted on from the previous one's due time: the same moments as
    # counting the running total from `start` (working time adds up, and a due time is
    # the earliest moment its amount has passed), walking the calendar once, not thrice.
    dues = []
    due = start
    for part in parts:
        due = add(due, part)
        dues.append(due)
    return StagePlan(*dues)
