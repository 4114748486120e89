"""A subcategory that asks for a photo marks the files field required before sending
(issue 11, finding 9); the server still refuses a message without one."""

from __future__ import annotations

import uuid

import pytest
from bs4 import BeautifulSoup

from cms.models import Subcategory
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories


@pytest.fixture
def general(demo, client):
    create_demo_pages(demo)
    client.force_login(factories.user(first_name="Анна", last_name="Иванова",
                                      email="anna@example.org"))
    return SubmissionPage.objects.get(slug="general")


def files_label(response):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    field_input = page.select_one("input[type=file][name=files]")
    return page.select_one(f"label[for={field_input['id']}]")


def chosen(client, page, subcategory, **extra):
    return client.post(page.url, {
        "category": str(subcategory.category_id), "subcategory": str(subcategory.pk),
        "text": "Яма", "idempotency_key": str(uuid.uuid4()), **extra})


def test_the_files_field_says_required_when_the_subcategory_asks_for_a_photo(client,
                                                                             general):
    with_photo = Subcategory.objects.filter(photo_required=True).first()
    without = Subcategory.objects.filter(photo_required=False,
                                         category=with_photo.category).first() or (
        Subcategory.objects.filter(photo_required=False).first())
    response = chosen(client, general, with_photo, refresh="1")
    assert response.status_code == 200
    mark = files_label(response).select_one("[data-photo-mark]")
    assert mark is not None and not mark.has_attr("hidden")
    assert "обязательно" in mark.get_text()

    # Another subcategory: the mark is there for the script to show, but hidden.
    mark = files_label(chosen(client, general, without, refresh="1")).select_one(
        "[data-photo-mark]")
    assert mark is not None and mark.has_attr("hidden")


def test_the_server_still_refuses_a_message_without_the_photo(client, general):
    with_photo = Subcategory.objects.filter(photo_required=True).first()
    response = chosen(client, general, with_photo, territory=str(
        factories.territory("gorsk").pk), address="ул. Ленина, 5", consent="on")
    assert response.status_code == 200
    assert "необходимо приложить фотографию" in response.content.decode()
