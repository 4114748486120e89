"""The one rule for showing time: every moment a person reads is in its region's zone.

A message, an event, a deadline belong to a region, and the region says which clock its
people read (`Region.time_zone`). Pages, e-mails, exports and histories format moments
through the functions here (templates through the `regiontime` filters), never through
the server's zone or a staff member's browser: the header, the stage table, the
citizen's page and the e-mail then show the same hour.

A date a person types (postpone until 20.01.2027) means "to the end of that day" in the
region's zone: it is kept as `end_of_day(...)` and shown back as that same date.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from django.utils import formats, timezone

# The last minute of a typed day: shown with the time it reads "20.01.2027 23:59", and
# its date is the day the person typed in every zone display.
END_OF_DAY = time(23, 59)


def zone(where) -> tzinfo:
    """The time zone of `where`: a region, anything with a `region` (a message, an
    organisation), a tzinfo, or None for the active zone."""
    if where is None:
        return timezone.get_current_timezone()
    if isinstance(where, tzinfo):
        return where
    if hasattr(where, "tzinfo") and not isinstance(where, datetime):
        return where.tzinfo  # a Region
    return where.region.tzinfo


def local(moment: datetime | None, where) -> datetime | None:
    """`moment` on the region's clock (aware)."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone(where))


def format_datetime(moment: datetime | None, where, fmt: str = "SHORT_DATETIME_FORMAT"
                    ) -> str:
    """'02.12.2026 18:00' (or `fmt`, a Django format name) in the region's zone."""
    if moment is None:
        return ""
    return formats.date_format(local(moment, where), fmt)


def format_date(moment: datetime | date | None, where, fmt: str = "SHORT_DATE_FORMAT"
                ) -> str:
    """'02.12.2026': the region's calendar day of `moment` (a date is shown as is)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = local(moment, where)
    return formats.date_format(moment, fmt)


def today(where, now: datetime | None = None) -> date:
    return local(now or timezone.now(), where).date()


def end_of_day(day: date, where) -> datetime:
    """The moment a typed date means: the end of that day on the region's clock."""
    return datetime.combine(day, END_OF_DAY, tzinfo=zone(where))


def staff_zone(user) -> tzinfo:
    """The clock a staff member's lists read (a date typed in a filter, a file's day):
    their region's; across several regions or none, the active zone."""
    from cms.models import Region
    from cms.permissions.policy import staff_region_ids

    region_ids = staff_region_ids(user)
    regions = list(Region.objects.filter(pk__in=region_ids)[:2]) if region_ids else []
    return regions[0].tzinfo if len(regions) == 1 else timezone.get_current_timezone()
