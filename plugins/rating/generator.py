"""Ratings for generated messages (`messages_generated` hook): what citizens would have
left on the published answers of `manage.py generate_messages`.

60% of published answers are rated a few hours to days after publication (never after
the end of the span); scores lean good, worse for a late answer; a score at or below the
default threshold is low and opens a curator's review, half of them already closed (a
third of those by reopening the message). Each rating is in the message's history as
a "rating given" event, as `services.rate` leaves it.
"""

from __future__ import annotations

from datetime import timedelta

from cms.kernel.plugins import hookimpl
from cms.models import AppealEvent

from .models import LowRatingReview, Rating, RatingSettings, ReviewOutcome, Solved
from .services import GIVEN

__all__ = ["messages_generated"]

RATED_SHARE = 0.6
# Scores 1..5: weights for an answer on time, and for a late one.
ON_TIME_SCORES = (6, 5, 10, 24, 55)
LATE_SCORES = (22, 14, 20, 22, 22)
REVIEW_CLOSED_SHARE = 0.5
REOPENED_SHARE = 0.35
COMMENTS = ("", "", "", "Спасибо!", "Ничего не изменилось.", "Сделали наполовину.")

RATING_FIELDS = ("id", "appeal", "answer", "score", "solved", "comment", "is_low",
                 "created_at", "changed_at", "changes")
REVIEW_FIELDS = ("id", "appeal", "rating", "opened_at", "closed_at", "closed_by",
                 "outcome", "comment")
EVENT_FIELDS = ("id", "appeal", "kind", "actor", "created_at", "from_value", "to_value",
                "reason", "data", "is_public")


@hookimpl
def messages_generated(region, batch):
    rng, end = batch.rng, batch.end
    low = RatingSettings._meta.get_field("low_threshold").default
    rated = []
    for message in batch.messages:
        if message.answer_id is None or rng.random() >= RATED_SHARE:
            continue
        at = message.answered_at + timedelta(hours=rng.uniform(1, 96))
        if at > end:
            continue
        late = message.deadline is not None and message.answered_at > message.deadline
        score = rng.choices(range(1, 6), LATE_SCORES if late else ON_TIME_SCORES)[0]
        solved = (Solved.YES if score > 3 else Solved.PARTLY if score == 3
                  else rng.choice((Solved.NO, Solved.PARTLY, "")))
        rated.append((message, score, str(solved), rng.choice(COMMENTS), at))
    if not rated:
        return
    writer = batch.writer
    first = writer.reserve(Rating, len(rated))
    writer.write(Rating, RATING_FIELDS, [
        (first + i, message.id, message.answer_id, score, solved, comment, score <= low,
         at, at, 0)
        for i, (message, score, solved, comment, at) in enumerate(rated)])
    first_event = writer.reserve(AppealEvent, len(rated))
    writer.write(AppealEvent, EVENT_FIELDS, [
        (first_event + i, message.id, GIVEN, None, at, "", str(score), comment,
         {"score": score, "solved": solved, "answer": message.answer_id,
          "rating": first + i}, True)
        for i, (message, score, solved, comment, at) in enumerate(rated)])
    curators = batch.staff.get("curator") or [None]
    reviews = []
    for i, (message, score, _solved, _comment, at) in enumerate(rated):
        if score > low:
            continue
        closed_at = at + timedelta(days=rng.uniform(0.5, 10))
        if closed_at > end or rng.random() >= REVIEW_CLOSED_SHARE:
            reviews.append((message.id, first + i, at, None, None, "", ""))
            continue
        outcome = (ReviewOutcome.REOPENED if rng.random() < REOPENED_SHARE
                   else ReviewOutcome.CLOSED)
        reviews.append((message.id, first + i, at, closed_at, rng.choice(curators),
                        str(outcome), "Проверено куратором."))
    first_review = writer.reserve(LowRatingReview, len(reviews))
    writer.write(LowRatingReview, REVIEW_FIELDS,
                 [(first_review + i, *row) for i, row in enumerate(reviews)])
