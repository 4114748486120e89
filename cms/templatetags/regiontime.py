"""Template filters for the one rule of `cms.regiontime`: moments in the region's zone.

    {% load regiontime %}
    {{ appeal.deadline|region_datetime:appeal }}   02.12.2026 18:00
    {{ postponement.until|region_date:appeal }}    20.01.2027
    {{ answer.published_at|region_datetime_long:appeal.region }}   2 декабря 2026 г. 18:00
"""

from django import template

from cms import regiontime

register = template.Library()


@register.filter
def region_datetime(moment, where) -> str:
    return regiontime.format_datetime(moment, where)


@register.filter
def region_datetime_long(moment, where) -> str:
    return regiontime.format_datetime(moment, where, "DATETIME_FORMAT")


@register.filter
def region_date(moment, where) -> str:
    return regiontime.format_date(moment, where)
