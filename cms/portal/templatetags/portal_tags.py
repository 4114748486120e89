from django import template

from cms import regiontime

register = template.Library()


@register.filter
def due_date(appeal) -> str:
    """The message's deadline as the citizen reads it: in the region's time zone."""
    return regiontime.format_datetime(appeal.deadline, appeal, "DATETIME_FORMAT")


@register.filter
def region_time(moment, region) -> str:
    return regiontime.format_datetime(moment, region, "DATETIME_FORMAT")
