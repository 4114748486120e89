"""Helpers of the fast-track tests: messages registered and moved at chosen moments.

The clock reacts to events (`appeal_transitioned`); these helpers write the events the
workflow would write, with the moment of each set explicitly, so that every due time in
the tests is an exact, hand-checked date on the production calendar.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from cms.models import AppealEvent, EventKind, Status
from cms.kernel.plugins import hooks_for
from tests import factories

SAMARA = ZoneInfo("Europe/Samara")  # the demo region's zone


def samara(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SAMARA)


def fire(appeal, kind, at: datetime, from_value="", to_value="", data=None) -> AppealEvent:
    # As the workflow does: the event and the hooks in one transaction.
    with transaction.atomic():
        event = AppealEvent(appeal=appeal, kind=kind, from_value=from_value,
                            to_value=to_value, data=data or {})
        event.save()
        event.created_at = at  # the moment the workflow wrote it
        hooks_for(appeal.region).appeal_transitioned(appeal=appeal, event=event)
    return event


def register(subcategory_code: str, at: datetime, region=None, **fields):
    """A message registered at `at`, its deadline from the hooks, its clock started."""
    appeal = factories.appeal(region=region, subcategory_code=subcategory_code, save=False,
                              status=Status.ON_MODERATION, **fields)
    choice = hooks_for(appeal.region).appeal_deadline(appeal=appeal, start=at)
    appeal.deadline, appeal.is_fast_track = choice.due_at, choice.is_fast_track
    appeal.save()
    fire(appeal, EventKind.REGISTERED, at, to_value=appeal.number)
    return appeal


def move(appeal, status: str, at: datetime) -> AppealEvent:
    """Change the status as the workflow does: save, then write the event."""
    old = appeal.status
    appeal.status = status
    appeal.save(update_fields=["status"])
    return fire(appeal, EventKind.STATUS_CHANGED, at, from_value=old, to_value=status)


@pytest.fixture
def region(demo):
    """The demo region, loaded with its shipped fasttracks.json (three fast tracks)."""
    return demo
