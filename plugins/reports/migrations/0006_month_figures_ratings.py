"""The ratings' monthly figures (MonthFigures of kind "rating": ratings and their scores'
sum per month rated), what open data's satisfaction columns read."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_month_figures_rollups'),
    ]

    operations = [
        migrations.AddField(
            model_name='monthfigures',
            name='scores',
            field=models.IntegerField(default=0),
        ),
    ]
