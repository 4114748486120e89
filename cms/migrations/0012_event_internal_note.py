from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0011_rejection_reasons_as_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="appealevent",
            name="internal_note",
            field=models.TextField(blank=True, verbose_name="note for staff"),
        ),
    ]
