"""Schedule the sweep of held files nobody came back for (hourly, with django-q2).

Idempotent: the schedule is keyed by its name.
"""

from django.db import migrations

NAME = "portal: sweep held files"


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "cms.submission.held_uploads.sweep_held_uploads_task",
            "schedule_type": "I",
            "minutes": 60,
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_held_uploads"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
