"""Submitting on a submission page: registration, files, and every bad input."""

from __future__ import annotations

import io
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from PIL import Image

from cms.models import Appeal, Attachment, Channel, Region, Status, Territory
from tests import factories

from .conftest import (
    jpeg_bytes,
    png_bytes,
    submit_path_query_counts,
    upload,
    valid_post,
)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def field_error(response, name: str) -> str:
    """The error announced next to field `name`, checking it is tied to the field."""
    page = soup(response)
    control = page.find(attrs={"name": name})
    assert control is not None, f"no field {name}"
    error = page.find(id=f"id_{name}_error")
    assert error is not None, f"no error shown for {name}"
    assert error.get("role") == "alert"
    group = control.find_parent("fieldset")
    described = (
        group if control.get("type") in ("radio", "checkbox") and group else control
    )
    assert f"id_{name}_error" in described.get("aria-describedby", "")
    if described is control:
        assert control.get("aria-invalid") == "true"
    return error.get_text(" ", strip=True)


def test_submission_registers_message_with_cleaned_photo(
    general,
    citizen_client,
    citizen,
    django_capture_on_commit_callbacks,
    attachments_dir,
):
    photo = jpeg_bytes(size=(80, 60))
    assert b"SpyCam" in photo
    data = valid_post(files=[upload("яма.jpg", photo, "image/jpeg")])
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(general.url, data)

    appeal = Appeal.objects.get(citizen=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "portal:confirmation", args=[appeal.public_id]
    )
    assert appeal.channel == Channel.PORTAL and appeal.widget_organisation is None
    assert appeal.status == Status.ON_MODERATION
    assert appeal.subcategory.code == "01.01" and appeal.territory.code == "gorsk"
    assert appeal.address == "ул. Ленина, 5"
    assert appeal.citizen_snapshot["email"] == "anna@example.org"
    assert str(appeal.idempotency_key) == data["idempotency_key"]
    (attachment,) = Attachment.objects.filter(appeal=appeal)
    assert attachment.kind == "citizen" and attachment.original_name == "яма.jpg"
    assert attachment.content_type == "image/jpeg"
    stored = attachment.file.read()
    assert b"SpyCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (80, 60)
        assert not image.getexif()
    # Outside the web root, under a generated name.
    assert (attachments_dir / attachment.file.name).exists()
    assert "яма" not in attachment.file.name
    (to_citizen,) = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    assert appeal.number in to_citizen.subject

    confirmation = citizen_client.get(response["Location"])
    assert appeal.number in confirmation.content.decode()


def test_extra_questions_are_stored_with_their_labels(general, citizen_client, citizen):
    field = general.extra_fields.get()
    citizen_client.post(general.url, valid_post(**{f"extra__{field.clean_name}": "Да"}))
    appeal = Appeal.objects.get(citizen=citizen)
    assert appeal.extra_answers == {
        field.clean_name: {"label": field.label, "value": "Да"}
    }


def test_extra_question_answers_are_validated(general, citizen_client):
    field = general.extra_fields.get()
    response = citizen_client.post(
        general.url, valid_post(**{f"extra__{field.clean_name}": "Может быть"})
    )
    assert response.status_code == 200
    assert field_error(response, f"extra__{field.clean_name}")
    assert not Appeal.objects.exists()


def test_the_form_explains_one_problem_per_message(general, citizen_client):
    response = citizen_client.get(general.url)
    page = soup(response)
    help_text = page.find(id="id_text_helptext").get_text()
    assert "One message is about one problem" in help_text or "одн" in help_text.lower()
    assert (
        "id_text_helptext"
        in page.find("textarea", attrs={"name": "text"})["aria-describedby"]
    )
    # Every visible control has a label tied to it.
    for control in page.select(
        "form[data-appeal-form] select, form[data-appeal-form] "
        "textarea, form[data-appeal-form] input:not([type=hidden])"
    ):
        if control.get("type") == "radio":
            continue
        assert page.find("label", attrs={"for": control["id"]}), control


def test_a_double_submit_makes_one_message(general, citizen_client, citizen):
    data = valid_post()
    first = citizen_client.post(general.url, data)
    data["files"] = [upload("pothole.jpg", jpeg_bytes(), "image/jpeg")]
    second = citizen_client.post(general.url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appeal.objects.filter(citizen=citizen).count() == 1
    assert Attachment.objects.count() == 1


def test_a_subcategory_requiring_a_photo_refuses_a_message_without_one(
    general, citizen_client
):
    response = citizen_client.post(general.url, valid_post(files=[]))
    assert (
        "photo" in field_error(response, "files").lower()
        or "фото" in field_error(response, "files").lower()
    )
    assert not Appeal.objects.exists()


def test_a_subcategory_without_the_photo_rule_takes_a_message_without_files(
    general, citizen_client, citizen
):
    response = citizen_client.post(general.url, valid_post("02.01"))
    assert response.status_code == 302
    assert Appeal.objects.get(citizen=citizen).subcategory.code == "02.01"


def other_region_territory() -> Territory:
    region = Region.objects.create(code="other", name="Другая область")
    return Territory.add_root(
        region=region, code="other", name="Другая область", kind="region"
    )


def hidden_category_post(demo):
    sub = factories.subcategory("08.01")
    demo.hidden_categories.add(sub.category)
    return {"category": str(sub.category_id), "subcategory": str(sub.pk)}


# Each case: what the form gets, and the field whose error must be shown.
BAD_INPUT = {
    "unknown category": (lambda demo: {"category": "999999"}, "category"),
    "hidden category": (hidden_category_post, "category"),
    "subcategory of another category": (
        lambda demo: {"subcategory": str(factories.subcategory("02.01").pk)},
        "subcategory",
    ),
    "territory outside the region": (
        lambda demo: {"territory": str(other_region_territory().pk)},
        "territory",
    ),
    "empty text": (lambda demo: {"text": ""}, "text"),
    "blank text": (lambda demo: {"text": "   \n  "}, "text"),
    "oversized text": (lambda demo: {"text": "я" * 5001}, "text"),
    "missing consent": (lambda demo: {"consent": None}, "consent"),
    "too many files": (
        lambda demo: {
            "files": [upload(f"p{i}.png", png_bytes(), "image/png") for i in range(6)]
        },
        "files",
    ),
    "oversized file": (
        lambda demo: {
            "files": [upload("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 2**20))]
        },
        "files",
    ),
    "text disguised as a photo": (
        lambda demo: {
            "files": [upload("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")]
        },
        "files",
    ),
    "png named as jpeg": (
        lambda demo: {"files": [upload("photo.jpg", png_bytes(), "image/jpeg")]},
        "files",
    ),
    "a jpeg header on garbage": (
        lambda demo: {
            "files": [
                upload("photo.jpg", b"\xff\xd8\xff\xe0" + b"x" * 200, "image/jpeg")
            ]
        },
        "files",
    ),
    "executable named as pdf": (
        lambda demo: {"files": [upload("act.pdf", b"MZ\x90\x00" + b"\x00" * 64)]},
        "files",
    ),
    "type the page does not accept": (
        lambda demo: {"files": [upload("x.gif", b"GIF89a" + b"\x00" * 20)]},
        "files",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_refused_next_to_the_field_and_loses_nothing(
    case, demo, general, citizen_client
):
    make, field = BAD_INPUT[case]
    data = valid_post(text="Моё подробное описание проблемы", address="у моста")
    data.update(make(demo))
    data = {key: value for key, value in data.items() if value is not None}
    response = citizen_client.post(general.url, data)

    assert response.status_code == 200
    assert field_error(response, field)
    assert not Appeal.objects.exists()
    page = soup(response)
    # The citizen's input comes back.
    assert page.find("input", attrs={"name": "address"})["value"] == "у моста"
    if field != "text":
        assert page.find("textarea", attrs={"name": "text"}).get_text().strip() == (
            "Моё подробное описание проблемы"
        )
    assert (
        page.find("input", attrs={"name": "idempotency_key"})["value"]
        == data["idempotency_key"]
    )
    assert page.find(attrs={"data-error-summary": True}) is not None


def test_the_roads_page_offers_only_roads_and_refuses_others(roads, citizen_client):
    page = soup(citizen_client.get(roads.url))
    options = [
        o["value"] for o in page.select("select[name=category] option") if o["value"]
    ]
    assert options == [str(factories.subcategory("01.01").category_id)]

    response = citizen_client.post(roads.url, valid_post("02.01"))
    assert field_error(response, "category")
    # And PDFs, fine on the general page, are not accepted here.
    response = citizen_client.post(
        roads.url,
        valid_post(
            files=[
                upload("p.jpg", jpeg_bytes(), "image/jpeg"),
                upload("a.pdf", b"%PDF-1.4\n%%EOF"),
            ]
        ),
    )
    assert field_error(response, "files")
    assert not Appeal.objects.exists()


def test_hidden_categories_are_not_offered(demo, general, citizen_client):
    sub = factories.subcategory("08.01")
    demo.hidden_categories.add(sub.category)
    page = soup(citizen_client.get(general.url))
    offered = {o["value"] for o in page.select("select[name=category] option")}
    assert str(sub.category_id) not in offered
    assert str(factories.subcategory("01.01").category_id) in offered


def test_subcategories_follow_the_category_without_javascript(general, citizen_client):
    roads_sub = factories.subcategory("01.01")
    transport_sub = factories.subcategory("02.01")
    # No category yet: nothing to choose from.
    page = soup(citizen_client.get(general.url))
    assert [o["value"] for o in page.select("select[name=subcategory] option")] == [""]

    response = citizen_client.post(
        general.url,
        {
            "category": str(transport_sub.category_id),
            "text": "Автобус не пришёл",
            "idempotency_key": str(uuid.uuid4()),
            "refresh": "1",
        },
    )
    assert response.status_code == 200
    page = soup(response)
    offered = [
        o["value"] for o in page.select("select[name=subcategory] option") if o["value"]
    ]
    assert str(transport_sub.pk) in offered and str(roads_sub.pk) not in offered
    assert len(offered) == transport_sub.category.subcategories.count()
    assert page.find("textarea", attrs={"name": "text"}).get_text().strip() == (
        "Автобус не пришёл"
    )
    assert not page.select(".errors")
    assert not Appeal.objects.exists()
    # The script gets the whole map to do the same instantly.
    assert page.find("script", id="subcategory-map") is not None


@pytest.mark.parametrize("scope", ["citizen", "address"])
def test_a_flood_gets_a_clear_try_again_later(scope, settings, general, client):
    settings.POS_PORTAL_RATE_LIMITS = {"citizen": (2, 600), "address": (3, 600)}
    users = [factories.user() for _ in range(4)]
    limit = 2 if scope == "citizen" else 3
    for attempt in range(limit):
        client.force_login(users[0] if scope == "citizen" else users[attempt])
        assert client.post(general.url, valid_post()).status_code == 302
    client.force_login(users[0] if scope == "citizen" else users[limit])
    response = client.post(general.url, valid_post())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "try again later" in response.content.decode().lower() or (
        "попробуйте" in response.content.decode().lower()
    )
    assert Appeal.objects.count() == limit
    # Another address is not affected by this one's flood.
    other = client.post(general.url, valid_post(), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == (429 if scope == "citizen" else 302)


def test_submission_pages_require_login(general, client):
    response = client.get(general.url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [general.url]
    assert client.post(general.url, valid_post()).status_code == 302
    assert not Appeal.objects.exists()


def test_the_form_page_takes_a_fixed_number_of_queries(
    general, citizen_client, django_assert_max_num_queries
):
    # Session, user, page routing, region, categories, territories, the subcategory
    # map and the extra questions: 15 today, independent of the classifier's size.
    citizen_client.get(general.url)  # Wagtail caches the site list after the first
    with django_assert_max_num_queries(15):
        response = citizen_client.get(general.url)
    assert response.status_code == 200


def test_the_submit_path_takes_a_fixed_number_of_queries(
    general, citizen_client, attachments_dir, core_only
):
    # The core's own path, with no plugin answering: what each plugin adds is counted
    # in its own tests (tests/fasttrack/test_submission_with_fasttrack.py).
    counts = submit_path_query_counts(citizen_client, general.url)
    assert counts == [CORE_SUBMIT_QUERIES] * 2


# Statement by statement on PostgreSQL, savepoints included: the regions' versions
# (the page's region comes with them), session and user with the citizen's profile, the
# shared rate counters with the number (one statement committed by itself), message and history,
# the outbox, the photo, and the registration's savepoint (inside the test's
# transaction); the reference data (page routes, choices, questions, moderators) is
# read once per process and region version (tests/perf/test_submit_path.py lists them).
CORE_SUBMIT_QUERIES = 12
