"""What comes back to the citizen: the published answer with its files, and the
moderator's clarifying question with a form to answer it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cms.models import Answer, Attachment, AttachmentKind, Clarification, Status
from tests import factories


def text_of(response) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(
        " ", strip=True
    )


@pytest.fixture
def staff():
    return factories.user("executor-x")


def answer_with_file(appeal, staff, published: bool, text: str) -> Attachment:
    answer = Answer.objects.create(
        appeal=appeal,
        author=staff,
        text=text,
        is_published=published,
        published_at=timezone.now() if published else None,
    )
    item = Attachment(
        appeal=appeal,
        kind=AttachmentKind.ANSWER,
        answer=answer,
        original_name="акт.pdf",
        content_type="application/pdf",
        size=9,
    )
    item.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    item.save()
    return item


def test_the_published_answer_and_its_files_are_shown(
    citizen, citizen_client, staff, attachments_dir
):
    appeal = factories.appeal(citizen=citizen, status=Status.ANSWERED)
    published = answer_with_file(appeal, staff, True, "Яму заделали 5 марта.")
    draft = answer_with_file(appeal, staff, False, "Черновик исполнителя")

    response = citizen_client.get(reverse("portal:message", args=[appeal.public_id]))
    text = text_of(response)
    assert "Яму заделали 5 марта." in text and "Черновик" not in text
    body = response.content.decode()
    assert reverse("portal:attachment", args=[published.public_id]) in body
    assert reverse("portal:attachment", args=[draft.public_id]) not in body

    download = citizen_client.get(
        reverse("portal:attachment", args=[published.public_id])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{appeal.number}-answer-1.pdf"'
    )
    hidden = citizen_client.get(reverse("portal:attachment", args=[draft.public_id]))
    assert hidden.status_code == 404


@pytest.fixture
def waiting(citizen, staff):
    appeal = factories.appeal(citizen=citizen, status=Status.WAITING_FOR_CITIZEN)
    now = timezone.now()
    Clarification.objects.create(
        appeal=appeal,
        question="Уточните номер дома",
        asked_by=staff,
        asked_at=now,
        due_at=now + timedelta(days=3),
    )
    return appeal


def test_the_citizen_answers_a_clarifying_question(waiting, citizen_client):
    url = reverse("portal:message", args=[waiting.public_id])
    page = citizen_client.get(url)
    assert "Уточните номер дома" in text_of(page)

    response = citizen_client.post(
        reverse("portal:answer_clarification", args=[waiting.public_id]),
        {"text": "Дом 5, корпус 2", "version": waiting.version},
    )
    assert response.status_code == 302 and response["Location"] == url
    waiting.refresh_from_db()
    assert waiting.status == Status.ON_MODERATION
    assert waiting.clarifications.get().answer == "Дом 5, корпус 2"
    assert "Уточните номер дома" not in text_of(citizen_client.get(url))


def test_a_stale_or_empty_answer_comes_back_with_the_text_kept(waiting, citizen_client):
    url = reverse("portal:answer_clarification", args=[waiting.public_id])
    stale = citizen_client.post(url, {"text": "Дом 5", "version": waiting.version - 1})
    assert stale.status_code == 200
    page = BeautifulSoup(stale.content.decode(), "html.parser")
    assert page.find("textarea", attrs={"name": "text"}).get_text().strip() == "Дом 5"
    assert page.find(id="id_text_error")["role"] == "alert"
    empty = citizen_client.post(url, {"text": "", "version": waiting.version})
    assert empty.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_FOR_CITIZEN


def test_nobody_else_answers_the_question(waiting, client):
    client.force_login(factories.user())
    response = client.post(
        reverse("portal:answer_clarification", args=[waiting.public_id]),
        {"text": "чужой ответ", "version": waiting.version},
    )
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_FOR_CITIZEN
