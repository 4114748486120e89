from django.db import migrations, models

# Versions come from a sequence, not `+ 1`: a value is never handed out twice, even after
# a rolled-back transaction or a region saved from a stale copy (PostgreSQL; other
# databases take the highest version plus one, see cms.submission.region_cache).
SEQUENCE = "cms_region_config_version_seq"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0012_event_internal_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="config_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
