"""HeldUpload moves from the portal app to the submission app: the table stays as it is
(`portal_heldupload`); only Django's idea of which app owns it changes."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import cms.models.appeals
import cms.submission.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0003_held_uploads_sweep"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HeldUpload",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("form_key", models.UUIDField(verbose_name="form key")),
                        ("token", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("file", models.FileField(storage=cms.models.appeals.attachments_storage, upload_to=cms.submission.models.held_upload_path, verbose_name="file")),
                        ("original_name", models.CharField(max_length=255, verbose_name="original file name")),
                        ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                        ("extension", models.CharField(max_length=10)),
                        ("is_image", models.BooleanField(default=False)),
                        ("size", models.PositiveIntegerField(verbose_name="size, bytes")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("citizen", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "file kept between tries",
                        "db_table": "portal_heldupload",
                        "indexes": [models.Index(fields=["citizen", "form_key"], name="portal_held_citizen_e6106c_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
