"""django-q2 tasks of the fast-track plugin. They take primary keys and are idempotent.

`sweep_deadlines_task` runs every few minutes (declared by this plugin's `scheduled_tasks`
hook, synced to a django-q2 schedule by `migrate`); it enqueues `deliver_warnings_task`
batches after commit.
"""

from django.utils import timezone

from .alerts import deliver_warnings
from .sweeps import sweep


def sweep_deadlines_task() -> dict[str, int]:
    return sweep(timezone.now()).as_dict()


def deliver_warnings_task(warning_ids: list[int]) -> int:
    return deliver_warnings(warning_ids)
