"""On PostgreSQL, trigram indexes for the staff queues' search.

The search looks for words inside a message's text (`UPPER(text) LIKE UPPER('%…%')`,
which is what Django's `icontains` writes) and for a registration number by its last
digits (`number LIKE '%…'`). A b-tree cannot answer either, so over a million messages
each search read the whole table (1–5 s). pg_trgm's GIN indexes answer both.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
Going back drops the indexes and leaves the extension, which something else may use.
SQLite, the demo's database, searches without them.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS appeal_text_trgm ON cms_appeal USING gin (UPPER(text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS appeal_number_trgm ON cms_appeal USING gin (number gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS appeal_text_trgm;
DROP INDEX IF EXISTS appeal_number_trgm;
"""


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cms", "0007_queue_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
