"""The problem points' own facts (plugins/reports/problem_facts.py): the incremental
refresh picks up new, moved and redirected messages, and keeps places' totals and
groups' sizes; the report read from the facts gives the figures the direct computation
gives; the top places and groups found by batches are those counting everything finds;
the scheduled task is declared and runs on a real worker."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.kernel.plugins import get_plugin_manager
from cms.kernel.schedules import collect_scheduled_tasks
from cms.models import Appeal, Role
from plugins.reports import problem_facts, problems
from plugins.reports.filters import ReportFilters, report_scope
from plugins.reports.problem_facts import ProblemFact, ProblemGroup, ProblemPlace
from tests import factories
from tests.notifications.workers import postgres_url
from tests.qcluster import running_qcluster
from tests.workflow.builders import staff_member

from .fixed_data import build, period

pytestmark = pytest.mark.django_db

POTHOLE = "Большая яма на дороге у дома 5 по улице Ленина, машины бьют колёса"
POTHOLE_AGAIN = "Яма на дороге у дома 5 по улице Ленина, бьют колёса машины"
POTHOLE_THIRD = "Большая яма на дороге у дома 5 по ул Ленина, колёса бьют"
RUBBISH = "Третью неделю не вывозят мусор из контейнеров во дворе"


def message(text, *, days_ago=0, sub="01.01", territory="gorsk", address="ул. Ленина, 5",
            organisation="cur"):
    appeal = factories.appeal(subcategory_code=sub, territory_code=territory,
                              organisation_code=organisation, address=address, save=False)
    appeal.text = text
    appeal.save()
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago))
    appeal.refresh_from_db()
    return appeal


def fact(appeal) -> ProblemFact:
    return ProblemFact.objects.get(pk=appeal.pk)


def touch(appeal, **changes):
    """A write as the workflow makes it: the fields and `updated_at`."""
    Appeal.objects.filter(pk=appeal.pk).update(updated_at=timezone.now(), **changes)


@pytest.fixture
def place(demo):
    first = message(POTHOLE, days_ago=10)
    second = message(POTHOLE_AGAIN, days_ago=8, address="  УЛ. ЛЕНИНА, 5 ")
    rubbish = message(RUBBISH, days_ago=5)
    problem_facts.refresh(full=True)
    return first, second, rubbish


def test_the_full_refresh_writes_places_groups_and_totals(place):
    first, second, rubbish = place
    assert fact(first).place_id == fact(second).place_id == fact(rubbish).place_id
    assert fact(first).similar_group == fact(second).similar_group == first.pk
    assert fact(rubbish).similar_group is None
    lenina = ProblemPlace.objects.get()
    assert (lenina.key, lenina.address, lenina.total) == ("ул. ленина, 5", "ул. Ленина, 5", 3)
    assert list(ProblemGroup.objects.values_list("id", "size")) == [(first.pk, 2)]


def test_the_incremental_refresh_adds_a_new_similar_message_to_its_group(place):
    first, _second, _rubbish = place
    third = message(POTHOLE_THIRD, days_ago=2)
    written = problem_facts.refresh()
    assert written["facts"] >= 1
    assert fact(third).similar_group == first.pk
    assert ProblemGroup.objects.get().size == 3
    assert ProblemPlace.objects.get().total == 4


def test_a_message_moved_to_another_place_leaves_its_group(place):
    first, second, _rubbish = place
    touch(second, address="ул. Мира, 12")
    problem_facts.refresh()
    assert fact(second).place_id != fact(first).place_id
    assert fact(first).similar_group is None and fact(second).similar_group is None
    assert not ProblemGroup.objects.exists()
    assert dict(ProblemPlace.objects.values_list("key", "total")) == {
        "ул. ленина, 5": 2, "ул. мира, 12": 1}


def test_a_redirected_message_is_counted_for_its_new_organisation(place):
    first, _second, _rubbish = place
    other = factories.organisation("minzdrav")
    touch(first, organisation=other)
    problem_facts.refresh()
    assert fact(first).organisation_id == other.pk
    assert fact(first).similar_group == first.pk  # same place, same group


def test_a_message_unchanged_since_the_last_refresh_is_not_read_again(place):
    # Written before the last refresh and its overlap (writes committed late).
    Appeal.objects.update(updated_at=timezone.now() - problem_facts.OVERLAP * 2)
    assert problem_facts.refresh() == {"places": 0, "facts": 0, "groups": 0}


def test_the_scheduled_task_is_declared():
    tasks = collect_scheduled_tasks(get_plugin_manager())
    task = tasks["refresh problem facts"]
    assert task.func == "plugins.reports.problem_facts.refresh_task"
    assert task.minutes == problem_facts.REFRESH_MINUTES


# --- the report from the facts equals the direct computation -----------------------------


def direct(filters, user):
    """The figures computed from the messages, as on SQLite."""
    scope = report_scope(user, filters)
    received = scope.appeals.filter(filters.period_q())
    subcategories, territories = problems.growth(filters, scope.appeals)
    return {"subcategories": subcategories.rows, "territories": territories.rows,
            "places": problems.places_table(problems.places_direct(received)).rows,
            "similar": problems.similar_table(problems.similar_direct(received)).rows}


def from_facts(filters, user):
    result = problems.compute(filters, report_scope(user, filters))
    return {table.key: table.rows for table in result.tables}


@pytest.mark.parametrize("narrowed", [{}, {"organisation": "adm-gorsk"},
                                      {"territory": "gorsk-leninsky"}, {"channel": "portal"}])
def test_the_facts_give_the_direct_figures_on_the_fixed_set(demo, narrowed):
    data = build()
    problem_facts.refresh(full=True)
    extra = {}
    if "organisation" in narrowed:
        extra["organisation"] = factories.organisation(narrowed["organisation"])
    if "territory" in narrowed:
        extra["territory"] = factories.territory(narrowed["territory"], demo)
    if "channel" in narrowed:
        extra["channel"] = narrowed["channel"]
    filters = period(**extra)
    for user in (data.curator, data.head):
        assert from_facts(filters, user) == direct(filters, user)


def test_growth_from_month_cells_equals_counting_the_messages(demo):
    """Messages over five months (whole months read from the cells, the other days from
    the facts), then changes picked up by the incremental refresh (the cells move by
    the changed messages only): the growth figures equal those counted directly."""
    user = staff_member("rprob-curator", "cur", Role.CURATOR)
    today = timezone.localtime(timezone.now(), demo.tzinfo).date()
    made = []
    for days_ago in range(3, 150, 4):
        made.append(message(f"{RUBBISH} {days_ago}", days_ago=days_ago,
                            sub="01.01" if days_ago % 3 else "03.02",
                            territory="gorsk" if days_ago % 2 else "gorsk-leninsky",
                            address=f"ул. Садовая, {days_ago % 5}"))
    problem_facts.refresh(full=True)
    periods = [ReportFilters(since=today - timedelta(days=days), until=today, region=demo,
                             zone=demo.time_zone) for days in (20, 45, 70)]
    periods.append(replace(periods[1], category=factories.subcategory("01.01").category))
    periods.append(replace(periods[2], territory=factories.territory("gorsk-leninsky", demo)))

    def both(filters):
        scope = report_scope(user, filters)
        cells = problems.growth(filters, problems.pair_counts(
            filters, scope, scope.rows(ProblemFact, period=False)))
        counted = problems.growth(filters, scope.appeals)
        return [table.rows for table in cells], [table.rows for table in counted]

    assert problems.months_apply(periods[2], report_scope(user, periods[2]))
    assert problems.split_by_months(periods[2])[0]  # whole months in it
    for filters in periods:
        from_cells, counted = both(filters)
        assert from_cells == counted
    # A new message, one moved to another subcategory, one to another territory.
    message(RUBBISH, days_ago=50, sub="03.02")
    touch(made[5], subcategory=factories.subcategory("01.02"))
    touch(made[9], territory=factories.territory("staromlynsk", demo))
    problem_facts.refresh()
    for filters in periods:
        from_cells, counted = both(filters)
        assert from_cells == counted


def test_the_busiest_places_by_batches_are_those_counting_all_finds(demo, monkeypatch):
    """Twelve places with 2..13 messages over a long period: found by batches of five
    (settled in the first batches) and by counting everything, the same rows."""
    now = timezone.now()
    for number in range(12):
        for repeat in range(number + 2):
            message(f"{RUBBISH} {repeat}", days_ago=1 + repeat * 40,
                    address=f"ул. Садовая, {number}")
    problem_facts.refresh(full=True)
    user = staff_member("rprob-curator", "cur", Role.CURATOR)
    filters = ReportFilters(since=(now - timedelta(days=800)).date(), until=now.date(),
                            region=demo, zone=demo.time_zone)
    rows = report_scope(user, filters).rows(ProblemFact, period=False)
    monkeypatch.setattr(problems, "PLACES", 4)
    monkeypatch.setattr(problems, "TOP_BATCH", 5)
    calls = []
    real = problems.threshold_top

    def spied(*args, **kwargs):
        calls.append(found := real(*args, **kwargs))
        return found

    monkeypatch.setattr(problems, "threshold_top", spied)
    by_batches = problems.places_from_facts(filters, rows)
    assert calls[0] is not None  # settled by batches
    monkeypatch.setattr(problems, "threshold_top", lambda *args, **kwargs: None)
    assert problems.places_from_facts(filters, rows) == by_batches
    assert [row["count"] for row in by_batches] == [13, 12, 11, 10]


def test_threshold_top_stops_once_no_candidate_can_enter(monkeypatch):
    monkeypatch.setattr(problems, "TOP_BATCH", 5)
    bounds = [(pk, 100 - pk) for pk in range(60)]  # candidate pk may count 100 - pk
    asked = []

    def count(ids, share=1.0):
        asked.append(ids)
        return [{"id": pk, "count": int((100 - pk) * share)} for pk in ids]

    def order(row):
        return (-row["count"], row["id"])

    found = problems.threshold_top(bounds, count, 3, order)
    assert [row["id"] for row in found] == [0, 1, 2]
    assert len(asked) == 1  # the third kept (98) counts more than the last bound read (96)
    # Counts far below the bounds (a short period): given up after one batch.
    asked.clear()
    assert problems.threshold_top(bounds, lambda ids: count(ids, 0.1), 3, order) is None
    assert len(asked) == 1


# --- a real worker ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_refresh(demo, tmp_path):
    from django_q.tasks import async_task, result

    first = message(POTHOLE, days_ago=10)
    second = message(POTHOLE_AGAIN, days_ago=8)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pos_site.settings.test",
           "POS_Q_SYNC": "0", "DATABASE_URL": postgres_url(), "Q_WORKERS": "1"}
    with running_qcluster(env, tmp_path / "qcluster.log") as process:
        task_id = async_task("plugins.reports.problem_facts.refresh_task", sync=False)
        outcome = result(task_id, wait=60_000)
        assert process.poll() is None, "the worker stopped"
    assert outcome is not None, "the worker did not run the refresh in time"
    assert outcome["facts"] >= 2
    assert fact(first).similar_group == fact(second).similar_group == first.pk


def test_the_command_refreshes_the_problem_facts(place):
    from io import StringIO

    from django.core.management import call_command

    third = message(POTHOLE_THIRD, days_ago=2)
    out = StringIO()
    call_command("refresh_problem_facts", stdout=out)
    assert out.getvalue().startswith("incremental refresh: places 0, facts ")
    assert fact(third).similar_group == place[0].pk
