from django.db import migrations, models


def create_the_row(apps, schema_editor):
    apps.get_model("staff_admin", "ShellVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ShellVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                        verbose_name="ID")),
                ("value", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "admin shell version",
                "verbose_name_plural": "admin shell versions",
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
