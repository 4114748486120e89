"""Formerly: schedule the workflow's sweeps and the outbox retry with a data migration.

Now a no-op. Scheduled tasks are declared in code through the `scheduled_tasks` hook
(`cms.kernel.default_plugins`) and synced to django-q2's schedules after every `migrate`
by `cms.kernel.schedules.sync_schedules`, which also deletes the rows this migration
created. The file stays because later migrations depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_audit_append_only"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
