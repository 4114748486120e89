"""The curators' queue "Low ratings": the messages with an open low rating review.

The queue's condition reads the partial index `rating_review_open` (only open reviews are
in it); its columns come from the open review's rating through subqueries the list adds
to its one query (`QueueColumn.annotations`), so a page costs the same for any number of
rows.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import QueueColumn, StaffQueue
from cms.kernel.plugins import hookimpl
from cms.models import Role

from .models import LowRatingReview, Solved

__all__ = ["staff_queues"]

QUEUE_KEY = "low-ratings"


def open_reviews_q(now) -> Q:
    return Q(pk__in=LowRatingReview.objects.filter(closed_at__isnull=True)
             .values("appeal_id"))


def _open_review(field: str) -> Subquery:
    latest = (LowRatingReview.objects.filter(appeal_id=OuterRef("pk"), closed_at__isnull=True)
              .order_by("-opened_at", "-pk"))
    return Subquery(latest.values(field)[:1])


def score_annotation() -> dict:
    return {"rating_low_score": _open_review("rating__score")}


def solved_annotation() -> dict:
    return {"rating_low_solved": _open_review("rating__solved")}


def opened_annotation() -> dict:
    return {"rating_review_opened": _open_review("opened_at")}


def score_cell(appeal) -> str:
    return f"{appeal.rating_low_score} / 5" if appeal.rating_low_score else ""


def solved_cell(appeal) -> str:
    value = appeal.rating_low_solved
    return Solved(value).label if value in Solved.values else ""


def opened_cell(appeal) -> str:
    opened = appeal.rating_review_opened
    # On the clock of the message's region, as every time staff read.
    return (date_format(localtime(opened, appeal.region.tzinfo), "SHORT_DATETIME_FORMAT")
            if opened else "")


LOW_RATINGS = StaffQueue(
    key=QUEUE_KEY,
    label=_("Low ratings"),
    roles=frozenset({Role.CURATOR}),
    where=open_reviews_q,
    columns=(
        QueueColumn("rating-score", _("Score"), score_cell, ordering="rating_low_score",
                    annotations=score_annotation),
        QueueColumn("rating-solved", _("Problem solved"), solved_cell,
                    annotations=solved_annotation),
        QueueColumn("rating-review-opened", _("Rated at"), opened_cell,
                    ordering="rating_review_opened", annotations=opened_annotation),
    ),
    icon="warning",
    order=70,
)


@hookimpl
def staff_queues() -> list[StaffQueue]:
    return [LOW_RATINGS]
