from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def due_date(appeal) -> str:
    """The message's deadline as the citizen reads it: in the region's time zone."""
    if appeal.deadline is None:
        return ""
    local = timezone.localtime(appeal.deadline, appeal.region.tzinfo)
    return formats.date_format(local, "DATETIME_FORMAT")


@register.filter
def region_time(moment, region) -> str:
    if moment is None:
        return ""
    return formats.date_format(
        timezone.localtime(moment, region.tzinfo), "DATETIME_FORMAT"
    )
