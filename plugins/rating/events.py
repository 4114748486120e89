"""The rating's own event kinds in a message's history, and how they read for staff and
for the citizen (`event_kinds` hook)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import hookimpl

from .models import MAX_SCORE, Solved
from .services import CHANGED, GIVEN

__all__ = ["event_kinds"]


def _score(value) -> str:
    return _("%(score)s of %(max)d") % {"score": value or "—", "max": MAX_SCORE}


def _solved(event) -> str:
    value = event.data.get("solved", "")
    if value not in Solved.values:
        return ""
    return f"{_('Was the problem solved?')} {Solved(value).label}"


def given_for_staff(event, tz) -> tuple[str, str]:
    parts = [_score(event.to_value), _solved(event)]
    return _("Rating given"), "; ".join(part for part in parts if part)


def changed_for_staff(event, tz) -> tuple[str, str]:
    change = f"{event.from_value or '—'} → {_score(event.to_value)}"
    parts = [change, _solved(event)]
    return _("Rating changed"), "; ".join(part for part in parts if part)


def given_for_citizen(event, region) -> str:
    return _("Rating: %(score)s") % {"score": _score(event.to_value)}


def changed_for_citizen(event, region) -> str:
    return _("Rating changed: %(old)s → %(new)s") % {
        "old": event.from_value or "—", "new": _score(event.to_value)}


@hookimpl
def event_kinds() -> list[EventKindSpec]:
    return [
        EventKindSpec(key=GIVEN, label=gettext_lazy("Rating given"),
                      describe_staff=given_for_staff, describe_public=given_for_citizen),
        EventKindSpec(key=CHANGED, label=gettext_lazy("Rating changed"),
                      describe_staff=changed_for_staff, describe_public=changed_for_citizen),
    ]
