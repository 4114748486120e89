"""The example plugin's scheduled task, end to end: declared in its code, made a django-q2
schedule by `migrate` (and `sync_schedules`), and runnable as django-q2 runs it."""

from django.core.management import call_command
from django_q.models import Schedule
from django_q.tasks import async_task, result

from tests.example_plugin import tasks
from tests.example_plugin.schedules import EVERY_MINUTES, FUNC, NAME

SCHEDULE_NAME = f"pos: {NAME}"


def test_migrate_schedules_the_example_task(db):
    Schedule.objects.filter(name=SCHEDULE_NAME).delete()
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        FUNC, Schedule.MINUTES, EVERY_MINUTES, -1)


def test_the_scheduled_function_runs_as_django_q_runs_it(db):
    call_command("sync_schedules", verbosity=0)
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    before = tasks.runs
    # The test settings run django-q2 tasks inline: the same import and call a worker makes.
    task_id = async_task(schedule.func)
    assert result(task_id) == before + 1
    assert tasks.runs == before + 1
