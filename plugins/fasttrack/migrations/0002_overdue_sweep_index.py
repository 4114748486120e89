"""The overdue sweep's partial index on the core's message table.

It holds only the messages the sweep still has to look at — running (open and not waiting
for the citizen) and not yet overdue — ordered by deadline, so "whose deadline passed" is a
short range scan however many messages are open or were ever answered. The status list is
frozen here as migrations are; a later status change needs a new migration.
"""

from django.db import migrations

INDEX = "fasttrack_appeal_overdue_sweep"
RUNNING = ("registered", "on_moderation", "sent_to_organisation", "in_work",
           "on_approval", "postponed")

CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON cms_appeal (deadline) "
    f"WHERE NOT is_overdue AND status IN ({', '.join(repr(s) for s in RUNNING)})"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


class Migration(migrations.Migration):
    dependencies = [
        ("fasttrack", "0001_initial"),
        ("cms", "0002_attachments_notifications"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
