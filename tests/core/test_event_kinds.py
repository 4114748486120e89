"""Event kinds: declared through the `event_kinds` hook (the core's too), collected once,
checked for duplicates and length, and read by both history describers."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.kernel.events import (
    check_event_kinds,
    event_kind,
    event_kinds,
    public_wording,
    staff_wording,
)
from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import hookimpl
from cms.models import AppealEvent, EventKind


class Declares:
    """A test plugin declaring the given kinds."""

    def __init__(self, *specs):
        self.specs = list(specs)

    @hookimpl
    def event_kinds(self):
        return self.specs


def event(kind, **fields) -> AppealEvent:
    return AppealEvent(kind=kind, **fields)


def test_hook_event_kinds(plugin_manager, demo):
    plugin_manager.register(Declares(EventKindSpec(
        key="rated", label="Rated",
        describe_staff=lambda event, tz: ("Rating", f"{event.to_value}/5"),
        describe_public=lambda event, region: f"You rated {event.to_value} in {region.code}",
    )), name="test-rating")
    rated = event("rated", to_value="4")
    assert event_kind("rated").label == "Rated"
    assert staff_wording(rated, demo.tzinfo) == ("Rating", "4/5")
    assert public_wording(rated, demo) == "You rated 4 in demo"


def test_a_kind_without_describers_reads_as_its_label(plugin_manager, demo):
    plugin_manager.register(Declares(EventKindSpec(key="noted", label="Noted")),
                            name="test-noted")
    assert staff_wording(event("noted", from_value="a", to_value="b"), demo.tzinfo) == (
        "Noted", "a → b")
    assert staff_wording(event("noted"), demo.tzinfo) == ("Noted", "")
    assert public_wording(event("noted", to_value="b"), demo) == "Noted"


def test_every_core_kind_is_declared_by_the_core(plugin_manager):
    assert set(EventKind.values) <= set(event_kinds())
    for kind in EventKind:
        assert event_kind(kind.value).label == kind.label


def test_the_core_wording_is_its_own(plugin_manager, demo):
    """The wording moved out of the describers into the core's declarations, unchanged."""
    due = datetime(2031, 3, 5, 20, 30, tzinfo=UTC).isoformat()
    deadline = event(EventKind.DEADLINE_CHANGED, to_value=due, from_value="")
    assert public_wording(deadline, demo) == "Срок ответа — до 6 марта 2031 г. 0:30"
    assert staff_wording(deadline, demo.tzinfo) == ("Срок изменён", "— → 06.03.2031 00:30")
    redirect = event(EventKind.ADDRESSEE_CHANGED, from_value="A", to_value="B",
                     data={"redirect": True})
    assert staff_wording(redirect, demo.tzinfo)[0] == "Перенаправить в другую организацию"
    status = event(EventKind.STATUS_CHANGED, from_value="on_moderation",
                   to_value="rejected", data={"action": "reject"})
    assert staff_wording(status, demo.tzinfo) == ("Отклонить", "На модерации → Отклонено")
    comment = event(EventKind.COMMENT, to_value="")
    assert public_wording(comment, demo) == "Внутренний комментарий"


def test_a_kind_nobody_declares_reads_as_its_key(plugin_manager, demo):
    gone = event("uninstalled_kind", to_value="x")
    assert event_kind("uninstalled_kind").label == "uninstalled_kind"
    assert staff_wording(gone, demo.tzinfo) == ("uninstalled_kind", "— → x")
    assert public_wording(gone, demo) == "uninstalled_kind"


def test_a_key_declared_twice_stops_the_start(plugin_manager):
    plugin_manager.register(Declares(EventKindSpec(key=EventKind.COMMENT, label="Mine")),
                            name="test-duplicate")
    with pytest.raises(ImproperlyConfigured, match="'comment' is declared by both"):
        event_kinds()
    [error] = check_event_kinds(None)
    assert error.id == "pos.E002" and "test-duplicate" in error.msg


def test_a_key_too_long_to_store_stops_the_start(plugin_manager):
    plugin_manager.register(Declares(EventKindSpec(key="k" * 33, label="Long")),
                            name="test-long")
    with pytest.raises(ImproperlyConfigured, match="longer than 32"):
        event_kinds()
    assert [error.id for error in check_event_kinds(None)] == ["pos.E002"]


def test_the_declared_kinds_pass_the_system_check(plugin_manager):
    assert check_event_kinds(None) == []
