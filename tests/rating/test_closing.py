"""Closing answered messages nobody rated, after each region's waiting time: exactly
those, once, only where the plugin is on; and by a real django-q2 worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, result

from cms.kernel.plugins import get_plugin_manager
from cms.kernel.schedules import collect_scheduled_tasks
from cms.models import (
    Answer,
    AppealEvent,
    EventKind,
    Organisation,
    Region,
    Status,
    Territory,
)
from cms.workflow import actions
from plugins.rating.closing import close_unrated
from plugins.rating.models import LowRatingReview, Rating, RatingSettings
from plugins.rating.services import rate
from tests.fasttrack.test_worker import WAIT_SECONDS, worker  # noqa: F401 (a fixture)
from tests.rating.answered import answered, status_of
from tests.workflow.builders import citizen, demo_staff, message

TASK = "plugins.rating.tasks.close_unrated_task"


def published_days_ago(answer: Answer, days: int) -> Answer:
    Answer.objects.filter(pk=answer.pk).update(
        published_at=timezone.now() - timedelta(days=days))
    return answer


def region_with(code: str, *, plugin_on: bool, wait_days: int | None = None) -> Region:
    """A region with one organisation and one territory, the rating plugin on or off."""
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": code})
    region.disabled_plugins = [] if plugin_on else ["rating"]
    region.save(update_fields=["disabled_plugins"])
    if not Territory.objects.filter(region=region).exists():
        Territory.add_root(region=region, code=code, name=code, kind="region")
    Organisation.objects.get_or_create(region=region, code=f"{code}-org",
                                       defaults={"name": code, "kind": "roiv"})
    if wait_days is not None:
        RatingSettings.objects.update_or_create(region=region,
                                                defaults={"close_after_days": wait_days})
    return region


def answered_in(region: Region, days_ago: int) -> Answer:
    """An answered message of `region` (written directly: no staff there), its answer
    published `days_ago`."""
    appeal = message(Status.ANSWERED, organisation_code=f"{region.code}-org", region=region)
    answer = Answer.objects.create(appeal=appeal, author=citizen(), text="Сделано.",
                                   is_published=True, decided_at=timezone.now())
    return published_days_ago(answer, days_ago)


def closed_by_the_system(answer: Answer) -> bool:
    return AppealEvent.objects.filter(appeal_id=answer.appeal_id, actor__isnull=True,
                                      kind=EventKind.STATUS_CHANGED,
                                      to_value=Status.CLOSED).exists()


@pytest.fixture
def waits(demo):
    """The demo region waits 10 days; "slow" 30 days; "off" has the plugin off."""
    RatingSettings.objects.update_or_create(region=demo, defaults={"close_after_days": 10})
    return {"slow": region_with("slow", plugin_on=True, wait_days=30),
            "off": region_with("off", plugin_on=False)}


def test_closes_exactly_the_answers_left_unrated_past_the_regions_wait(waits):
    staff = demo_staff()
    due = published_days_ago(answered(), 11)
    too_recent = published_days_ago(answered(), 9)
    rated_low = answered()
    rate(rated_low, 1, solved="no")  # an open review: the curator decides, not the task
    published_days_ago(rated_low, 11)
    rated_then_left = published_days_ago(answered(), 11)
    # A rating row with the message still answered (no review): it is rated.
    Rating.objects.create(appeal_id=rated_then_left.appeal_id, answer=rated_then_left,
                          score=3)
    # Reopened after a rating and answered again: the new answer is unrated.
    first = answered()
    rate(first, 1, solved="no")
    published_days_ago(first, 30)
    actions.do_reopen_appeal(first.appeal_id, staff["curator"], "Переделать")
    actions.do_submit_answer(first.appeal_id, staff["executor"], "Теперь сделано.")
    second = published_days_ago(actions.do_approve_answer(first.appeal_id, staff["head"]), 11)
    in_work = published_days_ago(answered(), 11)
    actions.do_reopen_appeal(in_work.appeal_id, staff["curator"], "Ещё раз")
    slow_due = answered_in(waits["slow"], 31)
    slow_waiting = answered_in(waits["slow"], 20)
    off = answered_in(waits["off"], 60)

    outcome = close_unrated(timezone.now())

    assert outcome.as_dict() == {"closed": 3, "skipped": 0}
    for answer in (due, second, slow_due):
        assert status_of(answer) == Status.CLOSED and closed_by_the_system(answer)
    for answer in (too_recent, rated_low, rated_then_left, slow_waiting, off):
        assert status_of(answer) == Status.ANSWERED, answer.pk
    assert status_of(in_work) == Status.IN_WORK
    assert LowRatingReview.objects.get(rating__answer=rated_low).is_open


def test_a_second_run_closes_nothing(waits):
    due = published_days_ago(answered(), 11)
    assert close_unrated(timezone.now()).closed == 1
    events = AppealEvent.objects.filter(appeal_id=due.appeal_id).count()
    assert close_unrated(timezone.now()).as_dict() == {"closed": 0, "skipped": 0}
    assert AppealEvent.objects.filter(appeal_id=due.appeal_id).count() == events


def test_a_run_closes_at_most_its_batch_and_the_next_run_goes_on(waits):
    answers = [published_days_ago(answered(), 11 + i) for i in range(3)]
    assert close_unrated(timezone.now(), limit=2).closed == 2
    assert close_unrated(timezone.now(), limit=2).closed == 1
    assert all(status_of(answer) == Status.CLOSED for answer in answers)


def test_a_region_with_the_plugin_off_is_untouched(waits, demo):
    due = published_days_ago(answered(), 40)
    demo.disabled_plugins = ["rating"]
    demo.save(update_fields=["disabled_plugins"])
    assert close_unrated(timezone.now()).closed == 0
    assert status_of(due) == Status.ANSWERED


def test_the_task_is_declared_to_run_hourly():
    tasks = collect_scheduled_tasks(get_plugin_manager()).values()
    [task] = [task for task in tasks if task.func == TASK]
    assert task.minutes == 60


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_closes_the_unrated_answer_once(demo, worker):  # noqa: F811
    # The scheduler in the cluster would run the same task; keep this run explicit.
    Schedule.objects.filter(func=TASK).update(next_run=timezone.now() + timedelta(days=1))
    due = published_days_ago(answered(), 20)
    waiting = published_days_ago(answered(), 3)

    def run_on_worker() -> dict:
        task_id = async_task(TASK, sync=False)
        outcome = result(task_id, wait=WAIT_SECONDS * 1000)
        assert worker.poll() is None, "the worker stopped"
        assert outcome is not None, "the worker did not run the task in time"
        return outcome

    assert run_on_worker() == {"closed": 1, "skipped": 0}
    assert status_of(due) == Status.CLOSED and status_of(waiting) == Status.ANSWERED
    assert run_on_worker() == {"closed": 0, "skipped": 0}
    assert AppealEvent.objects.filter(appeal_id=due.appeal_id, kind=EventKind.STATUS_CHANGED,
                                      to_value=Status.CLOSED).count() == 1
