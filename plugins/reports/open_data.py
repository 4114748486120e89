"""The region's open data: aggregate figures on messages, by month, organisation and
category, as a public page, JSON and CSV (documented in docs/open-data.md).

What is published, and what is not:

- one table at one grain (month × organisation × category), with no totals: a total over
  rows beside a suppressed row would give that row's value back;
- counts of messages, never a message: no texts, addresses, names, contacts, numbers,
  executors;
- a count under `THRESHOLD` is suppressed (published as "<5"); a share or an average is
  published only when what it is computed from counts at least `THRESHOLD`;
- satisfaction comes from the rating plugin's dataset (`cms.kernel.reports`), only where
  that plugin is on; elsewhere its columns are absent, not zero.

The month is the message's month of registration in the region's time zone (a rating's
month is the month it was given, as the rating dataset counts it). Everything is
aggregated in SQL over the reports' facts (plugins.reports.facts, as of their last
refresh): one GROUP BY over the messages' facts, one over the ratings' facts (where the
rating plugin is on), and the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.kernel.reports import report_datasets
from cms.models import Category, Organisation, Region
from cms.models.appeals import RUNNING_STATUSES

from .models import AppealFact, MonthFigures

THRESHOLD = 5
SUPPRESSED = "<5"
MONTHS = 12
RATING_DATASET = "rating-scores"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema types: string, integer, number
    title: Any
    description: Any
    rating: bool = False


FIELDS = (
    Field("month", "string", _("Month"),
          _("Month of registration, YYYY-MM, in the region's time zone.")),
    Field("organisation", "string", _("Organisation"),
          _("The body the messages are addressed to.")),
    Field("category", "string", _("Category"), _("Category code and name.")),
    Field("received", "integer", _("Received"), _("Messages registered in the month.")),
    Field("answered", "integer", _("Answered"),
          _("Of those, messages with a published answer.")),
    Field("answered_on_time", "integer", _("Answered on time"),
          _("Of those, answered no later than the deadline.")),
    Field("on_time_share", "number", _("Share answered on time"),
          _("Answered on time divided by answered, 0 to 1; empty when fewer than 5 "
            "were answered.")),
    Field("overdue_now", "integer", _("Overdue now"),
          _("Of those, still open with the deadline passed.")),
    Field("ratings", "integer", _("Ratings"),
          _("Citizens' ratings of answers given in the month."), rating=True),
    Field("average_score", "number", _("Average score"),
          _("Average rating, 1 to 5; empty when there are fewer than 5 ratings."),
          rating=True),
)


@dataclass
class OpenData:
    region: Region
    months: list[str]
    with_ratings: bool
    rows: list[dict[str, Any]]
    generated_at: datetime

    @property
    def fields(self) -> list[Field]:
        return [f for f in FIELDS if self.with_ratings or not f.rating]


def month_bounds(region: Region, now: datetime) -> tuple[datetime, datetime, list[str]]:
    """The last `MONTHS` months up to the current one, in the region's time zone."""
    local = timezone.localtime(now, region.tzinfo)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    year, month = first.year, first.month
    for _step in range(MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    since = first.replace(year=int(months[0][:4]), month=int(months[0][5:]))
    next_year, next_month = (first.year, first.month + 1) if first.month < 12 else (
        first.year + 1, 1)
    until = first.replace(year=next_year, month=next_month)
    return since, until, months


def month_text(day) -> str:
    """YYYY-MM (date.strftime costs a tenth of the page over a year's cells)."""
    return f"{day.year:04d}-{day.month:02d}"


def suppressed(count: int) -> int | str:
    return count if count >= THRESHOLD else SUPPRESSED


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole >= THRESHOLD else None


def compute(region: Region, now: datetime | None = None) -> OpenData:
    now = now or timezone.now()
    since, until, months = month_bounds(region, now)
    # The period is whole months of the region's zone: the monthly figures give them,
    # and the facts of the running messages the overdue ones.
    received = (MonthFigures.objects
                .filter(region_id=region.pk, kind=MonthFigures.STATUS,
                        category_id__isnull=False, month__gte=since.date(),
                        month__lt=until.date())
                .values("month", "organisation_id", "category_id")
                .annotate(received=Sum("messages"), answered=Sum("answered"),
                          on_time=Sum("on_time"))
                .order_by())
    overdue = {(row["month"], row["organisation_id"], row["category_id"]): row["n"]
               for row in (AppealFact.objects
                           .filter(region_id=region.pk, created_at__gte=since,
                                   created_at__lt=until, status__in=RUNNING_STATUSES,
                                   deadline__lt=now)
                           .annotate(month=TruncMonth("created_day"))
                           .values("month", "organisation_id", "category_id")
                           .annotate(n=Count("pk")).order_by())}
    groups = list(received)
    organisations = dict(Organisation.objects.filter(
        pk__in={row["organisation_id"] for row in groups}).values_list("pk", "name"))
    categories = {c.pk: f"{c.code} {c.name}" for c in Category.objects.filter(
        pk__in={row["category_id"] for row in groups})}
    with_ratings = any(dataset.key == RATING_DATASET
                       for dataset, _regions in report_datasets([region.pk]))
    ratings = rating_cells(region, since, until) if with_ratings else {}

    rows = []
    for group in groups:
        month = month_text(group["month"])
        row = {
            "month": month,
            "organisation": organisations.get(group["organisation_id"], ""),
            "category": categories.get(group["category_id"], ""),
            "received": suppressed(group["received"]),
            "answered": suppressed(group["answered"]),
            "answered_on_time": suppressed(group["on_time"]),
            "on_time_share": share(group["on_time"], group["answered"]),
            "overdue_now": suppressed(overdue.get(
                (group["month"], group["organisation_id"], group["category_id"]), 0)),
        }
        if with_ratings:
            count, total = ratings.get(
                (month, group["organisation_id"], group["category_id"]), (0, 0))
            row["ratings"] = suppressed(count)
            row["average_score"] = round(total / count, 2) if count >= THRESHOLD else None
        rows.append(row)
    rows.sort(key=lambda row: (row["month"], row["organisation"], row["category"]))
    return OpenData(region=region, months=months, with_ratings=with_ratings, rows=rows,
                    generated_at=now)


def rating_cells(region: Region, since: datetime, until: datetime
                 ) -> dict[tuple[str, int, int], tuple[int, float]]:
    """(month rated, organisation id, category id) → (ratings, sum of scores) of the
    ratings of messages registered in [since, until), as the rating dataset counts them,
    summed over executors (who answered is not published)."""
    cells = (MonthFigures.objects
             .filter(region_id=region.pk, kind=MonthFigures.RATING,
                     month__gte=since.date(), month__lt=until.date())
             .values("key", "organisation_id", "category_id")
             .annotate(count=Sum("messages"), total=Sum("scores")).order_by())
    return {(cell["key"][:7], cell["organisation_id"], cell["category_id"]):
            (cell["count"], float(cell["total"])) for cell in cells}


def schema(data: OpenData) -> dict[str, Any]:
    """A Frictionless Table Schema of the rows, with the suppression rule."""
    return {
        "fields": [{"name": f.name, "type": f.type, "title": str(f.title),
                    "description": str(f.description)} for f in data.fields],
        "missingValues": ["", SUPPRESSED],
        "suppression": str(_("A count under 5 is published as \"<5\"; a share or an "
                             "average computed from fewer than 5 is left empty. There are "
                             "no totals.")),
    }
