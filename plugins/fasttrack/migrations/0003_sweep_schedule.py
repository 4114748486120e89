"""Formerly: schedule the deadline sweep with a data migration.

Now a no-op. The sweep is declared in code through the `scheduled_tasks` hook
(`plugins.fasttrack.hooks`) and synced to django-q2's schedules after every `migrate` by
`cms.kernel.schedules.sync_schedules`, which also deletes the row this migration created.
The file stays because later migrations depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fasttrack", "0002_overdue_sweep_index"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
