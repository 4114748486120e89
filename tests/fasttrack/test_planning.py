"""Stage plans: how a term is shared among moderation, work and approval."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.fasttrack.calendar import WorkingCalendar
from plugins.fasttrack.planning import HOURS, Term, plan_stages, split_term

MOSCOW = ZoneInfo("Europe/Moscow")
RU = WorkingCalendar(tz=MOSCOW)


@pytest.mark.parametrize(("total", "weights", "parts"), [
    (21, (1, 19, 1), [1, 19, 1]),   # the subcategory's own terms come back unchanged
    (24, (1, 4, 1), [4, 16, 4]),
    (8, (1, 19, 1), [1, 6, 1]),     # every stage keeps at least one unit
    (3, (1, 4, 1), [1, 1, 1]),
    (2, (1, 4, 1), [1, 1, 0]),      # not enough units for all: the last stage gets none
])
def test_split_term(total, weights, parts):
    assert split_term(total, weights) == parts


@given(total=st.integers(min_value=0, max_value=500),
       weights=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5))
def test_split_term_adds_up_and_gives_each_stage_a_unit_when_it_can(total, weights):
    parts = split_term(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    if total >= len(weights):
        assert all(part >= 1 for part in parts)


def test_stages_follow_each_other_on_the_calendar():
    start = datetime(2026, 3, 2, 10, tzinfo=MOSCOW)
    plan = plan_stages(RU, start, (1, 4, 1))
    assert plan.moderation_due == datetime(2026, 3, 3, 10, tzinfo=MOSCOW)
    assert plan.work_due == datetime(2026, 3, 10, 10, tzinfo=MOSCOW)  # 9 March off
    assert plan.due_at == plan.approval_due == datetime(2026, 3, 11, 10, tzinfo=MOSCOW)


def test_a_fast_track_in_hours_shares_its_hours():
    start = datetime(2026, 3, 2, 10, tzinfo=MOSCOW)
    plan = plan_stages(RU, start, (1, 4, 1), Term(24, HOURS))
    assert plan.moderation_due == datetime(2026, 3, 2, 14, tzinfo=MOSCOW)
    assert plan.work_due == datetime(2026, 3, 4, 12, tzinfo=MOSCOW)
    assert plan.due_at == datetime(2026, 3, 4, 16, tzinfo=MOSCOW)
