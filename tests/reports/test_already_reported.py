"""The citizen's "already reported": open messages at the same place shown on the form
(after a refresh, and from the endpoint its script calls), with number, status and date
and nothing personal; sending still works."""

import pytest
from django.urls import reverse

from cms.models import Appeal, Status
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories
from tests.portal.conftest import valid_post
from tests.workflow.builders import message

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "Глубокая яма у дома 5, Сидоров Пётр, тел. +7 900 111-22-33"


@pytest.fixture
def reported(demo):
    """An open message and a closed one about a pothole at ул. Ленина, 5."""
    open_one = message(Status.IN_WORK, text=PRIVATE_TEXT, address="ул. Ленина, 5")
    closed = message(Status.CLOSED, text=PRIVATE_TEXT, address="ул. Ленина, 5")
    return open_one, closed


@pytest.fixture
def general(demo):
    create_demo_pages(demo)
    return SubmissionPage.objects.get(slug="general")


@pytest.fixture
def citizen(db):
    return factories.user(first_name="Анна", last_name="Иванова", email="anna@example.org")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def test_the_endpoint_lists_open_messages_at_the_place(reported, demo, citizen_client):
    open_one, closed = reported
    data = valid_post()
    url = reverse("already_reported", args=[demo.code])
    response = citizen_client.get(url, {key: data[key] for key in
                                        ("subcategory", "territory", "address", "text")})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-reported="{open_one.number}"' in html
    assert str(open_one.get_status_display()) in html
    assert closed.number not in html
    assert "Сидоров" not in html and "900" not in html and "Ленина" not in html
    assert "private" in response["Cache-Control"]


def test_the_endpoint_shows_nothing_elsewhere_or_without_an_address(reported, demo,
                                                                    citizen_client):
    data = valid_post()
    url = reverse("already_reported", args=[demo.code])
    base = {key: data[key] for key in ("subcategory", "territory")}
    for address in ("", "пр. Победы, 40"):
        response = citizen_client.get(url, {**base, "address": address})
        assert response.status_code == 200
        assert "data-already-reported-list" not in response.content.decode()


def test_the_endpoint_is_for_signed_in_citizens_of_regions_with_the_plugin(reported, demo,
                                                                           client, citizen):
    url = reverse("already_reported", args=[demo.code])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(citizen)
    demo.disabled_plugins = ["reports"]
    demo.save(update_fields=["disabled_plugins"])
    assert client.get(url).status_code == 404


def test_the_form_shows_the_notice_and_its_script(reported, general, citizen_client):
    html = citizen_client.get(general.url).content.decode()
    assert "data-already-reported" in html
    assert "reports/already_reported.js" in html
    assert "data-already-reported-list" not in html  # nothing chosen yet


def test_a_refreshed_form_lists_them_and_sending_still_works(reported, general,
                                                            citizen_client):
    open_one, _closed = reported
    refreshed = citizen_client.post(general.url, valid_post(refresh="1"))
    html = refreshed.content.decode()
    assert f'data-reported="{open_one.number}"' in html
    assert "Сидоров" not in html
    before = Appeal.objects.count()
    response = citizen_client.post(general.url, valid_post())
    assert response.status_code == 302
    assert Appeal.objects.count() == before + 1


def test_no_notice_where_the_plugin_is_off(reported, general, citizen_client, demo):
    demo.disabled_plugins = ["reports"]
    demo.save(update_fields=["disabled_plugins"])
    html = citizen_client.post(general.url, valid_post(refresh="1")).content.decode()
    assert "data-already-reported" not in html
