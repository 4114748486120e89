"""Possible duplicates on the staff message page and the one-click rejection as a
duplicate: through the core's reject transition, with the duplicate reason and the
original's number; refused without the right; a stale page is a 409 page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import Appeal, AppealEvent, EventKind, Status
from cms.workflow import actions
from tests.workflow.builders import demo_staff, message

pytestmark = pytest.mark.django_db

POTHOLE = "Большая яма на дороге у дома 5 по улице Ленина, машины бьют колёса"
POTHOLE_AGAIN = "Яма на дороге у дома 5 по улице Ленина, бьют колёса машины"


def at(appeal, days_ago):
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago))
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def pair(demo):
    original = at(message(Status.SENT_TO_ORGANISATION, text=POTHOLE, address="ул. Ленина, 5"), 6)
    duplicate = at(message(Status.ON_MODERATION, text=POTHOLE_AGAIN,
                           address="ул. Ленина, 5"), 1)
    unrelated = at(message(Status.ON_MODERATION,
                           text="Не работает светофор на перекрёстке с проспектом Мира"), 1)
    return original, duplicate, unrelated


@pytest.fixture
def moderator(client):
    user = demo_staff()["moderator"]
    client.force_login(user)
    return user


def page(client, appeal):
    return client.get(f"/admin/messages/{appeal.pk}/").content.decode()


def reject(client, appeal, original, version=None):
    return client.post(f"/admin/reports/duplicates/{appeal.pk}/reject/",
                       {"original": original.pk,
                        "version": appeal.version if version is None else version})


def test_the_moderator_sees_possible_duplicates_with_number_and_status(pair, moderator,
                                                                       client):
    original, duplicate, unrelated = pair
    html = page(client, duplicate)
    assert "data-duplicates-panel" in html
    assert f'data-duplicate="{original.number}"' in html
    assert f"/admin/messages/{original.pk}/" in html
    assert str(original.get_status_display()) in html
    assert 'data-action="reject-duplicate"' in html
    assert f'data-duplicate="{unrelated.number}"' not in html


def test_a_message_without_similar_ones_has_no_section(pair, moderator, client):
    assert "data-duplicates-panel" not in page(client, pair[2])


def test_one_click_rejects_as_a_duplicate_linking_the_original(pair, moderator, client):
    original, duplicate, _ = pair
    response = reject(client, duplicate, original)
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.REJECTED
    event = AppealEvent.objects.filter(appeal=duplicate, kind=EventKind.STATUS_CHANGED
                                       ).latest("pk")
    assert event.data["reason_key"] == "duplicate"
    assert event.data["action"] == "reject"
    assert event.reason.endswith(f"№ {original.number}")
    assert event.actor == moderator
    # The rejected message's page links its original.
    html = page(client, duplicate)
    assert "data-original" in html and f"/admin/messages/{original.pk}/" in html


def test_a_stale_page_gets_409_and_changes_nothing(pair, moderator, client):
    original, duplicate, _ = pair
    opened_at = duplicate.version
    actions.do_pass_on_appeal(duplicate.pk, moderator, "", version=opened_at)
    response = reject(client, duplicate, original, version=opened_at)
    assert response.status_code == 409
    assert "data-stale" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SENT_TO_ORGANISATION


def test_without_the_right_to_reject_there_is_no_button_and_no_rejection(pair, client):
    original, duplicate, _ = pair
    curator = demo_staff()["curator"]
    client.force_login(curator)
    assert 'data-action="reject-duplicate"' not in page(client, duplicate)
    response = reject(client, duplicate, original)
    assert response.status_code in (302, 404)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.ON_MODERATION


def test_the_rejection_needs_a_post(pair, moderator, client):
    original, duplicate, _ = pair
    response = client.get(f"/admin/reports/duplicates/{duplicate.pk}/reject/")
    assert response.status_code == 405


def test_the_rejection_checks_csrf(pair, moderator):
    from django.test import Client

    original, duplicate, _ = pair
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    response = reject(strict, duplicate, original)
    assert response.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.status == Status.ON_MODERATION


def test_the_panel_asks_the_same_queries_for_one_duplicate_or_many(pair, moderator, rf,
                                                                    django_assert_num_queries):
    """Visibility is asked in the candidates' query, not per candidate (it was six
    queries each: deferred fields and grants)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plugins.reports.duplicates_admin import duplicates_panel

    original, duplicate, _ = pair
    request = rf.get("/")
    request.user = moderator
    duplicates_panel(duplicate, request)  # the user's roles and grants, read once
    with CaptureQueriesContext(connection) as one:
        panels = duplicates_panel(duplicate, request)
    assert [dup.pk for dup in panels[0].context["duplicates"]] == [original.pk]
    for days in range(2, 6):
        at(message(Status.SENT_TO_ORGANISATION, text=POTHOLE, address="ул. Ленина, 5"), days)
    with django_assert_num_queries(len(one.captured_queries)):
        panels = duplicates_panel(duplicate, request)
    assert len(panels[0].context["duplicates"]) == 5


def test_without_trigrams_the_same_address_is_a_possible_duplicate(pair, moderator, client,
                                                                   monkeypatch):
    """The demo's database (SQLite) has no trigram similarity: the same address stands in,
    and the page must still open (an untyped NULL similarity made it a 500)."""
    from plugins.reports import similar

    monkeypatch.setattr(similar, "is_postgresql", lambda: False)
    original, duplicate, unrelated = pair
    response = client.get(f"/admin/messages/{duplicate.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-duplicate="{original.number}"' in html
    assert f'data-duplicate="{unrelated.number}"' not in html
