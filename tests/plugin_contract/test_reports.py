"""Report datasets through the kernel: the example plugin's "messages per status" read
without importing it, only for the regions where it is on."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cms.kernel.hookspecs import ReportDataset
from cms.kernel.plugins import build_plugin_manager, hookimpl
from cms.kernel.reports import (
    check_report_datasets,
    dataset_rows,
    report_datasets,
)
from cms.models import Status
from tests.workflow.builders import message, other_region

KEY = "example_messages_per_status"


def period():
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(days=1)


def test_the_example_dataset_is_offered_for_the_regions_where_it_is_on(demo):
    other = other_region()
    other.disabled_plugins = ["example"]
    other.save(update_fields=["disabled_plugins"])
    offered = {dataset.key: regions for dataset, regions in
               report_datasets([demo.pk, other.pk])}
    assert offered[KEY] == [demo.pk]
    assert KEY not in {dataset.key for dataset, _ in report_datasets([other.pk])}


def test_the_example_datasets_rows_count_the_demo_regions_messages(demo,
                                                                  django_assert_num_queries):
    message(Status.ON_MODERATION)
    message(Status.ON_MODERATION)
    message(Status.IN_WORK)
    since, until = period()
    with django_assert_num_queries(2):  # the regions' switches, then the counts
        rows = dataset_rows(KEY, [demo.pk], since, until)
    assert {(row["status"], row["count"]) for row in rows} == {
        (Status.ON_MODERATION, 2), (Status.IN_WORK, 1)}
    assert {row["region"] for row in rows} == {demo.pk}


def test_no_rows_where_the_plugin_is_off(demo):
    message(Status.ON_MODERATION)
    demo.disabled_plugins = ["example"]
    demo.save(update_fields=["disabled_plugins"])
    since, until = period()
    assert dataset_rows(KEY, [demo.pk], since, until) == []


class RecordingDatasets:
    """A test plugin whose dataset remembers which regions it was asked about."""

    def __init__(self, key="recorded"):
        self.key = key
        self.asked = []

    def rows(self, region_ids, since, until):
        self.asked.append(list(region_ids))
        return [{"regions": len(region_ids)}]

    @hookimpl
    def report_datasets(self):
        return [ReportDataset(key=self.key, label="Recorded", columns=(("regions", "n"),),
                              rows=self.rows)]


def test_hook_report_datasets(demo):
    other = other_region()
    other.disabled_plugins = ["recording"]
    other.save(update_fields=["disabled_plugins"])
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    plugin = RecordingDatasets()
    pm.register(plugin, name="recording")
    since, until = period()

    assert [(d.key, regions) for d, regions in report_datasets([demo.pk, other.pk], pm)] == [
        ("recorded", [demo.pk])]
    assert dataset_rows("recorded", [demo.pk, other.pk], since, until, pm) == [{"regions": 1}]
    assert dataset_rows("recorded", [other.pk], since, until, pm) == []
    assert plugin.asked == [[demo.pk]]  # never asked about a region where it is off
    with pytest.raises(KeyError):
        dataset_rows("missing", [demo.pk], since, until, pm)


def test_two_plugins_may_not_declare_one_key(demo):
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    pm.register(RecordingDatasets(), name="first")
    pm.register(RecordingDatasets(), name="second")
    with pytest.raises(ImproperlyConfigured, match="'first'.*'second'|'second'.*'first'"):
        report_datasets([demo.pk], pm)


def test_a_duplicate_key_stops_the_start(plugin_manager):
    assert check_report_datasets(None) == []
    plugin_manager.register(RecordingDatasets(key=KEY), name="copycat")
    errors = check_report_datasets(None)
    assert [error.id for error in errors] == ["pos.E005"]
    assert "copycat" in errors[0].msg


def test_hook_region_working_days(demo):
    """The fasttrack plugin answers with the production calendar (31 December 2025 is a
    transferred day off, then the New Year holidays); the core, where it is off, with
    Monday to Friday."""
    from datetime import date

    from cms.kernel.plugins import hooks_for

    since, until = date(2025, 12, 31), date(2026, 1, 12)
    assert hooks_for(demo).region_working_days(region=demo, since=since, until=until) == [
        date(2026, 1, 12)]
    demo.disabled_plugins = ["fasttrack"]
    demo.save(update_fields=["disabled_plugins"])
    assert hooks_for(demo).region_working_days(region=demo, since=since, until=until) == [
        date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 5),
        date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8), date(2026, 1, 9),
        date(2026, 1, 12)]
