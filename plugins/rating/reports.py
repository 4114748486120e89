"""The rating plugin's report dataset: scores per organisation, executor, category and month.

One aggregate query over `Rating` (values().annotate() with conditional counts), so the
database does the work whatever the number of messages: nothing is loaded per rating. A
row's shares are divided afterwards, once per row of the result.

- the organisation and category are the message's; the executor is the author of the
  rated answer (a reopened message may be answered by someone else the second time);
- the period is the month the rating was given, in its region's time zone;
- a score is low when it is at or below the region's threshold, or was stored as low
  (a threshold changed since does not rewrite what curators were asked to review);
- a rating counts as reopened when a curator's review of it reopened the message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import ReportDataset
from cms.kernel.plugins import hookimpl
from cms.models import Region

from .models import (
    MAX_SCORE,
    MIN_SCORE,
    LowRatingReview,
    Rating,
    RatingSettings,
    ReviewOutcome,
)

__all__ = ["report_datasets"]

KEY = "rating-scores"
SCORES = range(MIN_SCORE, MAX_SCORE + 1)
GROUPS = ("period", "appeal__organisation_id", "appeal__organisation__name",
          "answer__author_id", "answer__author__username", "answer__author__first_name",
          "answer__author__last_name", "appeal__category_id", "appeal__category__code",
          "appeal__category__name")
COLUMNS = (
    ("period", _("Month")),
    ("organisation", _("Organisation")),
    ("executor", _("Executor")),
    ("category", _("Category")),
    ("ratings", _("Ratings")),
    ("average_score", _("Average score")),
    *((f"score_{score}", format_lazy(_("Score {score}"), score=score)) for score in SCORES),
    ("low_share", _("Share of low scores")),
    ("reopened_share", _("Share reopened")),
    # Ids, so that a report can narrow the rows to an organisation or category and link
    # a figure to its messages.
    ("organisation_id", _("Organisation ID")),
    ("executor_id", _("Executor ID")),
    ("category_id", _("Category ID")),
)


def month_in_region_zone(zones: list[str]) -> Case:
    """The rating's month, truncated in the time zone of its message's region."""
    return Case(*(When(appeal__region__time_zone=zone,
                       then=TruncMonth("created_at", tzinfo=ZoneInfo(zone)))
                  for zone in zones), output_field=DateTimeField())


def score_rows(region_ids: list[int], since: datetime, until: datetime
               ) -> list[dict[str, Any]]:
    """The dataset's rows over the ratings of messages of `region_ids` registered in
    [since, until)."""
    zones = sorted(set(Region.objects.filter(pk__in=region_ids)
                       .values_list("time_zone", flat=True)))
    if not zones:
        return []
    default_threshold = RatingSettings._meta.get_field("low_threshold").default
    low = Q(is_low=True) | Q(score__lte=F("threshold"))
    grouped = (
        Rating.objects
        .filter(appeal__region_id__in=region_ids, appeal__created_at__gte=since,
                appeal__created_at__lt=until)
        .annotate(
            period=month_in_region_zone(zones),
            threshold=Coalesce("appeal__region__rating_settings__low_threshold",
                               Value(default_threshold)),
            reopened=Exists(LowRatingReview.objects.filter(
                rating=OuterRef("pk"), outcome=ReviewOutcome.REOPENED)),
        )
        .values(*GROUPS)
        .annotate(
            ratings=Count("pk"),
            average=Avg("score"),
            low=Count("pk", filter=low),
            reopened_count=Count("pk", filter=Q(reopened=True)),
            **{f"score_{score}": Count("pk", filter=Q(score=score)) for score in SCORES},
        )
        .order_by("period", "appeal__organisation__name", "answer__author__username",
                  "appeal__category__code")
    )
    return [as_row(group) for group in grouped]


def as_row(group: dict[str, Any]) -> dict[str, Any]:
    period = group["period"]
    executor = " ".join(filter(None, (group["answer__author__last_name"],
                                      group["answer__author__first_name"])))
    category = " ".join(filter(None, (group["appeal__category__code"],
                                      group["appeal__category__name"])))
    ratings = group["ratings"]
    return {
        "period": period.strftime("%Y-%m") if hasattr(period, "strftime") else str(period)[:7],
        "organisation": group["appeal__organisation__name"] or "",
        "executor": executor or group["answer__author__username"],
        "category": category,
        "ratings": ratings,
        "average_score": round(float(group["average"]), 2),
        **{f"score_{score}": group[f"score_{score}"] for score in SCORES},
        "low_share": round(group["low"] / ratings, 4),
        "reopened_share": round(group["reopened_count"] / ratings, 4),
        "organisation_id": group["appeal__organisation_id"],
        "executor_id": group["answer__author_id"],
        "category_id": group["appeal__category_id"],
    }


@hookimpl
def report_datasets() -> list[ReportDataset]:
    return [ReportDataset(key=KEY, label=_("Ratings of answers"), columns=COLUMNS,
                          rows=score_rows)]
