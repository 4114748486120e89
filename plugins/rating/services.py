"""The one write path of a rating: `rate()`.

Everything that gives or changes a rating (the page of the e-mailed link, the form on
"my messages", tests, other parts of the plugin) calls `rate()`. It checks the input and
the region's rules, writes the rating, records the plugin's own event in the message's
history through the core (`do_record_event`), and acts on the score: a score above the
region's threshold closes the answered message and ends an open review; a low score opens
a review for the curators and keeps the message answered until the review ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.models import Answer, Appeal, Status
from cms.workflow.actions import do_close_appeal, do_record_event

from .models import (
    COMMENT_MAX_LENGTH,
    MAX_SCORE,
    MIN_SCORE,
    LowRatingReview,
    Rating,
    RatingSettings,
    ReviewOutcome,
    Solved,
)

GIVEN = "rating_given"
CHANGED = "rating_changed"

# A rating can be given while the answer stands: the message answered, or closed.
RATEABLE = frozenset({Status.ANSWERED, Status.CLOSED})


class RatingError(Exception):
    """A rating was refused; `str(error)` is the message to show. Nothing was written."""


class InvalidRating(RatingError):
    """The score, comment or "solved" answer is missing or wrong."""


class RatingNotAccepted(RatingError):
    """The answer cannot be rated (any more): the change window passed, or a newer
    answer or a reopening replaced it."""


class StaleRating(RatingError):
    """The rating changed after the page was shown (another tab, a second submit)."""

    def __init__(self):
        super().__init__(_("Your rating of this answer has changed since this page was "
                           "opened. Open the page again to see it."))


@dataclass(frozen=True)
class Outcome:
    rating: Rating
    created: bool


def rating_version(rating: Rating | None) -> int:
    """What a form carries to notice a stale page: 0 before the first rating, then one
    more with each change."""
    return 0 if rating is None else rating.changes + 1


def change_deadline(rating: Rating, rules: RatingSettings) -> datetime:
    return rating.created_at + timedelta(days=rules.change_window_days)


def can_change(rating: Rating, rules: RatingSettings, now: datetime | None = None) -> bool:
    return (now or timezone.now()) <= change_deadline(rating, rules)


def check_input(score, comment: str, solved: str, threshold: int) -> tuple[int, str, str]:
    """The cleaned (score, comment, solved); raises InvalidRating."""
    try:
        score = int(score)
    except (TypeError, ValueError) as error:
        raise InvalidRating(_("Choose a score from 1 to 5.")) from error
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise InvalidRating(_("Choose a score from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidRating(ngettext(
            "The comment may be at most %(limit)d character long.",
            "The comment may be at most %(limit)d characters long.",
            COMMENT_MAX_LENGTH) % {"limit": COMMENT_MAX_LENGTH})
    solved = solved or ""
    if score <= threshold:
        if solved not in Solved.values:
            raise InvalidRating(_("Say whether the problem was solved."))
    elif solved:
        raise InvalidRating(_("Whether the problem was solved is asked for low scores "
                              "only."))
    return score, comment, solved


def latest_answer(appeal: Appeal) -> Answer | None:
    """The answer the citizen rates now: the latest published one."""
    return (Answer.objects.filter(appeal=appeal, is_published=True)
            .order_by("-published_at", "-pk").first())


def _check_rateable(appeal: Appeal, answer: Answer) -> None:
    if appeal.status not in RATEABLE:
        raise RatingNotAccepted(_("The message is being handled again; you can rate the "
                                  "new answer when it comes."))
    latest = latest_answer(appeal)
    if latest is None or latest.pk != answer.pk:
        raise RatingNotAccepted(_("There is a newer answer to this message; rate that "
                                  "one instead."))


def rate(answer: Answer, score, comment: str = "", solved: str = "", by=None,
         version: int | None = None) -> Outcome:
    """Give or change the rating of a published `answer`.

    :param by: the logged-in citizen, or None when the signed link acts for them.
    :param version: `rating_version()` as the page showed it, or None not to check.

    Raises `RatingError` (and writes nothing) when the input is wrong, the change window
    has passed, a newer answer replaced this one, or the page was stale.
    """
    with transaction.atomic():
        # The message first, then the answer, as the workflow's write paths lock them:
        # two submits at once are serialised here and the second sees the first rating.
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("region")
                  .get(pk=answer.appeal_id))
        answer = Answer.objects.select_for_update().get(pk=answer.pk)
        rules = RatingSettings.for_region(appeal.region)
        rating = Rating.objects.filter(answer=answer).first()
        if version is not None and version != rating_version(rating):
            raise StaleRating()
        _check_rateable(appeal, answer)
        score, comment, solved = check_input(score, comment, solved, rules.low_threshold)
        is_low = score <= rules.low_threshold
        if rating is None:
            rating = Rating.objects.create(appeal=appeal, answer=answer, score=score,
                                           comment=comment, solved=solved, is_low=is_low)
            _record(appeal, by, GIVEN, rating, old_score=None)
            created = True
        else:
            if not can_change(rating, rules):
                raise RatingNotAccepted(_("The time to change this rating has passed."))
            old_score = rating.score
            rating.score, rating.comment, rating.solved = score, comment, solved
            rating.is_low = is_low
            rating.changes += 1
            rating.save(update_fields=["score", "comment", "solved", "is_low", "changes",
                                       "changed_at"])
            _record(appeal, by, CHANGED, rating, old_score=old_score)
            created = False
        if is_low:
            _open_review(rating)
        else:
            _end_review(rating)
            if appeal.status == Status.ANSWERED:
                do_close_appeal(appeal.pk, None)
        return Outcome(rating=rating, created=created)


def _record(appeal: Appeal, by, kind: str, rating: Rating, old_score: int | None) -> None:
    do_record_event(
        appeal.pk, by, kind, reason=rating.comment,
        from_value="" if old_score is None else str(old_score), to_value=str(rating.score),
        data={"score": rating.score, "solved": rating.solved, "answer": rating.answer_id,
              "rating": rating.pk},
        public=True)


def _open_review(rating: Rating) -> None:
    # One open review per rating (a constraint too): a low score changed to another
    # low score stays in the same review.
    if not LowRatingReview.objects.filter(rating=rating, closed_at__isnull=True).exists():
        LowRatingReview.objects.create(appeal_id=rating.appeal_id, rating=rating)


def _end_review(rating: Rating) -> None:
    """The citizen raised the score above the threshold: the review has nothing left to
    decide."""
    LowRatingReview.objects.filter(rating=rating, closed_at__isnull=True).update(
        closed_at=timezone.now(), outcome=ReviewOutcome.CLOSED,
        comment=_("The citizen changed the score to %(score)d.") % {"score": rating.score})
