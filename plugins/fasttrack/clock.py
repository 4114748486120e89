"""A message's stage clock, moved by the workflow's events.

Called from `appeal_transitioned`, inside the transaction that wrote the event:

- REGISTERED starts the clock: the stage due times of the plan, the last one anchored to
  the deadline registration stored;
- a status change moves the current stage (and records when a stage was done);
  entering "waiting for the citizen" pauses the clock, leaving it resumes the clock with
  every due time moved by the working time it was paused. The message's deadline is the
  core's to write: it asks `deadline_after_pause`, which this plugin answers with
  `recount_after_pause` (the same working time, on the production calendar), so the
  clock takes the pause from how far the deadline moved and its last stage stays the
  deadline;
- a new category (moderation re-categorised the message) plans the stages again from
  the start with the new subcategory's terms or fast track;
- a deadline moved by someone else (an approved postponement) moves the stages not yet
  done by the same working time, so each keeps its length.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils.translation import gettext as _

from cms.kernel.hookspecs import DeadlineChoice
from cms.models import Appeal, AppealEvent, EventKind, Status

from .calendar import WorkingCalendar
from .deadlines import plan_deadline, region_time, remembered_plan
from .models import AppealClock, Stage

STAGE_ORDER = tuple(Stage.values)


# The stage a status belongs to. Waiting for the citizen keeps the stage (paused); a
# status missing here (answered, closed, rejected) has no stage running.
STAGE_OF_STATUS = {
    Status.REGISTERED: Stage.MODERATION,
    Status.ON_MODERATION: Stage.MODERATION,
    Status.SENT_TO_ORGANISATION: Stage.WORK,
    Status.IN_WORK: Stage.WORK,
    Status.POSTPONED: Stage.WORK,
    Status.ON_APPROVAL: Stage.APPROVAL,
}


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    if event.kind == EventKind.REGISTERED:
        start_clock(appeal, event.created_at)
        return
    clock = _clock_started_in_this_transaction(appeal)
    if clock is None:
        clock = AppealClock.objects.select_for_update().filter(appeal_id=appeal.pk).first()
    if clock is None:
        # Registered while the plugin was off for the region: no stages to follow.
        return
    settings, calendar = region_time(appeal)
    changed = False
    if event.kind == EventKind.STATUS_CHANGED:
        changed = _status_changed(clock, calendar, event.from_value, event.to_value,
                                  event.created_at, appeal.deadline)
    if event.kind == EventKind.CATEGORY_CHANGED:
        changed = _replan(clock, appeal, calendar)
    else:
        changed = _follow_deadline(clock, calendar, appeal.deadline) or changed
    if not changed:
        return
    _schedule_warning(clock, settings.warning_lead, event.created_at)
    clock.save()


def start_clock(appeal: Appeal, at: datetime) -> AppealClock:
    settings, calendar = region_time(appeal)
    plan = remembered_plan(appeal) or plan_deadline(appeal, at, calendar)
    deadline = appeal.deadline or plan.due_at
    # Registration writes the REGISTERED event once per message, in its own transaction.
    clock = AppealClock(
        appeal=appeal,
        started_at=at,
        regular_deadline=deadline,
        moderation_due=min(plan.stages.moderation_due, deadline),
        work_due=min(plan.stages.work_due, deadline),
        approval_due=deadline,
        stage=STAGE_OF_STATUS.get(appeal.status, ""),
    )
    _schedule_warning(clock, settings.warning_lead, at)
    clock.save(force_insert=True)
    _remember_started_clock(appeal, clock)
    return clock


# Registration writes four events in one transaction; the clock its REGISTERED event
# inserted is locked by that transaction already, so the next three use the row in hand
# instead of reading it again FOR UPDATE.
STARTED_CLOCK = "_fasttrack_started_clock"


def _remember_started_clock(appeal: Appeal, clock: AppealClock) -> None:
    if not connection.in_atomic_block:
        return
    # The outermost atomic block names the transaction: kept with the clock, so it is
    # alive (never another block's id) for as long as the memo is.
    appeal.__dict__[STARTED_CLOCK] = (clock, connection.atomic_blocks[0])
    transaction.on_commit(lambda: appeal.__dict__.pop(STARTED_CLOCK, None))


def _clock_started_in_this_transaction(appeal: Appeal) -> AppealClock | None:
    held = appeal.__dict__.get(STARTED_CLOCK)
    if held is None or not connection.in_atomic_block:
        return None
    clock, block = held
    if block is not connection.atomic_blocks[0] or clock.appeal_id != appeal.pk:
        return None
    return clock


def _position(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage else len(STAGE_ORDER)


def recount_after_pause(appeal: Appeal, resumed_at: datetime) -> DeadlineChoice | None:
    """The message's deadline moved by the working time its clock has been paused until
    `resumed_at` (the answer to `deadline_after_pause`); None without a paused clock."""
    clock = AppealClock.objects.filter(appeal_id=appeal.pk, paused_at__isnull=False).first()
    if clock is None or appeal.deadline is None:
        return None
    _settings, calendar = region_time(appeal)
    paused = calendar.working_time_between(clock.paused_at, resumed_at)
    hours = round(paused.total_seconds() / 3600, 1)
    return DeadlineChoice(
        due_at=calendar.shift(appeal.deadline, paused),
        is_fast_track=appeal.is_fast_track,
        explanation=_("Recounted on the production calendar: the clock was paused for "
                      "%(hours)s working hours while waiting for the citizen.")
        % {"hours": hours},
    )


def _paused_working_time(clock: AppealClock, calendar: WorkingCalendar,
                         deadline: datetime | None, at: datetime) -> timedelta:
    """How long the clock was paused, in working time.

    When the core resumed the message it moved the deadline by `recount_after_pause`,
    so the working time the deadline moved *is* the pause, to the microsecond (the
    event is written a moment after the core asked). A message rejected while waiting
    keeps its deadline: nothing moves. Without a deadline the pause is measured to `at`.
    """
    if deadline is None:
        return calendar.working_time_between(clock.paused_at, at)
    return calendar.working_time_between(clock.approval_due, deadline)


def _status_changed(clock: AppealClock, calendar: WorkingCalendar, from_status: str,
                    to_status: str, at: datetime, deadline: datetime | None) -> bool:
    """Move the clock for a status change; whether it changed."""
    if to_status == Status.WAITING_FOR_CITIZEN:
        if clock.paused_at is not None:
            return False
        clock.paused_at = at
        return True
    resumed = None
    if clock.paused_at is not None:
        resumed = _paused_working_time(clock, calendar, deadline, at)
        for stage in STAGE_ORDER:
            setattr(clock, f"{stage}_due", calendar.shift(clock.due(stage), resumed))
        clock.regular_deadline = calendar.shift(clock.regular_deadline, resumed)
        clock.paused_total += resumed
        clock.paused_at = None
    new_stage = STAGE_OF_STATUS.get(to_status, "")
    old, new = _position(clock.stage), _position(new_stage)
    if new > old:
        for stage in STAGE_ORDER[old:new]:
            if getattr(clock, f"{stage}_done_at") is None:
                setattr(clock, f"{stage}_done_at", at)
    elif new < old:
        # Sent back (returned with remarks, redirected, reopened): the stage runs again.
        for stage in STAGE_ORDER[new:]:
            setattr(clock, f"{stage}_done_at", None)
    moved = new_stage != clock.stage
    clock.stage = new_stage
    return moved or resumed is not None


def _replan(clock: AppealClock, appeal: Appeal, calendar: WorkingCalendar) -> bool:
    """Stages not done yet follow the new subcategory's plan (from the same start, plus
    the time already paused); the last one is the deadline the workflow set."""
    plan = plan_deadline(appeal, clock.started_at, calendar)
    deadline = appeal.deadline or plan.due_at
    for stage in STAGE_ORDER[:-1]:
        if getattr(clock, f"{stage}_done_at") is None:
            due = calendar.shift(plan.stages.due(stage), clock.paused_total)
            setattr(clock, f"{stage}_due", min(due, deadline))
    clock.approval_due = clock.regular_deadline = deadline
    return True


def _follow_deadline(clock: AppealClock, calendar: WorkingCalendar,
                     deadline: datetime | None) -> bool:
    """Move the stages with a deadline someone else moved; whether anything moved."""
    if deadline is None or deadline == clock.approval_due:
        return False
    if deadline > clock.approval_due:
        moved = calendar.working_time_between(clock.approval_due, deadline)
        for stage in STAGE_ORDER[:-1]:
            if getattr(clock, f"{stage}_done_at") is None:
                setattr(clock, f"{stage}_due",
                        min(calendar.shift(clock.due(stage), moved), deadline))
    else:
        for stage in STAGE_ORDER[:-1]:
            setattr(clock, f"{stage}_due", min(clock.due(stage), deadline))
    clock.approval_due = deadline
    return True


def _schedule_warning(clock: AppealClock, lead: timedelta, at: datetime) -> None:
    """When to warn that the current stage is due: `lead` before, not in its first half."""
    if not clock.stage or clock.paused_at is not None:
        clock.warn_at = clock.warn_floor = None
        return
    due = clock.due(clock.stage)
    clock.warn_floor = at + (due - at) / 2 if due > at else at
    clock.warn_at = max(due - lead, clock.warn_floor)
