"""The working-time arithmetic: fixed dates on the Russian production calendar, and
properties that hold for any start and term."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.kernel.default_plugins import add_weekdays
from plugins.fasttrack.calendar import (
    WorkingCalendar,
    russian_working_day,
    weekdays_only,
)

SAMARA = ZoneInfo("Europe/Samara")
MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
KALININGRAD = ZoneInfo("Europe/Kaliningrad")
UTC = ZoneInfo("UTC")

RU = WorkingCalendar(tz=MOSCOW)
PLAIN = WorkingCalendar(tz=MOSCOW, national=weekdays_only)


def at(year, month, day, hour=10, minute=0, tz=MOSCOW):
    return datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 12, 30), True),    # Tuesday
    (date(2025, 12, 31), False),   # Wednesday, a transferred day off (2025 decree)
    (date(2026, 1, 1), False),     # New Year holidays
    (date(2026, 1, 9), False),     # Friday, a transferred day off
    (date(2026, 1, 12), True),
    (date(2025, 11, 1), True),     # Saturday worked (transfer to 3 November)
    (date(2025, 11, 3), False),
    (date(2025, 11, 4), False),    # Unity Day
    (date(2026, 3, 9), False),     # Monday after 8 March on a Sunday
    (date(2026, 5, 1), False),
    (date(2026, 5, 9), False),     # Saturday, Victory Day
])
def test_the_national_calendar_knows_holidays_and_transfers(day, working):
    assert russian_working_day(day) is working


def test_one_working_day_over_new_year_is_twelfth_of_january():
    # The stack notes' case: 2025-12-30 plus one working day is 2026-01-12.
    assert RU.add_working_days(at(2025, 12, 30, 10), 1) == at(2026, 1, 12, 10)


def test_a_working_saturday_counts_and_the_transferred_monday_does_not():
    # Friday 31 October 2025 10:00 + 1 day: Saturday 1 November is a working day.
    assert RU.add_working_days(at(2025, 10, 31, 10), 1) == at(2025, 11, 1, 10)
    # Saturday 1 November + 1 day skips 2 (Sunday), 3 (transferred) and 4 (holiday).
    assert RU.add_working_days(at(2025, 11, 1, 10), 1) == at(2025, 11, 5, 10)


def test_same_clock_time_inside_hours_end_of_day_outside():
    monday = at(2026, 3, 2, 10)
    assert RU.add_working_days(monday, 1) == at(2026, 3, 3, 10)
    assert RU.add_working_days(monday, 5) == at(2026, 3, 10, 10)  # 9 March is off
    # After hours, on a weekend or a holiday the count starts next working morning.
    assert RU.add_working_days(at(2026, 3, 2, 19), 1) == at(2026, 3, 3, 18)
    assert RU.add_working_days(at(2026, 3, 7, 12), 1) == at(2026, 3, 10, 18)
    assert RU.add_working_days(at(2026, 1, 1, 12), 1) == at(2026, 1, 12, 18)
    # Before hours counts from the opening, the same day.
    assert RU.add_working_days(at(2026, 3, 2, 7), 1) == at(2026, 3, 2, 18)


def test_working_hours_roll_over_the_evening_and_the_weekend():
    friday = at(2026, 3, 6, 16)
    assert RU.add_working_hours(friday, 2) == at(2026, 3, 6, 18)
    assert RU.add_working_hours(friday, 3) == at(2026, 3, 10, 10)  # Monday 9 March off
    assert RU.add_working_hours(at(2026, 3, 6, 23), 24) == at(2026, 3, 12, 15)


def test_a_term_across_the_year_boundary():
    # 25 December 2025 (Thursday) + 5 working days: 26, 29, 30 December, then 12, 13 January.
    assert RU.add_working_days(at(2025, 12, 25, 10), 5) == at(2026, 1, 13, 10)


def test_time_zones_the_same_utc_moment_is_counted_locally():
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 17:00 in Vladivostok, 9:00 in Kaliningrad
    far_east = WorkingCalendar(tz=VLADIVOSTOK)
    west = WorkingCalendar(tz=KALININGRAD)
    assert far_east.add_working_hours(start, 2) == at(2026, 3, 3, 10, tz=VLADIVOSTOK)
    assert west.add_working_hours(start, 2) == at(2026, 3, 2, 11, tz=KALININGRAD)
    assert far_east.add_working_hours(start, 2).tzinfo == VLADIVOSTOK


def test_naive_starts_are_refused():
    with pytest.raises(ValueError):
        RU.add_working_days(datetime(2026, 3, 2, 10), 1)


def test_region_amendments_win_over_the_national_calendar():
    holiday = date(2026, 3, 3)
    amended = WorkingCalendar(tz=MOSCOW, extra_days_off=frozenset({holiday}),
                              extra_working_days=frozenset({date(2026, 3, 7)}))
    assert not amended.is_working_day(holiday)
    assert amended.is_working_day(date(2026, 3, 7))  # a Saturday declared working
    # Monday 10:00 + 1 day: Tuesday is the regional holiday, so Wednesday.
    assert amended.add_working_days(at(2026, 3, 2, 10), 1) == at(2026, 3, 4, 10)
    # Friday 6 March + 1 day: the amended Saturday works.
    assert amended.add_working_days(at(2026, 3, 6, 10), 1) == at(2026, 3, 7, 10)


def test_working_hours_of_the_region():
    short_day = WorkingCalendar(tz=MOSCOW, day_start=time(8), day_end=time(12))
    assert short_day.day_length == timedelta(hours=4)
    assert short_day.add_working_days(at(2026, 3, 2, 10), 1) == at(2026, 3, 3, 10)
    assert short_day.add_working_hours(at(2026, 3, 2, 10), 3) == at(2026, 3, 3, 9)
    with pytest.raises(ValueError):
        WorkingCalendar(tz=MOSCOW, day_start=time(18), day_end=time(9))


def test_working_time_between_counts_only_working_hours():
    assert RU.working_time_between(at(2026, 3, 6, 17), at(2026, 3, 10, 10)) == timedelta(hours=2)
    assert RU.working_time_between(at(2026, 3, 10, 10), at(2026, 3, 6, 17)) == timedelta(0)
    assert RU.working_time_between(at(2025, 12, 30, 9), at(2026, 1, 12, 9)) == timedelta(hours=9)


def test_a_calendar_without_working_days_fails_instead_of_looping():
    never = WorkingCalendar(tz=MOSCOW, national=lambda day: False)
    with pytest.raises(ValueError):
        never.add_working_days(at(2026, 3, 2), 1)


# --- properties ------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31),
                      timezones=st.sampled_from([MOSCOW, SAMARA, VLADIVOSTOK, UTC]))
days = st.integers(min_value=0, max_value=60)
hours = st.integers(min_value=0, max_value=300)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=days)
def test_a_deadline_is_never_earlier_than_its_start(start, n):
    assert RU.add_working_days(start, n) >= start


@settings(max_examples=200, deadline=None)
@given(start=starts, n=days, more=st.integers(min_value=1, max_value=10))
def test_adding_days_is_monotonic(start, n, more):
    assert RU.add_working_days(start, n + more) > RU.add_working_days(start, n)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=hours, more=st.integers(min_value=1, max_value=50))
def test_adding_hours_is_monotonic(start, n, more):
    assert RU.add_working_hours(start, n + more) > RU.add_working_hours(start, n)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_a_weekend_only_week_moves_a_deadline_by_exactly_its_weekdays(start, n):
    # Without holidays, five more working days is exactly one calendar week later.
    assert PLAIN.add_working_days(start, n + 5) == PLAIN.add_working_days(start, n) + timedelta(
        days=7)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
       minute=st.integers(min_value=1, max_value=9 * 60 - 1), n=days)
def test_without_holidays_days_are_the_cores_weekdays(day, minute, n):
    # On a weekday strictly inside working hours, N working days is N weekdays at the
    # same time. (At 9:00 sharp, one working day ends at 18:00 the same day.)
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    start = datetime.combine(day, time(9), tzinfo=MOSCOW) + timedelta(minutes=minute)
    assert PLAIN.add_working_days(start, n) == add_weekdays(start, n)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=300))
def test_working_time_between_inverts_adding_it(start, n):
    due = RU.add_working_hours(start, n)
    assert RU.working_time_between(start, due) == timedelta(hours=n)


@settings(max_examples=100, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=30))
def test_a_regional_day_off_in_the_term_costs_exactly_one_working_day(start, n):
    due = RU.add_working_days(start, n)
    begin = start.astimezone(MOSCOW).date() + timedelta(days=1)
    inside = [begin + timedelta(days=k) for k in range((due.date() - begin).days)]
    working = [day for day in inside if RU.is_working_day(day)]
    if not working:
        return
    amended = WorkingCalendar(tz=MOSCOW, extra_days_off=frozenset({working[0]}))
    assert amended.add_working_days(start, n) == RU.add_working_days(start, n + 1)
