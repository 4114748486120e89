"""The example plugin's event kind and e-mail section, end to end: written as a plugin
writes them, read on the staff and the citizen's pages, and sent under the core's text."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import AppealEvent, Notification, Status
from cms.notifications import outbox
from cms.workflow import actions
from tests.example_plugin.emails import REJECTED_NOTE
from tests.example_plugin.events import NOTED
from tests.workflow.builders import demo_staff, message


def text_of(response) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True)


def noted(appeal, value, public=False) -> AppealEvent:
    """An event of the example's kind, as the plugin would have a core write path add."""
    return AppealEvent.objects.create(appeal=appeal, kind=NOTED, to_value=value,
                                      is_public=public)


@pytest.fixture
def staff(demo):
    return demo_staff()


def test_the_example_event_reads_in_its_own_words_on_the_staff_page(
        client, staff, django_assert_num_queries):
    appeal = message(Status.ON_MODERATION)
    noted(appeal, "N-1")
    client.force_login(staff["moderator"])
    client.get(f"/admin/messages/{appeal.pk}/")  # the first request fills caches
    with CaptureQueriesContext(connection) as first:
        page = text_of(client.get(f"/admin/messages/{appeal.pk}/"))
    assert "Example: noted" in page and "note N-1" in page
    assert NOTED not in page  # never the raw key of a declared kind
    # The wording costs no query: one more such event, the same count.
    noted(appeal, "N-2")
    with django_assert_num_queries(len(first.captured_queries)):
        page = text_of(client.get(f"/admin/messages/{appeal.pk}/"))
    assert "note N-2" in page


def test_a_public_example_event_reads_in_its_own_words_for_the_citizen(
        client, demo, django_assert_num_queries):
    appeal = message(Status.SENT_TO_ORGANISATION)
    noted(appeal, "P-1", public=True)
    noted(appeal, "HIDDEN-1")
    client.force_login(appeal.citizen)
    url = reverse("portal:message", args=[appeal.public_id])
    client.get(url)  # the first request fills caches
    with CaptureQueriesContext(connection) as first:
        page = text_of(client.get(url))
    assert "The example plugin noted P-1 in demo" in page
    assert "HIDDEN-1" not in page
    noted(appeal, "P-2", public=True)
    with django_assert_num_queries(len(first.captured_queries)):
        page = text_of(client.get(url))
    assert "The example plugin noted P-2 in demo" in page


def test_an_event_of_a_kind_nobody_declares_still_shows_its_key(client, staff):
    appeal = message(Status.SENT_TO_ORGANISATION)
    AppealEvent.objects.create(appeal=appeal, kind="uninstalled_kind", to_value="U-1",
                               from_value="U-0", is_public=True)
    client.force_login(staff["moderator"])
    staff_page = text_of(client.get(f"/admin/messages/{appeal.pk}/"))
    assert "uninstalled_kind" in staff_page and "U-0 → U-1" in staff_page
    client.force_login(appeal.citizen)
    citizen_page = text_of(client.get(reverse("portal:message", args=[appeal.public_id])))
    assert "uninstalled_kind" in citizen_page


def reject(appeal, django_capture_on_commit_callbacks) -> Notification:
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reject_appeal(appeal.pk, demo_staff()["moderator"], "Не проблема")
    return Notification.objects.get(appeal=appeal, template="appeal_rejected")


def test_the_rejection_letter_carries_the_example_section_after_the_core_text(
        demo, django_capture_on_commit_callbacks):
    appeal = message(Status.ON_MODERATION)
    letter = reject(appeal, django_capture_on_commit_callbacks)
    assert letter.context[outbox.SECTIONS][0]["template"] == REJECTED_NOTE
    _subject, body = outbox.render(letter)
    section = f"Example section for {appeal.number} (status_changed)"
    assert body.index("Не проблема") < body.index(section)
    sent = [email for email in mail.outbox if email.to == [letter.email]]
    assert len(sent) == 1 and section in sent[0].body


def test_only_the_rejection_letter_gets_it(demo, django_capture_on_commit_callbacks):
    appeal = message(Status.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_pass_on_appeal(appeal.pk, demo_staff()["moderator"], "")
    letters = Notification.objects.filter(appeal=appeal)
    assert letters.exists()
    for letter in letters:
        assert outbox.SECTIONS not in letter.context
        assert "Example section" not in outbox.render(letter)[1]


def test_with_the_plugin_off_for_the_region_the_section_is_absent(
        demo, django_capture_on_commit_callbacks):
    demo.disabled_plugins = ["example"]
    demo.save(update_fields=["disabled_plugins"])
    appeal = message(Status.ON_MODERATION)
    letter = reject(appeal, django_capture_on_commit_callbacks)
    _subject, body = outbox.render(letter)
    assert "Не проблема" in body and "Example section" not in body
    assert outbox.SECTIONS not in letter.context
