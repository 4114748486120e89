"""What a national operator's admin pages show: every region's messages, no action
button, no citizen's contact data unless the region shares them (message page, queue
lists and exports, the reports' message lists)."""

import pytest

from cms.models import AppealEvent, AuditRecord, EventKind, Status
from cms.workflow.table import Action
from tests.workflow.builders import citizen, message, other_region

from .builders import national_operator, share_contacts


@pytest.fixture
def national(demo):
    return national_operator()


def page(client, appeal, **params):
    response = client.get(f"/admin/messages/{appeal.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def no_action_offered(html):
    for action in Action:
        assert f'data-action="{action}"' not in html, action


def contact_of(appeal):
    return (appeal.citizen.email, appeal.citizen.get_full_name())


def test_message_page_without_actions_or_contact_data(client, national):
    author = citizen("citizen-n", email="ivan.petrov@example.org")
    appeal = message(Status.ON_MODERATION, "cur", author=author)
    # The citizen's own step in the timeline: their name is contact data too.
    AppealEvent.objects.create(appeal=appeal, kind=EventKind.STATUS_CHANGED, actor=author,
                               to_value=Status.ON_MODERATION)
    client.force_login(national)
    html = page(client, appeal)
    assert appeal.text in html
    no_action_offered(html)
    assert 'href="?contact=1"' not in html
    asked = page(client, appeal, contact="1")
    for value in contact_of(appeal):
        assert value not in asked
    assert "data-contact-withheld" in asked
    assert not AuditRecord.objects.filter(appeal=appeal).exists()


def test_message_page_shows_contact_data_where_the_region_shares_it(client, national):
    region = other_region()
    share_contacts(region)
    author = citizen("citizen-n", email="ivan.petrov@example.org")
    appeal = message(Status.ON_MODERATION, "other-org", region=region, author=author)
    client.force_login(national)
    assert 'href="?contact=1"' in page(client, appeal)
    html = page(client, appeal, contact="1")
    assert author.email in html
    no_action_offered(html)
    assert AuditRecord.objects.filter(appeal=appeal, actor=national).exists()


def test_an_action_post_is_refused(client, national):
    appeal = message(Status.ON_MODERATION, "cur")
    client.force_login(national)
    response = client.post(f"/admin/messages/{appeal.pk}/act/pass_on/",
                           {"pass_on-version": appeal.version})
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == Status.ON_MODERATION


def test_queues_list_both_regions_without_contact_data(client, national):
    author = citizen("citizen-n", email="ivan.petrov@example.org")
    here = message(Status.IN_WORK, "adm-gorsk", author=author, text="Яма у дома 1")
    there = message(Status.IN_WORK, "other-org", region=other_region(), author=author,
                    text="Яма у дома 2")
    client.force_login(national)
    listing = client.get("/admin/queues/region/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert here.number in html and there.number in html
    for value in contact_of(here):
        assert value not in html
    exported = client.get("/admin/queues/region/", {"export": "csv"})
    assert exported.status_code == 200
    text = b"".join(exported.streaming_content).decode() if exported.streaming else (
        exported.content.decode())
    assert here.number in text and there.number in text
    for value in contact_of(here):
        assert value not in text
    # The work queues of the roles they do not hold are not theirs.
    assert client.get("/admin/queues/moderation/").status_code in (302, 403, 404)


def test_reports_message_list_without_contact_data(client, national):
    author = citizen("citizen-n", email="ivan.petrov@example.org")
    here = message(Status.IN_WORK, "adm-gorsk", author=author)
    there = message(Status.IN_WORK, "other-org", region=other_region(), author=author)
    client.force_login(national)
    response = client.get("/admin/reports/messages/")
    assert response.status_code == 200
    html = response.content.decode()
    assert here.number in html and there.number in html
    for value in contact_of(here):
        assert value not in html


def test_dashboard_and_menu(client, national):
    message(Status.IN_WORK, "other-org", region=other_region())
    client.force_login(national)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-queue="overdue"' in html and 'data-queue="region"' in html
    assert 'data-queue="moderation"' not in html
    assert "/admin/national/" in html
