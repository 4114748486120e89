"""The rating's write path, `rate()`: one rating per answer, its history, the change
window, what the threshold decides, and two submits at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from cms.kernel.events import public_wording, staff_wording
from cms.models import AppealEvent, Status
from plugins.rating.models import LowRatingReview, Rating, RatingSettings, ReviewOutcome
from plugins.rating.services import (
    CHANGED,
    GIVEN,
    InvalidRating,
    RatingError,
    RatingNotAccepted,
    StaleRating,
    rate,
)
from tests.rating.answered import answered, answered_again, status_of


def rating_events(answer):
    return list(AppealEvent.objects.filter(appeal_id=answer.appeal_id,
                                           kind__in=[GIVEN, CHANGED]).order_by("pk"))


def test_a_high_score_is_recorded_and_closes_the_message(demo):
    answer = answered()
    outcome = rate(answer, 4, comment="  Спасибо  ")
    assert outcome.created
    rating = Rating.objects.get(answer=answer)
    assert (rating.score, rating.comment, rating.solved, rating.is_low) == (
        4, "Спасибо", "", False)
    [event] = rating_events(answer)
    assert event.kind == GIVEN and event.is_public and event.actor is None
    assert event.data == {"score": 4, "solved": "", "answer": answer.pk,
                          "rating": rating.pk}
    assert status_of(answer) == Status.CLOSED
    assert not LowRatingReview.objects.filter(appeal_id=answer.appeal_id).exists()


def test_hook_event_kinds_reads_the_rating_for_both_sides(demo):
    answer = answered()
    rate(answer, 1, solved="no")
    rate(answer, 4)
    given, changed = rating_events(answer)
    region = answer.appeal.region
    # In English: the Russian catalogue is the lead's to fill.
    with translation.override("en"):
        assert public_wording(given, region) == "Rating: 1 of 5"
        assert public_wording(changed, region) == "Rating changed: 1 → 4 of 5"
        what, change = staff_wording(given, region.tzinfo)
    assert what == "Rating given" and "1 of 5" in change and "not solved" in change


def test_a_low_score_opens_a_review_and_keeps_the_message_answered(demo):
    answer = answered()
    rate(answer, 2, comment="Яма осталась", solved="partly")
    rating = Rating.objects.get(answer=answer)
    assert rating.is_low and rating.solved == "partly"
    review = LowRatingReview.objects.get(rating=rating)
    assert review.is_open and review.appeal_id == answer.appeal_id
    assert status_of(answer) == Status.ANSWERED
    # Still low after a change: the same review, not a second one.
    rate(answer, 1, solved="no")
    assert LowRatingReview.objects.filter(rating=rating).count() == 1


def test_raising_a_low_score_ends_the_review_and_closes(demo):
    answer = answered()
    rate(answer, 1, solved="no")
    outcome = rate(answer, 5)
    assert not outcome.created
    review = LowRatingReview.objects.get(rating=outcome.rating)
    assert review.closed_at is not None and review.outcome == ReviewOutcome.CLOSED
    assert status_of(answer) == Status.CLOSED


def test_one_rating_per_answer_every_change_in_the_history(demo):
    answer = answered()
    rate(answer, 3)
    rate(answer, 1, solved="no")
    rate(answer, 2, solved="yes")
    assert Rating.objects.filter(answer=answer).count() == 1
    rating = Rating.objects.get(answer=answer)
    assert (rating.score, rating.changes) == (2, 2)
    events = rating_events(answer)
    assert [(e.kind, e.from_value, e.to_value) for e in events] == [
        (GIVEN, "", "3"), (CHANGED, "3", "1"), (CHANGED, "1", "2")]


@pytest.mark.parametrize("window, age, allowed", [(7, 6, True), (7, 8, False),
                                                  (0, 0, False)])
def test_a_rating_changes_only_within_the_window(demo, window, age, allowed):
    RatingSettings.objects.update_or_create(region=demo,
                                            defaults={"change_window_days": window})
    answer = answered()
    rate(answer, 1, solved="no")
    Rating.objects.filter(answer=answer).update(
        created_at=timezone.now() - timedelta(days=age, minutes=1))
    if allowed:
        rate(answer, 3)
        assert Rating.objects.get(answer=answer).score == 3
    else:
        with pytest.raises(RatingNotAccepted):
            rate(answer, 3)
        assert Rating.objects.get(answer=answer).score == 1
        assert len(rating_events(answer)) == 1


@pytest.mark.parametrize("score, comment, solved", [
    (0, "", ""), (6, "", ""), ("пять", "", ""), (None, "", ""),
    (3, "я" * 2001, ""),
    (2, "", ""),          # low: "solved" is required
    (2, "", "maybe"),     # and one of yes / partly / no
    (4, "", "yes"),       # high: it is not asked
])
def test_bad_input_changes_nothing(demo, score, comment, solved):
    answer = answered()
    with pytest.raises(InvalidRating):
        rate(answer, score, comment=comment, solved=solved)
    assert not Rating.objects.filter(answer=answer).exists()
    assert rating_events(answer) == []
    assert status_of(answer) == Status.ANSWERED


def test_the_threshold_is_the_regions(demo):
    RatingSettings.objects.update_or_create(region=demo, defaults={"low_threshold": 3})
    answer = answered()
    with pytest.raises(InvalidRating):
        rate(answer, 3)
    rate(answer, 3, solved="partly")
    assert Rating.objects.get(answer=answer).is_low
    assert status_of(answer) == Status.ANSWERED


def test_a_stale_page_changes_nothing(demo):
    answer = answered()
    rate(answer, 4, version=0)
    # The page still showed "no rating yet" (version 0): refused.
    with pytest.raises(StaleRating):
        rate(answer, 1, solved="no", version=0)
    assert Rating.objects.get(answer=answer).score == 4
    rate(answer, 5, version=1)
    assert Rating.objects.get(answer=answer).score == 5


def test_a_replaced_answer_is_not_rated_again(demo):
    first = answered()
    rate(first, 1, solved="no")
    second = answered_again(first)
    with pytest.raises(RatingNotAccepted):
        rate(first, 2, solved="no")
    rate(second, 5)
    # The first rating stays in the history, the new one beside it.
    assert [e.data["answer"] for e in rating_events(first)] == [first.pk, second.pk]
    assert Rating.objects.get(answer=first).score == 1
    assert status_of(second) == Status.CLOSED


def test_a_reopened_message_is_not_rated_until_answered(demo):
    from cms.workflow import actions
    from tests.workflow.builders import demo_staff

    answer = answered()
    actions.do_reopen_appeal(answer.appeal_id, demo_staff()["curator"], "Оценка 1")
    with pytest.raises(RatingNotAccepted):
        rate(answer, 5)
    assert not Rating.objects.filter(answer=answer).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_give_one_rating(demo):
    answer = answered()
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def submit(index, score):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = rate(answer, score, version=0)
        except RatingError as error:
            outcomes[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(i, s)) for i, s in enumerate((4, 5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes) == ["Outcome", "StaleRating"]
    assert Rating.objects.filter(answer=answer).count() == 1
    assert len(rating_events(answer)) == 1
