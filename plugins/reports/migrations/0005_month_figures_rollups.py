"""The monthly figures also summed over every category (category NULL), indexed by
(region, kind, category, month); the overdue messages' facts read by an index-only scan.
See docs/performance.md.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0013_region_config_version'),
        ('reports', '0004_month_figures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='appealfact',
            name='reports_fact_running',
        ),
        migrations.RemoveIndex(
            model_name='monthfigures',
            name='reports_month_figures',
        ),
        migrations.AlterField(
            model_name='monthfigures',
            name='category',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.category'),
        ),
        migrations.AddIndex(
            model_name='appealfact',
            index=models.Index(condition=models.Q(('status__in', ['in_work', 'on_approval', 'on_moderation', 'postponed', 'registered', 'sent_to_organisation'])), fields=['region', 'deadline'], include=('created_at', 'created_day', 'organisation', 'category'), name='reports_fact_overdue'),
        ),
        migrations.AddIndex(
            model_name='monthfigures',
            index=models.Index(fields=['region', 'kind', 'category', 'month'], name='reports_month_kind'),
        ),
    ]
