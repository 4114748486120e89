"""Working time on a production calendar: pure functions, no database.

A region's *working time* is the span from `day_start` to `day_end` (9:00–18:00 by
default) on each of its working days, in the region's time zone. Working days are the
national production calendar's (Russia: `holidays.RU`, which carries the public holidays and
the transferred days off and working Saturdays of each decree) with the region's
amendments on top: an extra day off wins over the national calendar, and so does an extra
working day.

What a term means, in one rule: **a term is an amount of working time counted from the
start**. N working hours are N hours of working time; N working days are N full working
days' worth of it (N × the length of the working day). So

- a message registered on a working day at 10:00 with a term of 1 working day is due at
  10:00 on the next working day (the same clock time);
- a message registered after hours, on a weekend or on a holiday starts counting at the
  beginning of the next working day, so 1 working day makes it due at the end of that
  day's working hours (18:00);
- 2025-12-30 10:00 plus 1 working day is 2026-01-12 10:00 (the New Year holidays and the
  transferred 31 December are skipped).

A due time is the earliest moment at which the term is used up, so it may fall exactly at
`day_end`. Pausing and resuming a clock uses the same measure (`working_time_between`), so
a paused term resumes with exactly the working time it had left.

The national calendar only knows years whose decree the `holidays` package has; for later
years it has the fixed holidays and no transfers, which is what a region's amendments are
for (and why the package is kept current).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ZERO = timedelta(0)

DEFAULT_DAY_START = time(9, 0)
DEFAULT_DAY_END = time(18, 0)

# A calendar amended into having no working days at all must fail, not loop forever.
MAX_SEARCH_DAYS = 3 * 366


@lru_cache(maxsize=1)
def _russian_calendar() -> holidays.HolidayBase:
    return holidays.RU()


@lru_cache(maxsize=8192)
def russian_working_day(day: date) -> bool:
    """The Russian production calendar: weekends, public holidays and transfers.

    Remembered per date for the process (a deadline walks a month of days, several
    times per message): the answer for a date is fixed by the installed `holidays`
    package, which only changes with a restart. 8,192 dates are about 22 years."""
    return _russian_calendar().is_working_day(day)


def weekdays_only(day: date) -> bool:
    """A calendar without holidays: Monday to Friday work (tests and comparisons)."""
    return day.weekday() < 5


@dataclass(frozen=True)
class WorkingCalendar:
    """One region's working time: national calendar, amendments, hours and time zone."""

    tz: ZoneInfo
    day_start: time = DEFAULT_DAY_START
    day_end: time = DEFAULT_DAY_END
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    national: Callable[[date], bool] = russian_working_day

    def __post_init__(self):
        if self.day_start >= self.day_end:
            raise ValueError("The working day must end after it starts.")
        if self.extra_days_off & self.extra_working_days:
            raise ValueError("A date cannot be both an extra day off and a working day.")

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return self.national(day)

    @property
    def day_length(self) -> timedelta:
        return _elapsed(datetime.combine(date(2000, 1, 3), self.day_start),
                        datetime.combine(date(2000, 1, 3), self.day_end))

    def _hours_of(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, self.day_start, tzinfo=self.tz),
                datetime.combine(day, self.day_end, tzinfo=self.tz))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest moment by which `amount` of working time has passed since `start`.

        `start` must be aware; the answer is in the region's zone. A zero amount gives
        `start` itself.
        """
        if amount < ZERO:
            raise ValueError("Working time cannot be negative.")
        moment = _aware(start).astimezone(self.tz)
        if amount == ZERO:
            return moment
        remaining = amount
        day = moment.date()
        for _step in range(MAX_SEARCH_DAYS + amount.days * 8):
            if self.is_working_day(day):
                opens, closes = self._hours_of(day)
                begin = max(moment, opens)
                if begin < closes:
                    available = _elapsed(begin, closes)
                    if remaining <= available:
                        return (begin.astimezone(timezone.utc) + remaining).astimezone(self.tz)
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("The calendar has no working time left to count a term in.")

    def add_working_hours(self, start: datetime, hours: int) -> datetime:
        return self.add_working_time(start, timedelta(hours=hours))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """`days` working days' worth of working time after `start` (see the module)."""
        return self.add_working_time(start, self.day_length * days)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working time lies between two moments (zero when `end` ≤ `start`)."""
        start, end = _aware(start).astimezone(self.tz), _aware(end).astimezone(self.tz)
        total = ZERO
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opens, closes = self._hours_of(day)
                begin, finish = max(start, opens), min(end, closes)
                if begin < finish:
                    total += _elapsed(begin, finish)
            day += timedelta(days=1)
        return total

    def shift(self, moment: datetime, amount: timedelta) -> datetime:
        """A due time moved later by `amount` of working time (a resumed clock)."""
        return self.add_working_time(moment, amount) if amount > ZERO else moment


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Deadlines are computed from aware datetimes only.")
    return moment


def _elapsed(begin: datetime, end: datetime) -> timedelta:
    """Real elapsed time (aware datetimes in one zone subtract as wall-clock time)."""
    if begin.tzinfo is None:
        return end - begin
    return end.astimezone(timezone.utc) - begin.astimezone(timezone.utc)
