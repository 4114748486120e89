"""The message's own indexes on the citizen and the executor go: each column leads a
composite index that serves its look-ups; the widget's organisation is indexed only where
set. Only the indexes are dropped; Django's AlterField would also drop and re-add each
foreign key, checking every row again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Django's names for the single-column indexes (the same on PostgreSQL and SQLite).
SINGLE_COLUMN_INDEXES = {
    "citizen_id": "cms_appeal_citizen_id_6de3b10c",
    "executor_id": "cms_appeal_executor_id_2f7e3432",
    "widget_organisation_id": "cms_appeal_widget_organisation_id_e94798cc",
}


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0016_notification_handed_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='appeal',
                    name='citizen',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to=settings.AUTH_USER_MODEL, verbose_name='citizen'),
                ),
                migrations.AlterField(
                    model_name='appeal',
                    name='executor',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='executor'),
                ),
                migrations.AlterField(
                    model_name='appeal',
                    name='widget_organisation',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cms.organisation', verbose_name='widget of organisation'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  f'CREATE INDEX "{name}" ON "cms_appeal" ("{column}")')
                for column, name in SINGLE_COLUMN_INDEXES.items()
            ],
        ),
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(condition=models.Q(('widget_organisation__isnull', False)), fields=['widget_organisation'], name='appeal_widget_organisation'),
        ),
    ]
