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
from django.utils import timezone

from cms.kernel.plugins import hooks_for
from cms.models import AppealEvent, EventKind, Status
from cms.workflow import actions
from tests import factories
from tests.workflow.builders import citizen, demo_staff

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


@pytest.fixture
def at(monkeypatch):
    """`at(moment)` sets what the workflow reads as now, and so when its events are
    written (their `auto_now_add` reads the same clock)."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def asked_and_answered(region, at, asked: datetime, answered: datetime | None):
    """A message registered on Monday 2 March 2026 at 10:00 (due 1 April 10:00), asked a
    question by the moderator at `asked` and answered by its author at `answered` (None:
    still waiting), both through the workflow's write paths."""
    author = citizen()
    registered = samara(2026, 3, 2, 10)
    at(registered)
    appeal = register("01.01", registered, region=region, citizen=author,
                      citizen_snapshot={"full_name": author.get_full_name(),
                                        "email": author.email})
    at(asked)
    actions.do_ask_clarification(appeal.pk, demo_staff()["moderator"], "Какой подъезд?")
    if answered is not None:
        at(answered)
        actions.do_answer_clarification(appeal.pk, author, "Второй подъезд")
    appeal.refresh_from_db()
    return appeal
