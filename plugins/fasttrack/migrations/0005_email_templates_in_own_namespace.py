"""The plugin's e-mails moved from the core's template namespace (`cms/email/`, named
"fasttrack_stage_due") to its own (`fasttrack/email/stage_due.txt`): recorded letters
follow, so that a pending one is still sent and a failed one still reads in the outbox."""

from django.db import migrations

RENAMED = {
    "fasttrack_stage_due": "fasttrack/email/stage_due.txt",
    "fasttrack_overdue": "fasttrack/email/overdue.txt",
}


def rename(apps, renamed):
    Notification = apps.get_model("cms", "Notification")
    for old, new in renamed.items():
        Notification.objects.filter(template=old).update(template=new)


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("fasttrack", "0004_warning_enqueued_at"),
        ("cms", "0002_attachments_notifications"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
