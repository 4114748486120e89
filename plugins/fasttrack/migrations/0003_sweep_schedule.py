"""Schedule the deadline sweep with django-q2's scheduler (idempotent: keyed by name)."""

from django.db import migrations

NAME = "fasttrack: deadline sweep"
FUNC = "plugins.fasttrack.tasks.sweep_deadlines_task"
EVERY_MINUTES = 5


def schedule_sweep(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "I", "minutes": EVERY_MINUTES,
                  "repeats": -1},
    )


def unschedule_sweep(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fasttrack", "0002_overdue_sweep_index"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule_sweep, unschedule_sweep)]
