"""The messages behind a figure: the extra conditions a report's link adds to the filters.

A figure's link is the reports' message list (`reports_admin:messages`) with the report's
filters and some of these GET parameters; `drilldown_q(params, now)` turns them into one
`Q` on Appeal. The conditions are the reports' own definitions (`plugins.reports.measures`),
so a figure and its list always count the same messages.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from . import measures

# GET parameter -> Appeal field it equals (ids and plain values).
EQUALS = {
    "org": "organisation_id",
    "cat": "category_id",
    "sub": "subcategory_id",
    "ter": "territory_id",
    "chan": "channel",
    "status": "status",
    "executor": "executor_id",
    "address": "address",
}


def drilldown_q(params, now: datetime, zone: str) -> Q:
    """One condition from the drill-down parameters of `params` (a QueryDict or dict)."""
    q = Q()
    for name, field_name in EQUALS.items():
        if (value := params.get(name)) not in (None, ""):
            q &= Q(**{field_name: value})
    if (measure := params.get("measure")) in measures.MEASURES:
        q &= measures.MEASURES[measure](now)
    if (bucket := params.get("day")) and (step := params.get("bucket")):
        q &= bucket_q(bucket, step, zone)
    if ids := params.get("ids"):
        q &= Q(pk__in=[int(pk) for pk in ids.split(",") if pk.isdigit()])
    return q


def bucket_q(first_day: str, step: str, zone: str) -> Q:
    """The messages registered in the day, week or month starting on `first_day`."""
    try:
        start = date.fromisoformat(first_day)
    except ValueError:
        return Q(pk__in=[])
    if step == "month":
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    elif step == "week":
        end = start + timedelta(days=7)
    else:
        end = start + timedelta(days=1)
    tz = ZoneInfo(zone)
    return Q(created_at__gte=datetime.combine(start, time(0), tz),
             created_at__lt=datetime.combine(end, time(0), tz))
