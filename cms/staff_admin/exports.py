"""The queues' XLSX and CSV files as staff read them.

A queue's file is for people, not for a program: Russian headers as the list shows
them, statuses and other choices by their labels, "Да"/"Нет" for yes/no, times on the
clock of each message's region (`cms.regiontime`), and a file named after the queue and
the day it was taken ("на-модерации-2026-12-01.xlsx"). Plugins' export columns
(`appeal_export_columns`) go through the same rules.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext

from cms import regiontime

CSV = "csv"


def human_value(value, field, appeal, export_format: str):
    """One cell: what a person reads for `value` of `field` (a model field or None)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        if export_format == CSV:
            return regiontime.format_datetime(value, appeal)
        # A real date cell for the spreadsheet, on the region's clock (XLSX has no zones).
        return regiontime.local(value, appeal).replace(tzinfo=None)
    if isinstance(value, date):
        return regiontime.format_date(value, appeal) if export_format == CSV else value
    if isinstance(value, models.Model):
        return str(value)
    return value


class QueueExportMixin:
    """For the queue's index view (wagtail-modeladmin's `IndexView`)."""

    def get_heading(self, queryset, field):
        return capfirst(str(label_for_field(field, model=self.model,
                                            model_admin=self.model_admin)))

    def to_row_dict(self, item):
        row = OrderedDict()
        for name in self.list_export:
            field, _attr, value = lookup_field(name, item, self.model_admin)
            row[name] = human_value(value, field, item, self.export)
        return row

    def get_filename(self):
        day = regiontime.today(regiontime.staff_zone(self.request.user))
        name = slugify(str(self.model_admin.queue.label), allow_unicode=True)
        return f"{name}-{day.isoformat()}"

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        # The name is Russian: RFC 6266's filename*, which the base class does not write.
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.csv")
        return response
