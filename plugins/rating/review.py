"""The curators' review of a low rating: reopen the message, or close the review.

Both go through the core's write paths (`do_reopen_appeal`, `do_close_appeal`,
`do_record_event`) inside one transaction that first locks the message, then the review:
two curators acting at once are serialised, and the second is told the review is already
closed. A review also ends when the message moves on by another way (the core's own
"Reopen" or "Close" on the message page): `end_reviews_with_the_message` follows the
workflow's events.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import hookimpl
from cms.models import Appeal, EventKind, Status
from cms.permissions.policy import appeal_policy
from cms.workflow.actions import (
    actor_name,
    do_close_appeal,
    do_record_event,
    do_reopen_appeal,
)
from cms.workflow.errors import ActionRefused, InvalidInput, WorkflowError
from cms.workflow.table import Action

from .models import LowRatingReview, ReviewOutcome

__all__ = ["end_reviews_with_the_message", "review_event_kinds"]

REVIEW_CLOSED = "rating_review_closed"


class ReviewAlreadyClosed(WorkflowError):
    """The review was closed (by someone else) after the form was opened."""

    def __init__(self, review: LowRatingReview):
        super().__init__(
            _("This low rating review was already closed by %(name)s; reload the page.")
            % {"name": actor_name(review.closed_by)})


def may_reopen(user, appeal: Appeal) -> bool:
    return appeal_policy.user_has_permission_for_instance(user, Action.REOPEN, appeal)


def may_close_review(user, appeal: Appeal) -> bool:
    """Closing the review closes an answered message, so it needs the right to close it;
    a message closed already needs the curator's right to reopen it."""
    return (appeal_policy.user_has_permission_for_instance(user, Action.CLOSE, appeal)
            or may_reopen(user, appeal))


def _locked_open_review(appeal_pk: int, review_pk: int) -> tuple[Appeal, LowRatingReview]:
    # The message first, as every write path locks it: no deadlock with them.
    appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("region")
              .get(pk=appeal_pk))
    review = (LowRatingReview.objects.select_for_update(of=("self",))
              .select_related("closed_by").filter(pk=review_pk, appeal_id=appeal_pk).first())
    if review is None:
        raise InvalidInput(_("There is no such low rating review for this message."))
    if not review.is_open:
        raise ReviewAlreadyClosed(review)
    return appeal, review


def _require(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


def reopen_from_review(appeal_pk: int, review_pk: int, user, reason: str,
                       version: int | None = None) -> LowRatingReview:
    """Send the message back to work (a new deadline; the citizen is told); the review
    closes with the outcome "reopened" (through `end_reviews_with_the_message`)."""
    with transaction.atomic():
        appeal, review = _locked_open_review(appeal_pk, review_pk)
        if not may_reopen(user, appeal):
            raise ActionRefused()
        reason = _require(reason, _("Give the reason."))
        do_reopen_appeal(appeal_pk, user, reason, version=version)
        review.refresh_from_db()
        if review.is_open:  # the plugin's hooks are off for this region
            _end(review, user, ReviewOutcome.REOPENED, reason)
        return review


def close_review(appeal_pk: int, review_pk: int, user, comment: str,
                 version: int | None = None) -> LowRatingReview:
    """End the review with the curator's comment (kept in the message's history); an
    answered message is closed with it."""
    with transaction.atomic():
        appeal, review = _locked_open_review(appeal_pk, review_pk)
        if not may_close_review(user, appeal):
            raise ActionRefused()
        comment = _require(comment, _("Write a comment."))
        _end(review, user, ReviewOutcome.CLOSED, comment)
        do_record_event(appeal_pk, user, REVIEW_CLOSED, reason=comment,
                        data={"review": review.pk})
        if appeal.status == Status.ANSWERED:
            do_close_appeal(appeal_pk, user, version=version)
        return review


def _end(review: LowRatingReview, user, outcome: str, comment: str) -> None:
    review.closed_at, review.closed_by = timezone.now(), user
    review.outcome, review.comment = outcome, comment
    review.save(update_fields=["closed_at", "closed_by", "outcome", "comment"])


# A message leaving "answered" or "closed": back to work is a reopening (the plugin's
# form, or the core's "Reopen" / "Return for rework"); closed ends the review.
LEFT_STATUSES = {Status.ANSWERED, Status.CLOSED}
OUTCOME_OF_STATUS = {Status.IN_WORK: ReviewOutcome.REOPENED,
                     Status.CLOSED: ReviewOutcome.CLOSED}


@hookimpl(specname="appeal_transitioned")
def end_reviews_with_the_message(appeal, event) -> None:
    """A review open on a message that is reopened or closed, by whatever form, ends with
    it: the queue never lists a message nobody has to look at again."""
    if event.kind != EventKind.STATUS_CHANGED:
        return
    outcome = OUTCOME_OF_STATUS.get(event.to_value)
    if outcome is None or event.from_value not in LEFT_STATUSES:
        return
    LowRatingReview.objects.filter(appeal_id=appeal.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=event.actor, outcome=outcome,
        comment=event.reason)


@hookimpl(specname="event_kinds")
def review_event_kinds() -> list[EventKindSpec]:
    return [EventKindSpec(REVIEW_CLOSED, gettext_lazy("Low rating review closed"))]
