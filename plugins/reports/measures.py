"""What the deadline figures mean, in one place: the reports aggregate these conditions and
the message list behind a figure filters by the same ones.

- *answered*: the message has a published answer; its time is the first one's
  `published_at`;
- *on time*: answered no later than the deadline (a message without a deadline counts
  as on time); *late*: answered after it;
- *overdue now*: open with the clock running (`RUNNING_STATUSES`) and the deadline passed;
- *postponed*: a postponement of it was approved;
- *redirected*: an organisation sent it back as not theirs (ADDRESSEE_CHANGED events with
  `data.redirect`); *time lost in redirects*: from the first time the message was sent to
  an organisation to the last time (STATUS_CHANGED events to `sent_to_organisation`);
- *time to answer*: whole working days of the region's calendar from the registration
  day to the first answer's day (`WorkingDaysBetween`, PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)

from cms.kernel.plugins import hooks_for
from cms.models import (
    Answer,
    AppealEvent,
    EventKind,
    Postponement,
    Region,
    Status,
)
from cms.models.appeals import RUNNING_STATUSES


def published_answers():
    return Answer.objects.filter(appeal=OuterRef("pk"), is_published=True,
                                 published_at__isnull=False)


def first_answer_at() -> Subquery:
    return Subquery(published_answers().order_by("published_at").values("published_at")[:1],
                    output_field=DateTimeField())


def redirects():
    return AppealEvent.objects.filter(appeal=OuterRef("pk"), kind=EventKind.ADDRESSEE_CHANGED,
                                      data__redirect=True)


def redirect_count() -> Subquery:
    counted = (redirects().order_by().values("appeal")
               .annotate(n=Count("pk")).values("n"))
    return Subquery(counted, output_field=IntegerField())


def arrivals():
    return AppealEvent.objects.filter(appeal=OuterRef("pk"), kind=EventKind.STATUS_CHANGED,
                                      to_value=Status.SENT_TO_ORGANISATION).order_by()


def redirect_loss_hours() -> Func | Value:
    """Hours from the first arrival at an organisation to the last (None: no redirect;
    always None off PostgreSQL, whose interval arithmetic this uses)."""
    if not computes_percentiles():
        return Value(None, output_field=FloatField())
    first = Subquery(arrivals().values("appeal").annotate(at=Min("created_at")).values("at"))
    last = Subquery(arrivals().values("appeal").annotate(at=Max("created_at")).values("at"))
    return Func(last, first, template="EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0",
                arg_joiner=" - ", output_field=FloatField())


# --- conditions on a message, for the drill-down list --------------------------------------

def answered_q() -> Q:
    return Q(Exists(published_answers()))


def on_time_q() -> Q:
    in_time = Exists(published_answers().filter(published_at__lte=OuterRef("deadline")))
    return answered_q() & (Q(deadline__isnull=True) | Q(in_time))


def late_q() -> Q:
    in_time = Exists(published_answers().filter(published_at__lte=OuterRef("deadline")))
    return answered_q() & Q(deadline__isnull=False) & ~Q(in_time)


def overdue_q(now: datetime) -> Q:
    return Q(status__in=RUNNING_STATUSES, deadline__lt=now)


def postponed() -> Exists:
    return Exists(Postponement.objects.filter(appeal=OuterRef("pk"), is_approved=True))


def postponed_q() -> Q:
    return Q(postponed())


def redirected_q() -> Q:
    return Q(Exists(redirects()))


MEASURES: dict[str, Callable[[datetime], Q]] = {
    "answered": lambda now: answered_q(),
    "on_time": lambda now: on_time_q(),
    "late": lambda now: late_q(),
    "overdue": overdue_q,
    "postponed": lambda now: postponed_q(),
    "redirected": lambda now: redirected_q(),
}


# --- time to answer in working days ----------------------------------------------------------

class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the continuous `fraction` quantile of the values."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def working_day_numbers(regions: list[Region], since: date, until: date) -> str:
    """A JSON object "region id:date" → how many working days of the region's calendar
    fall on or before that date since `since` (from the `region_working_days` hook).
    The working days between two dates are the difference of their numbers."""
    numbers: dict[str, int] = {}
    for region in regions:
        working = set(hooks_for(region).region_working_days(
            region=region, since=since, until=until) or ())
        count, day = 0, since
        while day <= until:
            count += day in working
            numbers[f"{region.pk}:{day.isoformat()}"] = count
            day = date.fromordinal(day.toordinal() + 1)
    return json.dumps(numbers)


class WorkingDaysBetween(Func):
    """Whole working days from `start`'s local day to `end`'s, looked up in the numbers
    of `working_day_numbers` (NULL outside the calendar's span). PostgreSQL only."""

    output_field = IntegerField()

    def __init__(self, numbers: str, start, end):
        super().__init__(Value(numbers), F("region_id"), F("region__time_zone"), start, end)

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        (numbers, p_numbers), (region, p_region), (zone, p_zone) = compiled[:3]

        def number(moment_sql: str, moment_params: list) -> tuple[str, list]:
            sql = (f"(({numbers})::jsonb ->> (({region})::text || ':' || "
                   f"((({moment_sql}) AT TIME ZONE ({zone}))::date)::text))::int")
            return sql, [*p_numbers, *p_region, *moment_params, *p_zone]

        end_sql, end_params = number(*compiled[4])
        start_sql, start_params = number(*compiled[3])
        return f"({end_sql} - {start_sql})", [*end_params, *start_params]


def computes_percentiles() -> bool:
    return connection.vendor == "postgresql"
