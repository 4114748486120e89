"""On PostgreSQL, the database itself refuses to change or delete an audit record.

(The model and its queryset refuse too; the trigger also stops raw SQL and other
programs. SQLite, the demo's database, relies on the model alone.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cms_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cms_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON cms_auditrecord
    FOR EACH ROW EXECUTE FUNCTION cms_auditrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cms_auditrecord_append_only ON cms_auditrecord;
DROP FUNCTION IF EXISTS cms_auditrecord_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_workflow_roles_audit")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
