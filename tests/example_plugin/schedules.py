"""A periodic task of the example plugin, declared in code (no data migration)."""

from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import hookimpl

__all__ = ["scheduled_tasks"]

NAME = "example: count runs"
FUNC = "tests.example_plugin.tasks.count_runs_task"
# Daily: a real worker started by another test runs it at most once (harmless).
EVERY_MINUTES = 24 * 60


@hookimpl
def scheduled_tasks():
    return [ScheduledTask(name=NAME, func=FUNC, minutes=EVERY_MINUTES)]
