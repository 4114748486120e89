"""The audit trail is append-only: in the model, its queryset, the database and the admin."""

import pytest
from django.db import DatabaseError, connection, transaction

from cms import audit
from cms.models import AuditKind, AuditRecord
from cms.models.audit import AppendOnlyError
from tests.workflow.builders import demo_staff, message


@pytest.fixture
def record(demo):
    return audit.record(kind=AuditKind.DOWNLOAD, what="яма.jpg", actor=demo_staff()["curator"],
                        appeal=message())


def test_a_record_cannot_be_changed_or_deleted(record):
    record.what = "другое"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(what="другое")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).delete()
    assert AuditRecord.objects.get(pk=record.pk).what == "яма.jpg"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_too(record):
    for sql in ("UPDATE cms_auditrecord SET what = 'x' WHERE id = %s",
                "DELETE FROM cms_auditrecord WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [record.pk])
    assert AuditRecord.objects.get(pk=record.pk).what == "яма.jpg"


def test_the_admin_lists_and_shows_but_never_edits(record, client):
    client.force_login(demo_staff()["editor"])
    listing = client.get("/admin/oversight/audit/").content.decode()
    assert "яма.jpg" in listing
    assert client.get(f"/admin/oversight/audit/inspect/{record.pk}/").status_code == 200
    for path in (f"edit/{record.pk}/", f"delete/{record.pk}/", "create/"):
        assert client.get(f"/admin/oversight/audit/{path}").status_code in (302, 403)
        client.post(f"/admin/oversight/audit/{path}", {"what": "x"})
    assert AuditRecord.objects.get(pk=record.pk).what == "яма.jpg"
    client.force_login(demo_staff()["executor"])
    assert client.get("/admin/oversight/audit/").status_code in (302, 403)
