"""Staff see an API-filed message with its integration as the channel: in the API's
queue, in exports, and on the message's page."""

from __future__ import annotations

from cms.models import Appeal
from tests.workflow.builders import demo_staff, message

from .api_support import *
from .api_support import body, post


def test_the_api_queue_lists_api_messages_with_their_integrations_label(client, epgu):
    (filed,) = body(post(client, epgu[1]))
    portal = message()
    client.force_login(demo_staff()["moderator"])
    page = client.get("/admin/queues/open311/").content.decode()
    assert f">{filed['service_request_id']}<" in page
    assert f">{portal.number}<" not in page
    row = page[page.index(f">{filed['service_request_id']}<"):]
    assert "ЕПГУ" in row[:row.index("</tr>")]


def test_the_export_names_the_integration(client, epgu):
    (filed,) = body(post(client, epgu[1]))
    client.force_login(demo_staff()["moderator"])
    export = client.get("/admin/queues/moderation/", {"export": "csv"})
    assert export.status_code == 200
    text = b"".join(export.streaming_content if export.streaming else [export.content])
    line = next(row for row in text.decode("utf-8-sig").splitlines()
                if filed["service_request_id"] in row)
    assert "ЕПГУ" in line


def test_the_message_page_shows_which_integration_filed_it(client, epgu):
    (filed,) = body(post(client, epgu[1]))
    appeal = Appeal.objects.get(number=filed["service_request_id"])
    client.force_login(demo_staff()["moderator"])
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert "ЕПГУ (тест)" in page
    assert "ул. Ленина, 5" in page
