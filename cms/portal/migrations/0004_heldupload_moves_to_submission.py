"""HeldUpload now belongs to the submission app (its migration 0001 takes the same
table over): the portal forgets the model without dropping the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_held_uploads_sweep"),
        ("submission", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HeldUpload")],
            database_operations=[],
        ),
    ]
