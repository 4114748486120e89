"""Storage is not transactional: a write path that fails deletes the files it saved."""

from __future__ import annotations

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.models import Answer, Appeal, Attachment, Status
from cms.workflow import actions
from tests.workflow.builders import demo_staff, fresh, message

from .conftest import png_bytes, stored_files, upload, valid_post


class Boom(Exception):
    pass


def fail_on_second_save(monkeypatch):
    original = Attachment.save
    calls = []

    def save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise Boom
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", save)
    return calls


def test_a_failed_registration_leaves_no_files_on_disk(
    general, citizen_client, attachments_dir, monkeypatch
):
    calls = fail_on_second_save(monkeypatch)
    data = valid_post(
        files=[upload(f"p{i}.png", png_bytes(), "image/png") for i in range(2)]
    )
    with pytest.raises(Boom):
        citizen_client.post(general.url, data)

    assert len(calls) == 2  # the first file was written before the failure
    assert not Appeal.objects.exists()
    assert stored_files(attachments_dir) == []


def test_a_failed_answer_leaves_no_files_on_disk(demo, monkeypatch, tmp_path):
    location = tmp_path / "answers"
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(location)))
    staff = demo_staff()
    appeal = message(Status.IN_WORK, executor=staff["executor"])

    def refuse(*args, **kwargs):
        raise Boom

    # The history event is written after the files: fail there.
    monkeypatch.setattr(actions, "_status_event", refuse)
    files = [SimpleUploadedFile("act.png", png_bytes(), content_type="image/png")]
    with pytest.raises(Boom):
        actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Ответ", files=files)

    assert not Answer.objects.filter(appeal=appeal).exists()
    assert stored_files(location) == []

    monkeypatch.undo()
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(location)))
    files = [SimpleUploadedFile("act.png", png_bytes(), content_type="image/png")]
    actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Ответ", files=files)
    assert len(stored_files(location)) == 1
