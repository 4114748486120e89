"""Closing answered messages nobody rated: after the region's `close_after_days`, an
answered message whose latest published answer has no rating, and no open low rating
review, is closed by the system.

The selection is one query per distinct waiting time (regions sharing it go together;
there are few regions), read in primary-key order and bounded per run; each message is
then closed through the core's `do_close_appeal`, in its own transaction, so one refusal
(the message moved on meanwhile) skips only that message. A closed message is no longer
answered: running again closes nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import enabled_region_ids, hookimpl
from cms.models import Answer, Appeal, Status
from cms.workflow.actions import do_close_appeal
from cms.workflow.errors import WorkflowError

from .models import LowRatingReview, Rating, RatingSettings

__all__ = ["closing_schedule"]

PLUGIN_NAME = "rating"
# A run closes at most this many; a backlog drains over the next hourly runs.
MAX_CLOSES_PER_RUN = 500


@dataclass
class ClosingResult:
    closed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"closed": self.closed, "skipped": self.skipped}


def regions_by_wait(region_ids: list[int]) -> dict[int, list[int]]:
    """{days to wait: the regions that wait so long}; a region without settings waits
    the default."""
    default = RatingSettings._meta.get_field("close_after_days").default
    configured = dict(RatingSettings.objects.filter(region_id__in=region_ids)
                      .values_list("region_id", "close_after_days"))
    groups: dict[int, list[int]] = defaultdict(list)
    for region_id in region_ids:
        groups[configured.get(region_id, default)].append(region_id)
    return dict(groups)


def unrated_after(region_ids: list[int], published_before: datetime) -> QuerySet[Appeal]:
    """Answered messages of `region_ids` whose latest published answer came out before
    `published_before`, with no rating of that answer and no open review."""
    latest = (Answer.objects.filter(appeal_id=OuterRef("pk"), is_published=True)
              .order_by("-published_at", "-pk"))
    return (Appeal.objects.filter(region_id__in=region_ids, status=Status.ANSWERED)
            .annotate(latest_answer_id=Subquery(latest.values("pk")[:1]),
                      latest_published_at=Subquery(latest.values("published_at")[:1]))
            .filter(latest_published_at__lt=published_before)
            .exclude(Exists(Rating.objects.filter(answer_id=OuterRef("latest_answer_id"))))
            .exclude(Exists(LowRatingReview.objects.filter(appeal_id=OuterRef("pk"),
                                                           closed_at__isnull=True)))
            .order_by("pk"))


def due_for_closing(now: datetime, limit: int = MAX_CLOSES_PER_RUN
                    ) -> list[tuple[int, QuerySet[Appeal]]]:
    """(primary key, the selection it came from) of the messages to close now, at most
    `limit`, over the regions where the plugin is on."""
    found: list[tuple[int, QuerySet[Appeal]]] = []
    for days, region_ids in sorted(regions_by_wait(enabled_region_ids(PLUGIN_NAME)).items()):
        if len(found) >= limit:
            break
        due = unrated_after(region_ids, now - timedelta(days=days))
        found.extend((pk, due) for pk in due.values_list("pk", flat=True)[:limit - len(found)])
    return found


def close_unrated(now: datetime, limit: int = MAX_CLOSES_PER_RUN) -> ClosingResult:
    result = ClosingResult()
    for appeal_pk, selection in due_for_closing(now, limit):
        with transaction.atomic():
            # Locked and checked again: a rating given since the selection keeps it open.
            still_due = (selection.filter(pk=appeal_pk).select_for_update(of=("self",))
                         .values_list("pk", flat=True))
            if not list(still_due):
                result.skipped += 1
                continue
            try:
                do_close_appeal(appeal_pk, None)
            except WorkflowError:
                result.skipped += 1
                continue
        result.closed += 1
    return result


@hookimpl(specname="scheduled_tasks")
def closing_schedule() -> list[ScheduledTask]:
    return [ScheduledTask("rating: close unrated answers",
                          "plugins.rating.tasks.close_unrated_task", minutes=60)]
