"""How messages are shown to staff: time left, the history in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cms.kernel.events import staff_wording
from cms.models import EventKind, Status
from cms.models.appeals import OPEN_STATUSES


@dataclass(frozen=True)
class TimeLeft:
    text: str
    is_overdue: bool


def _span(delta: timedelta) -> str:
    days, seconds = delta.days, delta.seconds
    hours = seconds // 3600
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours,
                                              "minutes": (seconds % 3600) // 60}


def time_left(appeal, now: datetime | None = None) -> TimeLeft:
    """The deadline as time left, or how long it is overdue (open messages only)."""
    now = now or timezone.now()
    if appeal.status not in OPEN_STATUSES or appeal.deadline is None:
        return TimeLeft("—", False)
    if appeal.status == Status.WAITING_FOR_CITIZEN:
        return TimeLeft(_("paused: waiting for the citizen"), False)
    if appeal.is_overdue or appeal.deadline < now:
        return TimeLeft(_("overdue by %(span)s") % {"span": _span(now - appeal.deadline)},
                        True)
    return TimeLeft(_("%(span)s left") % {"span": _span(appeal.deadline - now)}, False)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    change: str
    why: str
    is_public: bool
    is_comment: bool


def describe_event(event, tz) -> TimelineEntry:
    who = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _(
        "System")
    what, change = staff_wording(event, tz)  # as its kind declares (`event_kinds`)
    return TimelineEntry(at=event.created_at, who=who, what=what, change=change,
                         why="\n".join(filter(None, (event.reason, event.internal_note))),
                         is_public=event.is_public,
                         is_comment=event.kind == EventKind.COMMENT)
