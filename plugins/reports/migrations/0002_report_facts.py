"""The reports' facts tables (plugins/reports/models.py, filled by plugins/reports/facts.py),
and an index on the messages' change time: the incremental refresh reads the messages
changed since its last run through it (one append-at-the-end B-tree entry per write).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0012_event_internal_note'),
        ('reports', '0001_report_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FactsRefresh',
            fields=[
                ('name', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('refreshed_at', models.DateTimeField()),
                ('changed_since', models.DateTimeField()),
                ('rows', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='AppealFact',
            fields=[
                ('appeal', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='cms.appeal')),
                ('created_at', models.DateTimeField()),
                ('created_day', models.DateField()),
                ('channel', models.CharField(max_length=16)),
                ('is_fast_track', models.BooleanField()),
                ('status', models.CharField(max_length=32)),
                ('deadline', models.DateTimeField(null=True)),
                ('answered_at', models.DateTimeField(null=True)),
                ('on_time', models.BooleanField(null=True)),
                ('working_days', models.IntegerField(null=True)),
                ('redirects', models.SmallIntegerField(default=0)),
                ('loss_hours', models.FloatField(null=True)),
                ('postponed', models.BooleanField(default=False)),
                ('version', models.PositiveIntegerField()),
                ('refreshed_at', models.DateTimeField()),
                ('category', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.category')),
                ('executor', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.organisation')),
                ('region', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.region')),
                ('subcategory', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.subcategory')),
                ('territory', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.territory')),
            ],
            options={
                'indexes': [models.Index(fields=['region', 'created_at'], name='reports_fact_region_created')],
            },
        ),
        migrations.CreateModel(
            name='RatingFact',
            fields=[
                ('rating_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField()),
                ('rated_month', models.DateField()),
                ('score', models.SmallIntegerField()),
                ('is_low', models.BooleanField()),
                ('reopened', models.BooleanField()),
                ('appeal', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.appeal')),
                ('category', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.category')),
                ('executor', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.organisation')),
                ('region', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.region')),
            ],
            options={
                'indexes': [models.Index(fields=['region', 'created_at'], name='reports_rating_region_created')],
            },
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_appeal_updated ON cms_appeal (updated_at)",
            reverse_sql="DROP INDEX IF EXISTS reports_appeal_updated"),
    ]
