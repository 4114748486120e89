"""Scheduled tasks: declared through the `scheduled_tasks` hook, synced to django-q2's
schedules by `migrate` and `manage.py sync_schedules`, never by a data migration."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_q.models import Schedule

from cms.kernel import schedules
from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import build_plugin_manager, get_plugin_manager, hookimpl
from cms.kernel.schedules import collect_scheduled_tasks, sync_schedules

CORE_TASKS = {
    "pos: expire unanswered questions": ("cms.workflow.tasks.expire_clarifications_task",
                                         15),
    "pos: resume postponed messages": ("cms.workflow.tasks.resume_postponed_task", 15),
    "pos: retry pending notifications": (
        "cms.notifications.tasks.retry_pending_notifications_task", 10),
    "pos: release stale notification claims": (
        "cms.notifications.tasks.release_stale_claims_task", 1),
    "pos: sweep held uploads": ("cms.submission.held_uploads.sweep_held_uploads_task", 60),
    "pos: sweep rate limit counters": ("cms.submission.ratelimit.sweep_rate_counters_task", 60),
    "pos: anonymise personal data": ("cms.retention.tasks.anonymise_personal_data_task",
                                     24 * 60),
}


class Sweeper:
    """A plugin declaring one task whose interval a test may change."""

    def __init__(self, name="sweeper: tidy", minutes=30):
        self.name, self.minutes = name, minutes

    @hookimpl
    def scheduled_tasks(self):
        return [ScheduledTask(self.name, "cms.workflow.tasks.resume_postponed_task",
                              self.minutes)]


def core_only():
    """The core and nothing else, whatever the settings install."""
    return build_plugin_manager(default_plugins=(), load_entry_points=False)


def rows() -> dict[str, tuple]:
    return {row.name: (row.pk, row.func, row.schedule_type, row.minutes, row.repeats)
            for row in Schedule.objects.all()}


@pytest.fixture
def no_schedules(db):
    Schedule.objects.all().delete()


def test_hook_scheduled_tasks():
    declared = collect_scheduled_tasks(core_only())
    assert {f"pos: {name}": (task.func, task.minutes)
            for name, task in declared.items()} == CORE_TASKS


def test_sync_creates_a_schedule_per_declared_task(no_schedules):
    pm = core_only()
    pm.register(Sweeper(), name="sweeper")
    result = sync_schedules(pm)
    assert sorted(result.created) == sorted([*CORE_TASKS, "pos: sweeper: tidy"])
    made = rows()
    for name, (func, minutes) in CORE_TASKS.items():
        _pk, made_func, kind, made_minutes, repeats = made[name]
        assert (made_func, kind, made_minutes, repeats) == (func, Schedule.MINUTES,
                                                            minutes, -1)


def test_a_second_sync_changes_nothing(no_schedules):
    pm = core_only()
    sync_schedules(pm)
    before = rows()
    result = sync_schedules(pm)
    assert not result.changed
    assert rows() == before


def test_a_changed_interval_is_updated_in_place(no_schedules):
    pm = core_only()
    sweeper = Sweeper(minutes=30)
    pm.register(sweeper, name="sweeper")
    sync_schedules(pm)
    pk = rows()["pos: sweeper: tidy"][0]
    sweeper.minutes = 5
    result = sync_schedules(pm)
    assert result.updated == ["pos: sweeper: tidy"] and not result.created
    row = Schedule.objects.get(name="pos: sweeper: tidy")
    assert (row.pk, row.minutes) == (pk, 5)


def test_a_task_nobody_declares_any_more_is_removed(no_schedules):
    pm = core_only()
    sweeper = Sweeper()
    pm.register(sweeper, name="sweeper")
    sync_schedules(pm)
    pm.unregister(sweeper)
    # An operator's own schedule (not "pos: ") is not ours to remove.
    Schedule.objects.create(name="backup", func="ops.backup", schedule_type=Schedule.DAILY)
    result = sync_schedules(pm)
    assert result.deleted == ["pos: sweeper: tidy"]
    assert set(rows()) == {*CORE_TASKS, "backup"}


def test_the_schedules_the_old_data_migrations_made_are_removed(no_schedules):
    for name in schedules.LEGACY_NAMES:
        Schedule.objects.create(name=name, func="cms.workflow.tasks.resume_postponed_task",
                                schedule_type=Schedule.MINUTES, minutes=15)
    result = sync_schedules(core_only())
    assert sorted(result.deleted) == sorted(schedules.LEGACY_NAMES)
    assert set(rows()) == set(CORE_TASKS)


def test_two_plugins_declaring_one_name_stop_the_sync(no_schedules, monkeypatch):
    pm = core_only()
    pm.register(Sweeper("tidy"), name="one")
    pm.register(Sweeper("tidy"), name="two")
    with pytest.raises(ImproperlyConfigured, match="'tidy' is declared by both"):
        sync_schedules(pm)
    assert not Schedule.objects.exists()
    monkeypatch.setattr(schedules, "get_plugin_manager", lambda: pm)
    [error] = schedules.check_scheduled_tasks(None)
    assert error.id == "pos.E003"


@pytest.mark.parametrize(("task", "problem"), [
    (ScheduledTask("never", "cms.workflow.tasks.resume_postponed_task", 0), "interval"),
    (ScheduledTask("lost", "cms.workflow.tasks.no_such_task", 5), "imported"),
    (ScheduledTask("x" * 100, "cms.workflow.tasks.resume_postponed_task", 5), "name"),
])
def test_a_task_the_scheduler_could_not_run_is_refused(task, problem):
    class Broken:
        @hookimpl
        def scheduled_tasks(self):
            return [task]

    pm = core_only()
    pm.register(Broken(), name="broken")
    with pytest.raises(ImproperlyConfigured, match=problem):
        collect_scheduled_tasks(pm)


def test_the_command_syncs_and_says_what_it_did(no_schedules):
    out = io.StringIO()
    call_command("sync_schedules", stdout=out)
    declared = collect_scheduled_tasks(get_plugin_manager())
    assert set(rows()) == {f"pos: {name}" for name in declared}
    assert "created: pos: resume postponed messages" in out.getvalue()
    out = io.StringIO()
    call_command("sync_schedules", stdout=out)
    assert "already match" in out.getvalue()


def test_migrate_syncs_the_schedules_and_leaves_them_in_place(no_schedules):
    declared = {f"pos: {name}" for name in collect_scheduled_tasks(get_plugin_manager())}
    call_command("migrate", verbosity=0)
    after_first = rows()
    assert set(after_first) == declared
    call_command("migrate", verbosity=0)
    assert rows() == after_first  # the same rows, not made again
