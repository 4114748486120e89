"""The rating plugin's report dataset "rating-scores": its figures on a fixed data set
(worked out by hand below), read through the kernel in three queries, grouped by the
month in the region's zone, and nothing for regions with the plugin off."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cms.kernel.reports import dataset_rows, report_datasets
from cms.models import Answer, Appeal, Category, Organisation, Status
from plugins.rating.models import LowRatingReview, Rating, RatingSettings, ReviewOutcome
from tests import factories
from tests.workflow.builders import message, other_region

KEY = "rating-scores"
GORSK = "Администрация городского округа Горск"
MINZDRAV = "Министерство здравоохранения Демонстрационной области"
ROADS = "01 Автомобильные дороги"
YARDS = "03 Дворы и территории общего пользования"
# In the demo region's zone (Europe/Samara, UTC+4) these are October and November.
OCTOBER = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
NOVEMBER_IN_SAMARA = datetime(2026, 10, 31, 21, 0, tzinfo=UTC)  # 1 November, 01:00 local


@pytest.fixture
def executors(db):
    return (factories.user("rating-exec-a", first_name="Анна", last_name="Орлова"),
            factories.user("rating-exec-b", first_name="Борис", last_name="Зайцев"))


def rating(score, rated_at, author, organisation="adm-gorsk", subcategory="01.01",
           is_low=False, reviews=(), region=None) -> Rating:
    """A rated answer of a message of its own (test setup, written directly)."""
    appeal = message(Status.CLOSED, organisation_code=organisation, region=region,
                     subcategory_code=subcategory)
    answer = Answer.objects.create(appeal=appeal, author=author, text="Сделано.",
                                   is_published=True, published_at=rated_at)
    row = Rating.objects.create(appeal=appeal, answer=answer, score=score, is_low=is_low)
    Rating.objects.filter(pk=row.pk).update(created_at=rated_at)
    for outcome in reviews:
        LowRatingReview.objects.create(appeal=appeal, rating=row, outcome=outcome,
                                       closed_at=rated_at + timedelta(days=1))
    return row


@pytest.fixture
def fixed_data_set(demo, executors):
    anna, boris = executors
    reopened, closed = ReviewOutcome.REOPENED, ReviewOutcome.CLOSED
    # Горск, Анна, roads, October: 1 (reopened, then its second review closed), 2 (two
    # reviews closed), 4, 5.
    rating(1, OCTOBER, anna, is_low=True, reviews=(reopened, closed))
    rating(2, OCTOBER, anna, is_low=True, reviews=(closed, closed))
    rating(4, OCTOBER, anna)
    rating(5, OCTOBER, anna)
    # Горск, Анна, roads, November in Samara: a 3 stored as low (the threshold was 3
    # then), a 2 not stored as low but at today's threshold.
    rating(3, NOVEMBER_IN_SAMARA, anna, is_low=True)
    rating(2, NOVEMBER_IN_SAMARA, anna)
    # Горск, Борис, yards, October.
    rating(5, OCTOBER, boris, subcategory="03.02")
    # Минздрав, Анна, roads, October.
    rating(3, OCTOBER, anna, organisation="minzdrav")
    rating(4, OCTOBER, anna, organisation="minzdrav")
    rating(5, OCTOBER, anna, organisation="minzdrav")


def registered_today():
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(days=1)


def row(period, organisation, executor, category, ratings, average, scores, low, reopened):
    return {"period": period, "organisation": organisation, "executor": executor,
            "category": category, "ratings": ratings, "average_score": average,
            **{f"score_{score}": count for score, count in zip(range(1, 6), scores,
                                                                strict=True)},
            "low_share": low, "reopened_share": reopened}


def without_ids(row: dict) -> dict:
    return {key: value for key, value in row.items() if not key.endswith("_id")}


def test_hook_report_datasets_gives_the_figures_of_the_fixed_data_set(
        fixed_data_set, demo, executors, django_assert_num_queries):
    anna, boris = executors
    gorsk, minzdrav = (Organisation.objects.get(region=demo, code=code)
                       for code in ("adm-gorsk", "minzdrav"))
    roads, yards = (Category.objects.get(code=code) for code in ("01", "03"))
    since, until = registered_today()
    # The regions' switches, their time zones, then the one aggregate query.
    with django_assert_num_queries(3):
        rows = dataset_rows(KEY, [demo.pk], since, until)
    ids = {(r["organisation_id"], r["executor_id"], r["category_id"]) for r in rows}
    assert ids == {(organisation.pk, executor.pk, category.pk)
                   for organisation, executor, category in (
                       (gorsk, anna, roads), (gorsk, boris, yards), (minzdrav, anna, roads))}
    assert [without_ids(r) for r in rows] == [
        row("2026-10", GORSK, "Орлова Анна", ROADS, 4, 3.0, (1, 1, 0, 1, 1), 0.5, 0.25),
        row("2026-10", GORSK, "Зайцев Борис", YARDS, 1, 5.0, (0, 0, 0, 0, 1), 0.0, 0.0),
        row("2026-10", MINZDRAV, "Орлова Анна", ROADS, 3, 4.0, (0, 0, 1, 1, 1), 0.0, 0.0),
        row("2026-11", GORSK, "Орлова Анна", ROADS, 2, 2.5, (0, 1, 1, 0, 0), 1.0, 0.0),
    ]
    dataset = next(d for d, _regions in report_datasets([demo.pk]) if d.key == KEY)
    assert [key for key, _label in dataset.columns] == list(rows[0])


def test_the_regions_threshold_decides_what_is_low(fixed_data_set, demo):
    RatingSettings.objects.update_or_create(region=demo, defaults={"low_threshold": 3})
    since, until = registered_today()
    minzdrav = next(r for r in dataset_rows(KEY, [demo.pk], since, until)
                    if r["organisation"] == MINZDRAV)
    assert minzdrav["low_share"] == 0.3333  # the 3 of 3, 4, 5


def test_only_messages_registered_in_the_period_count(fixed_data_set, demo):
    since, until = registered_today()
    Appeal.objects.filter(region=demo, organisation__code="minzdrav").update(
        created_at=since - timedelta(seconds=1))
    organisations = {r["organisation"] for r in dataset_rows(KEY, [demo.pk], since, until)}
    assert organisations == {GORSK}


def test_other_regions_and_regions_with_the_plugin_off_are_left_out(demo, executors):
    other = other_region()
    rating(4, OCTOBER, executors[0], organisation="other-org", region=other)
    since, until = registered_today()
    assert dataset_rows(KEY, [demo.pk], since, until) == []
    assert [r["ratings"] for r in dataset_rows(KEY, [other.pk], since, until)] == [1]
    other.disabled_plugins = ["rating"]
    other.save(update_fields=["disabled_plugins"])
    assert dataset_rows(KEY, [other.pk, demo.pk], since, until) == []
    assert KEY not in {d.key for d, _regions in report_datasets([other.pk])}
