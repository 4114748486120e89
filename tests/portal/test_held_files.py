"""Files survive a form that comes back: held between tries, attached on success."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from PIL import Image

from cms.models import Appeal, Attachment
from cms.submission import held_uploads
from cms.submission.models import HeldUpload
from tests import factories

from .conftest import jpeg_bytes, png_bytes, stored_files, upload, valid_post


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def held_boxes(response) -> dict[str, dict]:
    """The held files the returned form offers: label text → {token, checked}."""
    page = soup(response)
    boxes = {}
    for box in page.select("input[name=keep_files]"):
        label = page.find("label", attrs={"for": box["id"]})
        boxes[label.get_text(" ", strip=True)] = {
            "token": box["value"],
            "checked": box.has_attr("checked"),
        }
    return boxes


def test_a_photo_comes_back_with_a_form_error_and_is_attached_on_the_next_try(
    general, citizen_client, citizen, attachments_dir, django_capture_on_commit_callbacks
):
    photo = jpeg_bytes(size=(80, 60))
    first = valid_post(consent=None, files=[upload("яма.jpg", photo, "image/jpeg")])
    response = citizen_client.post(general.url, first)

    assert response.status_code == 200
    assert not Appeal.objects.exists()
    boxes = held_boxes(response)
    [(label, box)] = boxes.items()
    assert label.startswith("яма.jpg")
    assert box["checked"]
    assert "Уже приложенные файлы" in response.content.decode()
    held = HeldUpload.objects.get(citizen=citizen)
    assert held.file.storage.exists(held.file.name)
    # What is held is the cleaned photo: the camera's metadata is already gone.
    assert b"SpyCam" not in held.file.open("rb").read()

    again = {
        **valid_post(files=[]),
        "idempotency_key": first["idempotency_key"],
        "keep_files": [box["token"]],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(general.url, again)

    assert response.status_code == 302
    attachment = Attachment.objects.get(appeal__citizen=citizen)
    assert attachment.original_name == "яма.jpg"
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (80, 60)
    assert not HeldUpload.objects.exists()
    # The held copy is gone from disk; only the attachment remains.
    assert stored_files(attachments_dir) == [attachments_dir / attachment.file.name]


def test_a_held_photo_satisfies_a_subcategory_that_requires_one(
    general, citizen_client, citizen
):
    first = valid_post("01.01", text="")  # 01.01 requires a photo: it comes with one
    assert first["files"]
    response = citizen_client.post(general.url, first)
    assert response.status_code == 200
    [box] = held_boxes(response).values()

    again = valid_post("01.01", idempotency_key=first["idempotency_key"], files=[])
    response = citizen_client.post(general.url, again)
    assert "необходимо приложить фотографию" in response.content.decode()
    again["keep_files"] = [box["token"]]
    response = citizen_client.post(general.url, again)

    assert response.status_code == 302
    appeal = Appeal.objects.get(citizen=citizen)
    assert appeal.attachments.count() == 1


def test_an_unticked_held_file_is_left_out(general, citizen_client, citizen):
    first = valid_post(
        consent=None,
        files=[
            upload("one.png", png_bytes(), "image/png"),
            upload("two.png", png_bytes(), "image/png"),
        ],
    )
    boxes = held_boxes(citizen_client.post(general.url, first))
    assert len(boxes) == 2
    keep = next(box["token"] for label, box in boxes.items() if label.startswith("two"))

    again = valid_post(idempotency_key=first["idempotency_key"], files=[])
    again["keep_files"] = [keep]
    assert citizen_client.post(general.url, again).status_code == 302

    names = list(
        Attachment.objects.filter(appeal__citizen=citizen).values_list(
            "original_name", flat=True
        )
    )
    assert names == ["two.png"]


def test_held_and_new_files_count_together_against_the_page_limit(
    general, citizen_client
):
    first = valid_post(
        consent=None,
        files=[upload(f"h{i}.png", png_bytes(), "image/png") for i in range(3)],
    )
    tokens = [b["token"] for b in held_boxes(citizen_client.post(general.url, first)).values()]
    assert len(tokens) == 3

    again = valid_post(
        idempotency_key=first["idempotency_key"],
        files=[upload(f"n{i}.png", png_bytes(), "image/png") for i in range(3)],
    ) | {"keep_files": tokens}
    response = citizen_client.post(general.url, again)

    assert response.status_code == 200
    assert "не более 5" in soup(response).find(id="id_files_error").get_text()
    assert not Appeal.objects.exists()


def test_only_the_good_files_of_a_post_are_held(general, citizen_client, citizen):
    data = valid_post(
        files=[
            upload("good.png", png_bytes(), "image/png"),
            upload("fake.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        ]
    )
    response = citizen_client.post(general.url, data)

    assert response.status_code == 200
    assert soup(response).find(id="id_files_error") is not None
    labels = list(held_boxes(response))
    assert len(labels) == 1 and labels[0].startswith("good.png")
    assert list(HeldUpload.objects.values_list("original_name", flat=True)) == [
        "good.png"
    ]


def test_another_citizen_cannot_take_a_held_file(general, client, citizen_client):
    first = valid_post(
        consent=None, files=[upload("mine.png", png_bytes(), "image/png")]
    )
    [box] = held_boxes(citizen_client.post(general.url, first)).values()

    stranger = factories.user("stranger", email="s@example.org")
    client.force_login(stranger)
    forged = valid_post(idempotency_key=first["idempotency_key"], files=[])
    forged["keep_files"] = [box["token"]]
    response = client.post(general.url, forged)

    assert response.status_code == 200
    assert soup(response).find(id="id_keep_files_error") is not None
    assert "mine.png" not in response.content.decode()
    assert not Attachment.objects.exists()
    assert HeldUpload.objects.count() == 1


def test_showing_subcategories_keeps_the_chosen_files(general, citizen_client):
    data = valid_post(files=[upload("photo.png", png_bytes(), "image/png")])
    data["refresh"] = "1"
    response = citizen_client.post(general.url, data)

    assert response.status_code == 200
    [(label, box)] = held_boxes(response).items()
    assert label.startswith("photo.png") and box["checked"]
    assert not Appeal.objects.exists()


def test_beyond_the_per_citizen_cap_the_form_asks_for_the_files_again(
    general, citizen_client, monkeypatch
):
    monkeypatch.setattr(held_uploads, "MAX_HELD_PER_CITIZEN", 1)
    data = valid_post(
        consent=None,
        files=[upload(f"p{i}.png", png_bytes(), "image/png") for i in range(3)],
    )
    response = citizen_client.post(general.url, data)

    assert len(held_boxes(response)) == 1
    summary = soup(response).find(attrs={"data-error-summary": True}).get_text()
    assert "2 файла не удалось сохранить" in summary


def test_the_sweep_deletes_stale_held_files_with_their_data(
    general, citizen_client, citizen, attachments_dir, django_capture_on_commit_callbacks
):
    for name in ("old.png", "new.png"):
        citizen_client.post(
            general.url,
            valid_post(consent=None, files=[upload(name, png_bytes(), "image/png")]),
        )
    HeldUpload.objects.filter(original_name="old.png").update(
        created_at=timezone.now() - held_uploads.HOLD_FOR - timedelta(minutes=1)
    )
    old_file = HeldUpload.objects.get(original_name="old.png").file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert held_uploads.sweep_held_uploads_task() == 1

    assert list(HeldUpload.objects.values_list("original_name", flat=True)) == [
        "new.png"
    ]
    assert not (attachments_dir / old_file).exists()
    assert len(stored_files(attachments_dir)) == 1


def test_the_sweep_is_scheduled(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="pos: sweep held uploads")
    assert schedule.func == "cms.submission.held_uploads.sweep_held_uploads_task"
    assert schedule.repeats == -1


@pytest.mark.parametrize("with_files", [True, False])
def test_a_page_without_attachments_has_no_held_files_field(
    general, citizen_client, with_files
):
    general.max_files = 5 if with_files else 0
    general.save()
    response = citizen_client.get(general.url)
    assert (soup(response).find(attrs={"name": "files"}) is not None) is with_files
    assert soup(response).find(attrs={"name": "keep_files"}) is None
    # Showing subcategories and a failed post work the same with or without files.
    for extra in ({"refresh": "1"}, {"consent": None}):
        data = valid_post("02.01", files=[]) | extra
        data = {key: value for key, value in data.items() if value is not None}
        assert citizen_client.post(general.url, data).status_code == 200


def test_a_held_file_gone_meanwhile_is_asked_for_again(general, citizen_client):
    first = valid_post(consent=None, files=[upload("gone.png", png_bytes(), "image/png")])
    [box] = held_boxes(citizen_client.post(general.url, first)).values()
    held = HeldUpload.objects.get()
    held.file.storage.delete(held.file.name)

    again = valid_post(idempotency_key=first["idempotency_key"], files=[])
    again["keep_files"] = [box["token"]]
    response = citizen_client.post(general.url, again)

    assert response.status_code == 200
    assert "gone.png" in soup(response).find(id="id_files_error").get_text()
    assert not Appeal.objects.exists()
