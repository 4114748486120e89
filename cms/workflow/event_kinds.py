"""The core's event kinds and how each reads, declared through the `event_kinds` hook as a
plugin declares its own (`cms.kernel.events` collects them all).

The write paths use the constants of `cms.models.EventKind`; this module gives each its
wording in the staff timeline and in the citizen's history.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.kernel.events import value_change
from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import hookimpl
from cms.models import EventKind, Status

from .table import Action


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _short_moment(value: str, tz) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value or "—"
    return formats.date_format(timezone.localtime(moment, tz), "SHORT_DATETIME_FORMAT")


# --- the staff timeline: (what, change) --------------------------------------------------


def status_change_for_staff(event, tz) -> tuple[str, str]:
    action = event.data.get("action", "")
    what = str(Action(action).label) if action in Action.values else str(
        EventKind.STATUS_CHANGED.label)
    return what, f"{_status_label(event.from_value)} → {_status_label(event.to_value)}"


def addressee_change_for_staff(event, tz) -> tuple[str, str]:
    # A redirect by the organisation reads as the action, not as a plain change.
    label = Action.REDIRECT.label if event.data.get("redirect") else (
        EventKind.ADDRESSEE_CHANGED.label)
    return str(label), value_change(event)


def deadline_change_for_staff(event, tz) -> tuple[str, str]:
    return (str(EventKind.DEADLINE_CHANGED.label),
            f"{_short_moment(event.from_value, tz)} → {_short_moment(event.to_value, tz)}")


# --- the citizen's history: one line ------------------------------------------------------


def registration_for_citizen(event, region) -> str:
    return _("Registered under number %(number)s") % {"number": event.to_value}


def status_change_for_citizen(event, region) -> str:
    label = Status(event.to_value).label if event.to_value in Status.values else ""
    return _("Status: %(status)s") % {"status": label or event.to_value}


def addressee_change_for_citizen(event, region) -> str:
    return _("Sent to %(organisation)s") % {"organisation": event.to_value}


def deadline_change_for_citizen(event, region) -> str:
    try:
        due = datetime.fromisoformat(event.to_value)
    except ValueError:
        return str(EventKind.DEADLINE_CHANGED.label)
    local = formats.date_format(timezone.localtime(due, region.tzinfo), "DATETIME_FORMAT")
    return _("Answer due by %(date)s") % {"date": local}


def label_and_value_for_citizen(event, region) -> str:
    label = EventKind(event.kind).label
    return f"{label}: {event.to_value}" if event.to_value else str(label)


@hookimpl
def event_kinds() -> list[EventKindSpec]:
    described = {
        EventKind.REGISTERED: (None, registration_for_citizen),
        EventKind.STATUS_CHANGED: (status_change_for_staff, status_change_for_citizen),
        EventKind.ADDRESSEE_CHANGED: (addressee_change_for_staff,
                                      addressee_change_for_citizen),
        EventKind.DEADLINE_CHANGED: (deadline_change_for_staff, deadline_change_for_citizen),
    }
    specs = []
    for kind in EventKind:
        for_staff, for_citizen = described.get(kind, (None, label_and_value_for_citizen))
        specs.append(EventKindSpec(key=kind.value, label=kind.label,
                                   describe_staff=for_staff, describe_public=for_citizen))
    return specs
