"""Scheduled tasks, declared by plugins in code and kept in step with django-q2's schedules.

Each plugin (the core too) declares its periodic tasks through the `scheduled_tasks` hook.
`sync_schedules()` makes django-q2's `Schedule` rows match them: a row named
"pos: <task name>" per task, created, updated when its function or interval changed, and
deleted when no plugin declares it any more. Rows not named "pos: ..." belong to someone
else (an operator's own schedule in the admin) and are left alone, except the names the
data migrations of earlier releases gave the same tasks.

It runs after every `migrate` (so on every deploy; `cms.apps` connects it) and as
`manage.py sync_schedules`. Tasks are collected from every registered plugin, whatever a
region's switches say: a task limits its own work to the regions where its plugin is on.
Two plugins declaring one name stop the process: the system check `pos.E003` says so at
start-up, and the sync refuses to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pluggy
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.module_loading import import_string

from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import declarations, get_plugin_manager

PREFIX = "pos: "
# `Schedule.name` holds 100 characters, the prefix included.
MAX_NAME_LENGTH = 100 - len(PREFIX)
# What the data migrations of earlier releases named these schedules: removed by the
# sync so that no task runs twice after an upgrade.
LEGACY_NAMES = (
    "workflow: expire unanswered questions",
    "workflow: resume postponed messages",
    "notifications: retry pending",
    "fasttrack: deadline sweep",
    "portal: sweep held files",
)


def _problem_with(task: ScheduledTask) -> str:
    if not task.name or len(task.name) > MAX_NAME_LENGTH:
        return f"a name of 1 to {MAX_NAME_LENGTH} characters"
    if not isinstance(task.minutes, int) or task.minutes < 1:
        return "an interval of at least one minute"
    try:
        import_string(task.func)
    except ImportError:
        return f"a function that can be imported (not {task.func!r})"
    return ""


def collect_scheduled_tasks(pm) -> dict[str, ScheduledTask]:
    """Every declared task by name; raises ImproperlyConfigured on a duplicate name or a
    task the scheduler could not run."""
    tasks: dict[str, ScheduledTask] = {}
    for plugin_name, task in declarations(pm.hook.scheduled_tasks, "scheduled task",
                                          key=lambda task: task.name):
        problem = _problem_with(task)
        if problem:
            raise ImproperlyConfigured(
                f"Plugin {plugin_name!r} declares the scheduled task "
                f"{task.name!r} without {problem}.")
        tasks[task.name] = task
    return tasks


@dataclass
class SyncResult:
    """The schedule names the sync created, updated and deleted."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _wanted_fields(task: ScheduledTask) -> dict:
    from django_q.models import Schedule

    return {"func": task.func, "schedule_type": Schedule.MINUTES, "minutes": task.minutes,
            "repeats": -1, "args": None, "kwargs": None, "cron": None}


def sync_schedules(pm=None, using: str = DEFAULT_DB_ALIAS) -> SyncResult:
    """Make django-q2's "pos: " schedules match the declared tasks (idempotent)."""
    from django_q.models import Schedule

    wanted = {PREFIX + name: task
              for name, task in collect_scheduled_tasks(pm or get_plugin_manager()).items()}
    result = SyncResult()
    with transaction.atomic(using=using):
        rows = Schedule.objects.using(using).select_for_update()
        existing = {row.name: row for row in rows.filter(name__startswith=PREFIX)}
        for name, task in sorted(wanted.items()):
            fields = _wanted_fields(task)
            row = existing.get(name)
            if row is None:
                Schedule.objects.using(using).create(name=name, **fields)
                result.created.append(name)
            elif any(getattr(row, key) != value for key, value in fields.items()):
                # The next run stays as it is: a new interval applies from then on.
                Schedule.objects.using(using).filter(pk=row.pk).update(**fields)
                result.updated.append(name)
        stale = Schedule.objects.using(using).filter(name__in=[
            *(name for name in existing if name not in wanted), *LEGACY_NAMES])
        result.deleted = sorted(stale.values_list("name", flat=True))
        stale.delete()
    return result


def sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """The `post_migrate` receiver (connected for the cms app, so once per migrate run):
    sync when django-q2's tables exist, i.e. not on a partial migration before them."""
    from django_q.models import Schedule

    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return
    sync_schedules(using=using)


@checks.register()
def check_scheduled_tasks(app_configs, **kwargs):
    try:
        collect_scheduled_tasks(get_plugin_manager())
    except (pluggy.PluginValidationError, ImportError):
        return []  # the kernel did not start: pos.E001 says why
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Rename or fix the scheduled task.",
                             id="pos.E003")]
    return []
