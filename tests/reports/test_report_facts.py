"""The reports' facts (plugins/reports/facts.py): each message's pre-computed figures equal
the direct computation from the messages, answers, events and postponements; the
incremental refresh follows what the workflow writes (a new message, a transition, a
redirect); it is a scheduled task; whole months read from the monthly figures give the
same report as the facts of every day."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from cms.kernel.plugins import get_plugin_manager
from cms.kernel.schedules import PREFIX, collect_scheduled_tasks, sync_schedules
from cms.models import Appeal, Status
from cms.workflow import actions
from plugins.reports import cube, facts, measures
from plugins.reports.filters import ReportFilters, report_scope
from plugins.reports.models import AppealFact, FactsRefresh, MonthFigures
from plugins.reports.registry import get_report
from tests import factories
from tests.rating.answered import answered
from tests.workflow.builders import demo_staff, message

from .fixed_data import build

pytestmark = pytest.mark.django_db


def fact(appeal) -> AppealFact:
    return AppealFact.objects.get(appeal_id=appeal.pk)


def test_each_messages_facts_equal_the_direct_computation(demo):
    data = build()
    numbers = measures.working_day_numbers([demo], date(2026, 10, 1), date(2026, 12, 31))
    direct = (Appeal.objects.filter(region=demo)
              .annotate(answered_at=measures.first_answer_at(),
                        redirects=measures.redirect_count(),
                        loss=measures.redirect_loss_hours(),
                        was_postponed=measures.postponed())
              .annotate(days=measures.WorkingDaysBetween(numbers, F("created_at"),
                                                         F("answered_at"))))
    assert len(direct) == len(data.messages) == 9
    for appeal in direct:
        found = fact(appeal)
        on_time = None if appeal.answered_at is None else (
            appeal.deadline is None or appeal.answered_at <= appeal.deadline)
        assert (found.answered_at, found.on_time, found.working_days, found.redirects,
                found.loss_hours, found.postponed) == (
            appeal.answered_at, on_time, appeal.days, appeal.redirects or 0, appeal.loss,
            appeal.was_postponed), appeal.number
        assert (found.region_id, found.organisation_id, found.category_id,
                found.subcategory_id, found.territory_id, found.channel,
                found.is_fast_track, found.status, found.deadline) == (
            appeal.region_id, appeal.organisation_id, appeal.category_id,
            appeal.subcategory_id, appeal.territory_id, appeal.channel,
            appeal.is_fast_track, appeal.status, appeal.deadline)
    # The hand-worked figures of tests/reports/fixed_data.py.
    assert [fact(data.messages[n]).working_days for n in (1, 2, 5)] == [1, 3, 7]
    assert (fact(data.messages[5]).redirects, fact(data.messages[5]).loss_hours) == (1, 48.0)
    assert fact(data.messages[4]).postponed


def test_the_incremental_refresh_follows_the_workflow(demo):
    staff = demo_staff()
    passed_on = message(Status.ON_MODERATION)
    redirected = message(Status.ON_MODERATION)
    actions.do_pass_on_appeal(redirected.pk, staff["moderator"])
    facts.refresh_facts(full=True)
    assert fact(passed_on).status == Status.ON_MODERATION
    assert fact(redirected).redirects == 0

    new = answered()  # registered, sent on, answered: all after the last refresh
    actions.do_pass_on_appeal(passed_on.pk, staff["moderator"])
    actions.do_redirect_appeal(redirected.pk, staff["coordinator"],
                               factories.organisation("uad"), "Дорога областная")
    written = facts.refresh_facts()

    assert written[facts.APPEALS] >= 3
    assert fact(passed_on).status == Status.SENT_TO_ORGANISATION
    assert (fact(new.appeal).answered_at, fact(new.appeal).status) == (
        new.published_at, Status.ANSWERED)
    assert fact(new.appeal).working_days is not None
    moved = fact(redirected)
    assert (moved.redirects, moved.organisation_id, moved.status) == (
        1, factories.organisation("uad").pk, Status.ON_MODERATION)
    # The monthly figures of the changed months were rebuilt from the facts.
    for per_category in (True, False):  # and summed over every category
        rows = MonthFigures.objects.filter(kind=MonthFigures.STATUS,
                                           category__isnull=not per_category)
        assert dict(rows.values_list("key").annotate(n=Sum("messages"))) == {
            Status.SENT_TO_ORGANISATION: 1, Status.ANSWERED: 1, Status.ON_MODERATION: 1}
        assert rows.aggregate(redirects=Sum("redirects"))["redirects"] == 1


def test_the_refresh_is_a_scheduled_task(demo):
    tasks = collect_scheduled_tasks(get_plugin_manager())
    task = tasks["refresh report facts"]
    assert import_string(task.func) is facts.refresh_task
    assert task.minutes == facts.REFRESH_MINUTES
    from django_q.models import Schedule

    sync_schedules()
    assert Schedule.objects.get(name=PREFIX + "refresh report facts").func == task.func
    message(Status.ON_MODERATION)
    assert facts.refresh_task()[facts.APPEALS] == 1
    assert facts.refreshed_at() is not None


def figures_of(result) -> list:
    return [(table.key, [{k: v for k, v in row.items() if k != "_links"}
                         for row in table.rows], table.totals) for table in result.tables]


@pytest.mark.parametrize("key", ["volume", "deadlines"])
@pytest.mark.parametrize(("since", "until", "step"), [
    (date(2026, 10, 1), date(2026, 11, 30), "month"),  # two whole months
    (date(2026, 10, 15), date(2026, 11, 30), "month"),  # a whole month and edge days
    (date(2026, 10, 1), date(2026, 11, 20), "day"),  # the series by day from the facts
])
def test_whole_months_read_from_the_monthly_figures_give_the_same_report(
        demo, monkeypatch, key, since, until, step):
    data = build()
    filters = ReportFilters(since=since, until=until, region=demo, zone=demo.time_zone,
                            step=step)
    with CaptureQueriesContext(connection) as captured:
        from_months = get_report(key).compute(filters, report_scope(data.curator, filters))
    assert any(MonthFigures._meta.db_table in query["sql"] for query in captured)
    monkeypatch.setattr(cube, "usable", lambda *args: False)
    from_facts = get_report(key).compute(filters, report_scope(data.curator, filters))
    assert figures_of(from_months) == figures_of(from_facts)


@pytest.mark.parametrize("values", [[3], [1, 3], [1, 3, 7], [0, 0, 2, 5, 5, 9, 40]])
def test_percentiles_from_a_histogram_are_postgresqls(values):
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), "
                       "percentile_cont(0.9) WITHIN GROUP (ORDER BY v) "
                       "FROM unnest(%s::int[]) v", [values])
        expected = cursor.fetchone()
    assert (cube.percentile(histogram, 0.5), cube.percentile(histogram, 0.9)) == expected


def test_each_report_page_says_how_fresh_its_figures_are(demo, client):
    data = build()
    client.force_login(data.curator)
    page = client.get(reverse("reports_admin:report", args=["deadlines"])).content.decode()
    at = timezone.localtime(facts.refreshed_at(), demo.tzinfo)
    # "Данные на 04:10": the last refresh, on the region's clock.
    assert f"{at:%H:%M}" in page.split("data-facts-at>")[1].split("</p>")[0]
    FactsRefresh.objects.all().delete()
    page = client.get(reverse("reports_admin:report", args=["deadlines"])).content.decode()
    assert f"{at:%H:%M}" not in page.split("data-facts-at>")[1].split("</p>")[0]
