"""The reports' monthly figures (MonthFigures: sums of the message facts per region, month,
organisation, category and one breakdown) and a partial index on the running messages'
facts (overdue now). See docs/performance.md for the EXPLAIN behind each.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0013_region_config_version'),
        ('reports', '0003_problem_facts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=8)),
                ('month', models.DateField()),
                ('key', models.CharField(max_length=255)),
                ('messages', models.IntegerField()),
                ('answered', models.IntegerField(default=0)),
                ('on_time', models.IntegerField(default=0)),
                ('postponed', models.IntegerField(default=0)),
                ('redirects', models.IntegerField(default=0)),
                ('redirected', models.IntegerField(default=0)),
                ('loss_hours', models.FloatField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name='appealfact',
            index=models.Index(condition=models.Q(('status__in', ['in_work', 'on_approval', 'on_moderation', 'postponed', 'registered', 'sent_to_organisation'])), fields=['region', 'created_at'], name='reports_fact_running'),
        ),
        migrations.AddField(
            model_name='monthfigures',
            name='category',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.category'),
        ),
        migrations.AddField(
            model_name='monthfigures',
            name='organisation',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.organisation'),
        ),
        migrations.AddField(
            model_name='monthfigures',
            name='region',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.region'),
        ),
        migrations.AddIndex(
            model_name='monthfigures',
            index=models.Index(fields=['region', 'month', 'kind'], name='reports_month_figures'),
        ),
    ]
