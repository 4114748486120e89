"""The retention task is scheduled daily, the region's period is a section of "Region
settings", and the reports' figures do not change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from cms.kernel.plugins import get_plugin_manager
from cms.kernel.schedules import PREFIX, collect_scheduled_tasks, sync_schedules
from cms.models import Appeal, AppealEvent, EventKind, Status
from cms.retention.anonymise import anonymise_personal_data
from cms.retention.models import RetentionSettings
from cms.retention.tasks import anonymise_personal_data_task
from plugins.reports import facts
from plugins.reports.filters import ReportFilters, report_scope
from plugins.reports.registry import get_report
from tests.reports.fixed_data import build
from tests.reports.test_report_facts import figures_of

TASK = "cms.retention.tasks.anonymise_personal_data_task"


@pytest.mark.django_db
def test_the_task_is_scheduled_daily():
    task = collect_scheduled_tasks(get_plugin_manager())["anonymise personal data"]
    assert import_string(task.func) is anonymise_personal_data_task
    assert task.minutes == 24 * 60
    sync_schedules()
    row = Schedule.objects.get(name=PREFIX + "anonymise personal data")
    assert (row.func, row.minutes) == (TASK, 24 * 60)


def test_the_period_is_a_section_of_the_region_settings():
    declared = [model for answer in get_plugin_manager().hook.region_settings_models()
                for model in answer]
    assert RetentionSettings in declared


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["volume", "deadlines", "satisfaction"])
def test_the_reports_count_anonymised_messages_as_before(demo, key):
    data = build()
    # The answered messages are closed, as they would be after the rating wait.
    answered = Appeal.objects.filter(region=demo, status=Status.ANSWERED)
    for appeal in answered:
        AppealEvent.objects.create(appeal=appeal, kind=EventKind.STATUS_CHANGED,
                                   from_value=Status.ANSWERED, to_value=Status.CLOSED)
    closed = answered.update(status=Status.CLOSED)
    facts.refresh_facts(full=True)
    filters = ReportFilters(since=date(2026, 10, 1), until=date(2026, 11, 30), region=demo,
                            zone=demo.time_zone, step="month")
    before = figures_of(get_report(key).compute(filters, report_scope(data.curator, filters)))

    later = timezone.now() + timedelta(days=7 * 365)
    assert anonymise_personal_data(region_code="demo", now=later)["demo"].messages == closed
    facts.refresh_facts(full=True)

    after = figures_of(get_report(key).compute(filters, report_scope(data.curator, filters)))
    assert after == before
    assert any(table.rows for table in get_report(key).compute(
        filters, report_scope(data.curator, filters)).tables)
