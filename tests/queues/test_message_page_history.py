"""The message page's files and drafts, read once for the history and the decision
forms (issue 17): each file is listed where it belongs, and the draft the head decides
on is the one `cms.workflow.actions.pending_decision` finds."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from cms.models import Answer, Attachment, AttachmentKind, Postponement, Status
from cms.staff_admin.views import Decisions
from cms.workflow.actions import pending_decision
from tests.workflow.builders import demo_staff, message


def attach(appeal, name, kind, answer=None) -> Attachment:
    upload = Attachment(appeal=appeal, kind=kind, answer=answer, original_name=name,
                        content_type="application/pdf", size=3)
    upload.file.save("x.pdf", ContentFile(b"abc"), save=False)
    upload.save()
    return upload


def test_each_file_is_listed_where_it_belongs(client, demo):
    staff = demo_staff()
    appeal = message(Status.ON_APPROVAL, "adm-gorsk", executor=staff["executor"])
    waiting = Answer.objects.get(appeal=appeal)
    returned = Answer.objects.create(appeal=appeal, author=staff["executor"],
                                     text="Первый вариант.", decided_at=timezone.now(),
                                     decided_by=staff["head"], remarks="Нет сроков.")
    Answer.objects.filter(pk=returned.pk).update(
        submitted_at=waiting.submitted_at - timedelta(days=1))
    citizens = attach(appeal, "яма.jpg", AttachmentKind.CITIZEN)
    first = attach(appeal, "акт-первый.pdf", AttachmentKind.ANSWER, answer=returned)
    second = attach(appeal, "акт-второй.pdf", AttachmentKind.ANSWER, answer=waiting)
    client.force_login(staff["head"])
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert 'data-action="approve_answer"' in page
    for upload in (citizens, first, second):
        assert page.count(str(upload.public_id)) == 1, upload.original_name
    drafts = page.index('id="pos-drafts"')
    assert page.index(str(citizens.public_id)) < drafts
    # The earlier answer with its file, then the waiting one with its own.
    assert (drafts < page.index("Первый вариант.") < page.index(str(first.public_id))
            < page.index(waiting.text) < page.index(str(second.public_id)))


def test_the_waiting_draft_is_the_one_the_write_path_decides_on(demo):
    staff = demo_staff()
    appeal = message(Status.ON_APPROVAL, "adm-gorsk", executor=staff["executor"])
    assert Decisions.of(appeal).waiting_draft() == pending_decision(appeal)
    later = Postponement.objects.create(
        appeal=appeal, author=staff["executor"], reasons="Нужен подрядчик.",
        until=timezone.now() + timedelta(days=30))
    assert Decisions.of(appeal).waiting_draft() == pending_decision(appeal) == later
    Postponement.objects.filter(pk=later.pk).update(decided_at=timezone.now())
    answer = Answer.objects.get(appeal=appeal)
    assert Decisions.of(appeal).waiting_draft() == pending_decision(appeal) == answer
    Answer.objects.filter(pk=answer.pk).update(decided_at=timezone.now())
    assert Decisions.of(appeal).waiting_draft() is pending_decision(appeal) is None
