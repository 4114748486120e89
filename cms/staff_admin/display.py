"""How messages are shown to staff: time left, the history in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.models import EventKind, Status
from cms.models.appeals import OPEN_STATUSES
from cms.workflow.table import Action


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


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    change: str
    why: str
    is_public: bool
    is_comment: bool


def _moment(value: str, tz) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value or "—"
    return formats.date_format(timezone.localtime(moment, tz), "SHORT_DATETIME_FORMAT")


def describe_event(event, tz) -> TimelineEntry:
    who = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _(
        "System")
    change = ""
    if event.kind == EventKind.STATUS_CHANGED:
        action = event.data.get("action", "")
        what = str(Action(action).label) if action in Action.values else _("Status changed")
        change = f"{_status_label(event.from_value)} → {_status_label(event.to_value)}"
    else:
        what = str(event.get_kind_display())
        if event.kind == EventKind.ADDRESSEE_CHANGED and event.data.get("redirect"):
            what = str(Action.REDIRECT.label)
        if event.kind == EventKind.DEADLINE_CHANGED:
            change = f"{_moment(event.from_value, tz)} → {_moment(event.to_value, tz)}"
        elif event.from_value or event.to_value:
            change = f"{event.from_value or '—'} → {event.to_value or '—'}"
    return TimelineEntry(at=event.created_at, who=who, what=what, change=change,
                         why=event.reason, is_public=event.is_public,
                         is_comment=event.kind == EventKind.COMMENT)
