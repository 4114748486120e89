"""A message's contact data after the region's period: anonymised once, batch by batch,
recorded in the audit trail; what is not due is left alone; nothing more is ever sent to
the citizen's old address; the staff and citizen pages show the marker."""

from __future__ import annotations

import html
import logging

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.models import (
    Appeal,
    AppealEvent,
    Attachment,
    AuditKind,
    AuditRecord,
    Notification,
    NotificationState,
    Status,
)
from cms.retention.anonymise import (
    anonymise_personal_data,
    anonymise_region,
    due_messages,
    marker,
)
from cms.retention.models import DEFAULT_RETENTION_DAYS, RetentionSettings
from cms.workflow import actions
from tests.workflow.builders import demo_staff

from .builders import citizen, closed_message, years_ago

pytestmark = pytest.mark.django_db


def mark() -> str:
    """The stored marker («обезличено» once the Russian catalogue has it)."""
    return marker()


def retention_records():
    return AuditRecord.objects.filter(data__task="retention", data__has_key="region")


def test_the_default_period_is_five_years(demo):
    assert RetentionSettings.for_region(demo).personal_data_retention_days == \
        DEFAULT_RETENTION_DAYS == 1826


def test_a_message_closed_past_the_period_loses_the_contact_data_and_keeps_the_rest(demo):
    author = citizen()
    appeal = closed_message(author, years_ago(6), extra_answers={
        "flat": {"label": "Квартира", "value": "кв. 12, звонить после 18"},
        "consent": {"label": "Согласие", "value": True}})
    Attachment.objects.create(appeal=appeal, file=ContentFile(b"x", name="p.jpg"),
                              original_name="Петров_паспорт.jpg", content_type="image/jpeg",
                              size=1)
    waiting = Notification.objects.create(template="appeal_answered", email=author.email,
                                          recipient=author, appeal=appeal,
                                          dedup_key="waiting-1")
    sent = Notification.objects.create(template="appeal_registered", email=author.email,
                                       recipient=author, appeal=appeal, dedup_key="sent-1",
                                       state=NotificationState.SENT)
    staff_letter = Notification.objects.create(
        template="queue_new_message", email="moderator@example.org", appeal=appeal,
        dedup_key="staff-1", state=NotificationState.SENT)
    events_before = list(AppealEvent.objects.filter(appeal=appeal).values_list("pk", "kind"))

    counts = anonymise_region(demo)

    assert (counts.messages, counts.files, counts.letters) == (1, 1, 2)
    appeal.refresh_from_db()
    assert {key: appeal.citizen_snapshot[key] for key in ("full_name", "email", "phone")} == {
        "full_name": mark(), "email": "", "phone": mark()}
    assert appeal.citizen_snapshot["anonymised_at"]
    assert appeal.extra_answers == {"flat": {"label": "Квартира", "value": mark()},
                                    "consent": {"label": "Согласие", "value": True}}
    # The message itself, its place, status and history stay.
    assert (appeal.text, appeal.status, appeal.citizen_id) == ("Яма на дороге",
                                                               Status.CLOSED, author.pk)
    assert list(AppealEvent.objects.filter(appeal=appeal).values_list("pk", "kind")) == \
        events_before
    file = appeal.attachments.get()
    assert file.original_name == mark() and file.file.read() == b"x"
    waiting.refresh_from_db()
    sent.refresh_from_db()
    staff_letter.refresh_from_db()
    assert (waiting.email, waiting.state) == ("", NotificationState.FAILED)
    assert (sent.email, sent.state) == ("", NotificationState.SENT)
    assert staff_letter.email == "moderator@example.org"


def test_only_what_is_due_is_anonymised(demo):
    author = citizen()
    due = closed_message(author, years_ago(5.1))
    rejected = closed_message(author, years_ago(5.1), status=Status.REJECTED)
    recent = closed_message(author, years_ago(4.9))
    # Closed long ago, but reopened and closed again within the period.
    again = closed_message(author, years_ago(7))
    closed_message_again = AppealEvent.objects.create(
        appeal=again, kind="status_changed", to_value=Status.CLOSED)
    assert closed_message_again.pk
    old_but_open = closed_message(author, years_ago(7), status=Status.IN_WORK)

    assert anonymise_region(demo).messages == 2

    anonymised = set(Appeal.objects.filter(citizen_snapshot__has_key="anonymised_at")
                     .values_list("pk", flat=True))
    assert anonymised == {due.pk, rejected.pk}
    for kept in (recent, again, old_but_open):
        kept.refresh_from_db()
        assert kept.citizen_snapshot["email"] == author.email


def test_the_regions_own_period_decides(demo):
    author = citizen()
    six_years = closed_message(author, years_ago(6))
    RetentionSettings.objects.create(region=demo, personal_data_retention_days=10 * 365)
    assert anonymise_region(demo).messages == 0
    RetentionSettings.objects.filter(region=demo).update(personal_data_retention_days=3 * 365)
    assert anonymise_region(demo).messages == 1
    six_years.refresh_from_db()
    assert six_years.citizen_snapshot["full_name"] == mark()


def test_runs_in_batches_with_progress_and_twice_changes_nothing(demo, caplog):
    author = citizen()
    messages = [closed_message(author, years_ago(6)) for _ in range(5)]
    with caplog.at_level(logging.INFO, logger="cms.retention.anonymise"):
        first = anonymise_personal_data(region_code="demo", batch_size=2)
    assert first["demo"].messages == 5
    progress = [record.getMessage() for record in caplog.records
                if "region demo, batch" in record.getMessage()]
    assert progress == [
        "Retention: region demo, batch 1: 2 messages anonymised (2 so far).",
        "Retention: region demo, batch 2: 2 messages anonymised (4 so far).",
        "Retention: region demo, batch 3: 1 messages anonymised (5 so far).",
    ]
    snapshots = {pk: snap for pk, snap in Appeal.objects.filter(
        pk__in=[m.pk for m in messages]).values_list("pk", "citizen_snapshot")}

    second = anonymise_personal_data(region_code="demo", batch_size=2)

    assert second["demo"].messages == 0
    assert snapshots == dict(Appeal.objects.filter(pk__in=[m.pk for m in messages])
                             .values_list("pk", "citizen_snapshot"))
    # One record per run and region, with the counts.
    records = list(retention_records().order_by("pk"))
    assert [(r.data["region"], r.data["messages"]) for r in records] == [("demo", 5),
                                                                          ("demo", 0)]
    assert records[0].data["retention_days"] == DEFAULT_RETENTION_DAYS
    assert "demo" in records[0].what


def test_every_region_gets_its_record_even_with_nothing_due(demo):
    anonymise_personal_data()
    from cms.models import Region

    assert sorted(retention_records().values_list("data__region", flat=True)) == sorted(
        Region.objects.values_list("code", flat=True))
    accounts = AuditRecord.objects.filter(data__task="retention").exclude(
        data__has_key="region")
    assert accounts.count() == 1


def test_a_dry_run_counts_and_changes_nothing(demo):
    appeal = closed_message(citizen(), years_ago(6))
    result = anonymise_personal_data(region_code="demo", dry_run=True)
    assert result["demo"].messages == 1
    appeal.refresh_from_db()
    assert "anonymised_at" not in appeal.citizen_snapshot
    assert not retention_records().exists()
    assert due_messages(demo, timezone.now()).filter(pk=appeal.pk).exists()


def test_the_operators_command(demo, capsys):
    closed_message(citizen(), years_ago(6))
    call_command("anonymise_personal_data", "--region", "demo", "--dry-run")
    out = capsys.readouterr().out
    assert "demo: 1 messages due" in out and "nothing was changed" in out
    assert not retention_records().exists()
    call_command("anonymise_personal_data", "--region", "demo")
    assert "demo: 1 messages anonymised" in capsys.readouterr().out
    assert retention_records().count() == 1
    with pytest.raises(CommandError):
        call_command("anonymise_personal_data", "--region", "nowhere")


def test_a_reopened_anonymised_message_tells_nobody_at_the_old_address(
        demo, django_capture_on_commit_callbacks):
    author = citizen()
    appeal = closed_message(author, years_ago(6))
    anonymise_region(demo)
    curator = demo_staff()["curator"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reopen_appeal(appeal.pk, curator, reason="Проверка качества")
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK
    assert not Notification.objects.filter(appeal=appeal, recipient=author).exists()
    assert not Notification.objects.filter(email__in=[author.email, mark()]).exists()
    assert all(author.email not in message.to and mark() not in message.to
               for message in mail.outbox)


def test_the_staff_page_shows_the_marker(demo, client):
    author = citizen()
    appeal = closed_message(author, years_ago(6))
    anonymise_region(demo)
    client.force_login(demo_staff()["curator"])
    page = client.get(f"/admin/messages/{appeal.pk}/?contact=1").content.decode()
    contact = page.split("data-contact>")[1].split("</dl>")[0]
    # The name and the phone hold the marker; the address is gone and says so.
    assert contact.count(mark()) == 3
    assert author.email not in page and author.citizen_profile.phone not in page


def test_the_citizens_page_shows_the_marker(demo, client):
    from django.urls import reverse

    author = citizen()
    appeal = closed_message(author, years_ago(6), extra_answers={
        "flat": {"label": "Квартира", "value": "кв. 12"}})
    Attachment.objects.create(appeal=appeal, file=ContentFile(b"x", name="p.jpg"),
                              original_name="Петров_паспорт.jpg", content_type="image/jpeg",
                              size=1)
    anonymise_region(demo)
    client.force_login(author)
    page = client.get(reverse("portal:message", args=[appeal.public_id])).content.decode()
    assert "Квартира:</strong> " + mark() in page
    assert "кв. 12" not in page and "Петров_паспорт" not in page
    assert page.count(mark()) == 2  # the answer and the file's name


def test_the_platform_operator_reads_the_run_in_the_audit_trail(demo, client):
    closed_message(citizen(), years_ago(6))
    anonymise_personal_data(region_code="demo")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("operator", password="pw"))
    page = client.get("/admin/oversight/audit/").content.decode()
    record = retention_records().get()
    assert record.kind == AuditKind.RETENTION
    assert record.what in page
    detail = html.unescape(
        client.get(f"/admin/oversight/audit/inspect/{record.pk}/").content.decode())
    assert '"messages": 1' in detail and '"region": "demo"' in detail


def test_a_run_stops_at_its_time_limit_and_the_task_goes_on(demo, monkeypatch):
    from cms.retention import anonymise, tasks
    from cms.retention.anonymise import is_complete

    messages = [closed_message(citizen(), years_ago(6)) for _ in range(5)]
    first = anonymise_personal_data(region_code="demo", batch_size=2, time_limit=0)
    assert (first["demo"].messages, first["demo"].complete) == (2, False)
    assert not is_complete(first, "demo")
    assert retention_records().get().data["complete"] is False

    # The task enqueues itself again until done (inline here: the tests' cluster is sync).
    monkeypatch.setattr(tasks, "TIME_LIMIT_SECONDS", 0)
    monkeypatch.setattr(anonymise, "BATCH_SIZE", 2)
    outcome = tasks.anonymise_personal_data_task()
    assert outcome["demo"]["messages"] == 2  # its own run; the continuations did the rest
    assert Appeal.objects.filter(pk__in=[m.pk for m in messages],
                                 citizen_snapshot__has_key="anonymised_at").count() == 5
    assert [record.data["messages"] for record in retention_records().order_by("pk")] == [
        2, 2, 1]
