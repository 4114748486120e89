"""Schedule the workflow's sweeps and the outbox retry with django-q2's scheduler.

Idempotent: each schedule is keyed by its name, so running the migration again (or on a
database that already has the rows) changes nothing.
"""

from django.db import migrations

SCHEDULES = {
    "workflow: expire unanswered questions": ("cms.workflow.tasks.expire_clarifications_task", 15),
    "workflow: resume postponed messages": ("cms.workflow.tasks.resume_postponed_task", 15),
    "notifications: retry pending": (
        "cms.notifications.tasks.retry_pending_notifications_task", 10),
}


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_audit_append_only"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
