""" "My messages": the list, a message's page, its files; nobody else's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.urls import reverse

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl
from cms.models import AppealEvent, Attachment, EventKind, Status
from tests import factories


def text_of(response) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(
        " ", strip=True
    )


@pytest.fixture
def own_appeal(citizen, attachments_dir):
    appeal = factories.appeal(citizen=citizen, status=Status.SENT_TO_ORGANISATION)
    appeal.deadline = datetime(2031, 3, 5, 20, 30, tzinfo=UTC)
    appeal.save(update_fields=["deadline"])
    AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.REGISTERED, to_value=appeal.number, is_public=True
    )
    AppealEvent.objects.create(
        appeal=appeal,
        kind=EventKind.ROUTED,
        to_value="ЦУР",
        reason="internal routing rule #7",
        is_public=False,
    )
    AppealEvent.objects.create(
        appeal=appeal,
        kind=EventKind.STATUS_CHANGED,
        from_value=Status.ON_MODERATION,
        to_value=Status.SENT_TO_ORGANISATION,
        is_public=True,
    )
    return appeal


def test_my_messages_lists_only_mine_with_their_deadline(
    own_appeal, citizen_client, django_assert_max_num_queries
):
    stranger = factories.appeal(citizen=factories.user())
    for _ in range(3):
        factories.appeal(citizen=own_appeal.citizen)
    with django_assert_max_num_queries(6):
        response = citizen_client.get(reverse("portal:my_messages"))
    text = text_of(response)
    assert own_appeal.number in text and stranger.number not in text
    assert own_appeal.category.name in text
    assert "Направлено в организацию" in text or "Sent to organisation" in text
    # 20:30 UTC is the next day 00:30 in Samara (UTC+4): the region's time zone.
    assert "6 марта 2031" in text or "March 6, 2031" in text


def test_the_list_stays_at_a_fixed_number_of_queries(
    citizen, citizen_client, django_assert_num_queries
):
    factories.appeal(citizen=citizen)
    with django_assert_num_queries(4) as few:
        citizen_client.get(reverse("portal:my_messages"))
    for _ in range(10):
        factories.appeal(citizen=citizen)
    with django_assert_num_queries(len(few.captured_queries)):
        citizen_client.get(reverse("portal:my_messages"))


def test_the_message_page_shows_public_history_and_deadline(own_appeal, citizen_client):
    response = citizen_client.get(
        reverse("portal:message", args=[own_appeal.public_id])
    )
    text = text_of(response)
    assert own_appeal.number in text and own_appeal.text in text
    assert "internal routing rule" not in text
    assert "6 марта 2031 г. 0:30" in text or "March 6, 2031, 12:30" in text
    # The status, and its line in the history.
    assert (
        max(text.count("Направлено в организацию"), text.count("Sent to organisation"))
        >= 2
    )


def test_other_messages_are_the_same_404_as_missing_ones(own_appeal, client):
    client.force_login(factories.user())
    foreign = client.get(reverse("portal:message", args=[own_appeal.public_id]))
    missing = client.get(reverse("portal:message", args=[uuid.uuid4()]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    for name in ("confirmation",):
        assert (
            client.get(
                reverse(f"portal:{name}", args=[own_appeal.public_id])
            ).status_code
            == 404
        )
    # Sequential ids address nothing.
    assert client.get(f"/my/{own_appeal.pk}/").status_code == 404


def test_citizen_pages_require_login(own_appeal, client):
    for url in (
        reverse("portal:my_messages"),
        reverse("portal:message", args=[own_appeal.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def make_attachment(appeal, data=b"\x89PNG\r\n\x1a\n rest", name="фото двора.png"):
    item = Attachment(
        appeal=appeal, original_name=name, content_type="image/png", size=len(data)
    )
    item.file.save("x", ContentFile(data), save=False)
    item.save()
    return item


def test_an_attachment_downloads_under_a_generated_name(own_appeal, citizen_client):
    item = make_attachment(own_appeal)
    page = citizen_client.get(reverse("portal:message", args=[own_appeal.public_id]))
    url = reverse("portal:attachment", args=[item.public_id])
    assert url in page.content.decode()
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n rest"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{own_appeal.number}-1.png"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"


def test_other_attachments_are_the_same_404_as_missing_ones(own_appeal, client):
    item = make_attachment(own_appeal)
    client.force_login(factories.user())
    foreign = client.get(reverse("portal:attachment", args=[item.public_id]))
    missing = client.get(reverse("portal:attachment", args=[uuid.uuid4()]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


class RatingPanel:
    @hookimpl
    def appeal_public_panels(self, appeal, request):
        return [
            PagePanel(
                title="Оцените ответ",
                template="portal/tests/panel.html",
                context={"stars": 5},
            )
        ]


def test_plugins_add_panels_to_the_message_page(
    own_appeal, citizen_client, plugin_manager, tmp_path, settings
):
    templates = tmp_path / "templates" / "portal" / "tests"
    templates.mkdir(parents=True)
    (templates / "panel.html").write_text(
        "<p>stars: {{ stars }} for {{ appeal.number }}</p>"
    )
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]],
        }
    ]
    plugin_manager.register(RatingPanel(), name="test-rating-panel")
    response = citizen_client.get(
        reverse("portal:message", args=[own_appeal.public_id])
    )
    text = text_of(response)
    assert "Оцените ответ" in text and f"stars: 5 for {own_appeal.number}" in text


def test_attachments_live_outside_the_web_root(settings):
    from pathlib import Path

    location = Path(settings.STORAGES["attachments"]["OPTIONS"]["location"]).resolve()
    assert settings.STORAGES["attachments"]["OPTIONS"]["base_url"] is None
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not location.is_relative_to(Path(public).resolve())
    storage = Attachment._meta.get_field("file").storage
    assert Path(storage.location).resolve() == location


def test_pages_are_available_in_english(general, citizen_client):
    response = citizen_client.get("/en" + general.url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "Send the message" in response.content.decode()
