"""The rating pages: the link from the real "answered" e-mail, GET that changes nothing,
the one-button confirmation, every bad input refused with its own page and status, the
plugin switched off, and rating from "my messages"."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.kernel.events import public_wording
from cms.models import AppealEvent, Notification, Status
from cms.notifications import outbox
from plugins.rating.links import make_token, page_path
from plugins.rating.models import LowRatingReview, Rating
from plugins.rating.services import CHANGED, GIVEN, rate
from tests.rating.answered import answered, status_of
from tests.rating.test_links import payload_of, signed

RATING_LINK = re.compile(r"https?://\S+/rating/\S+/\?score=\d")


def rating_links_in(body: str) -> dict[int, str]:
    """{score: path} of the rating links in an e-mail's body."""
    found = {}
    for url in RATING_LINK.findall(body):
        parts = urlsplit(url)
        found[int(parts.query.split("=")[1])] = f"{parts.path}?{parts.query}"
    return found


def history(answer) -> list:
    return list(AppealEvent.objects.filter(appeal_id=answer.appeal_id,
                                           kind__in=[GIVEN, CHANGED]).values_list("kind",
                                                                                  flat=True))


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_form(client, path, **fields):
    """GET the page, then POST its form with the page's CSRF token and version."""
    page = client.get(path).content.decode()
    data = {"csrfmiddlewaretoken": re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1),
            "version": re.search(r'name="version" value="(\d+)"', page).group(1),
            **fields}
    return client.post(path.split("?")[0], data)


def off(region):
    region.disabled_plugins = [*region.disabled_plugins, "rating"]
    region.save(update_fields=["disabled_plugins"])


@pytest.fixture
def emailed(demo, django_capture_on_commit_callbacks):
    """An answer approved by the head, and its "answered" e-mail as sent."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = answered()
    return answer, next(m.body for m in mail.outbox if answer.appeal.number in m.subject)


def test_hook_email_sections_five_links_in_the_answered_email(emailed):
    answer, body = emailed
    found = rating_links_in(body)
    assert sorted(found) == [1, 2, 3, 4, 5]
    # The core's text first, then the section with the links.
    assert body.index(answer.text) < body.index(found[1].split("?")[0])


def test_the_link_from_the_email_rates_with_one_confirmation(emailed,
                                                              django_assert_num_queries):
    answer, body = emailed
    path = rating_links_in(body)[4]
    client = csrf_client()
    with django_assert_num_queries(3):  # the answer with its message, settings, rating
        page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert answer.text in html and answer.appeal.text in html
    assert re.search(r'<input[^>]*name="score"[^>]*value="4"[^>]*checked', html)
    # GET changes nothing.
    assert not Rating.objects.filter(answer=answer).exists() and history(answer) == []
    assert status_of(answer) == Status.ANSWERED

    response = post_form(client, path, score="4", comment="Спасибо")
    assert response.status_code == 302 and response["Location"].endswith("?done=1")
    rating = Rating.objects.get(answer=answer)
    assert (rating.score, rating.comment) == (4, "Спасибо")
    assert history(answer) == [GIVEN] and status_of(answer) == Status.CLOSED
    done = client.get(response["Location"]).content.decode()
    assert 'data-rating="4"' in done


def test_a_low_score_from_the_page_asks_solved_and_opens_a_review(emailed):
    answer, body = emailed
    path = rating_links_in(body)[1]
    client = csrf_client()
    assert 'name="solved"' in client.get(path).content.decode()
    refused = post_form(client, path, score="1")
    assert refused.status_code == 400 and not Rating.objects.exists()
    response = post_form(client, path, score="1", solved="no")
    assert response.status_code == 302
    assert Rating.objects.get(answer=answer).solved == "no"
    assert LowRatingReview.objects.filter(appeal_id=answer.appeal_id).exists()
    assert status_of(answer) == Status.ANSWERED


def test_the_email_without_the_plugin_has_no_section_and_the_page_is_gone(
        demo, emailed, django_capture_on_commit_callbacks):
    _answer, body = emailed
    off(demo)
    with django_capture_on_commit_callbacks(execute=True):
        silent = answered()
    letter = Notification.objects.get(appeal_id=silent.appeal_id, template="appeal_answered")
    assert outbox.SECTIONS not in letter.context or not [
        s for s in letter.context[outbox.SECTIONS] if s["template"].startswith("rating/")]
    _subject, text = outbox.render(letter)
    assert "/rating/" not in text and "оцен" not in text.lower()
    # Links sent while it was on answer 404 now, on GET and POST.
    path = rating_links_in(body)[5]
    client = csrf_client()
    assert client.get(path).status_code == 404
    assert client.post(path.split("?")[0], {"score": "5"}).status_code == 404
    expired = signed(payload_of(silent), age_days=31)
    assert client.get(page_path(expired, 5)).status_code == 404
    assert not Rating.objects.exists()


def assert_refused(response, status):
    assert response.status_code == status
    assert "data-refused" in response.content.decode()


def test_bad_tokens_get_their_own_pages(emailed):
    answer, _body = emailed
    client = csrf_client()
    token = make_token(answer)
    assert_refused(client.get(page_path(token[:-2] + "xx", 4)), 400)
    assert_refused(client.get(page_path(signed(payload_of(answer), age_days=31), 4)), 410)
    foreign = signed(payload_of(answer) | {"m": answer.appeal_id + 1})
    assert_refused(client.get(page_path(foreign, 4)), 400)
    assert_refused(client.post(page_path(foreign), {"score": "5"}), 400)
    assert not Rating.objects.exists() and history(answer) == []


def test_bad_input_is_refused_and_changes_nothing(emailed):
    answer, _body = emailed
    path = page_path(make_token(answer))
    client = csrf_client()
    assert client.get(path + "?score=9").status_code == 400
    for fields in ({"score": "0"}, {"score": "6"}, {"score": "пять"},
                   {"score": "3", "comment": "я" * 2001}):
        assert post_form(client, path, **fields).status_code == 400
    # A POST without the CSRF token: our page, in the portal's layout.
    no_csrf = client.post(path, {"score": "5", "version": "0"})
    assert_refused(no_csrf, 403)
    assert "site-header" in no_csrf.content.decode()
    assert not Rating.objects.exists() and history(answer) == []
    assert status_of(answer) == Status.ANSWERED


def test_a_second_rating_from_a_stale_page_is_refused(emailed):
    answer, _body = emailed
    path = page_path(make_token(answer))
    first, second = csrf_client(), csrf_client()
    stale = second.get(path).content.decode()
    assert post_form(first, path, score="4").status_code == 302
    response = second.post(path, {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                                         stale).group(1),
        "version": "0", "score": "1", "solved": "no"})
    assert_refused(response, 409)
    assert Rating.objects.get(answer=answer).score == 4 and history(answer) == [GIVEN]


def test_a_replay_after_the_change_window_is_refused(emailed):
    answer, _body = emailed
    path = page_path(make_token(answer))
    client = csrf_client()
    page_before = client.get(path).content.decode()
    rate(answer, 1, solved="no")
    Rating.objects.filter(answer=answer).update(
        created_at=timezone.now() - timedelta(days=8))
    # The page now says the rating cannot change any more, and offers no form.
    page = client.get(path).content.decode()
    assert 'data-rating="1"' in page and 'name="score"' not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_before).group(1)
    replay = client.post(path, {"csrfmiddlewaretoken": token, "version": "1",
                                "score": "5"})
    assert_refused(replay, 403)
    assert Rating.objects.get(answer=answer).score == 1 and history(answer) == [GIVEN]


def test_hook_appeal_public_panels_rates_from_my_messages(demo):
    answer = answered()
    citizen = answer.appeal.citizen
    client = csrf_client()
    client.force_login(citizen)
    message_path = reverse("portal:message", kwargs={"public_id": answer.appeal.public_id})
    page = client.get(message_path).content.decode()
    action = re.search(r'<form method="post" action="(/rating/[^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(action, {"csrfmiddlewaretoken": token, "version": "0",
                                    "score": "5", "back": "message"})
    assert response.status_code == 302 and response["Location"] == message_path
    assert Rating.objects.get(answer=answer).score == 5
    event = AppealEvent.objects.get(appeal_id=answer.appeal_id, kind=GIVEN)
    assert event.actor_id == citizen.pk
    after = client.get(message_path).content.decode()
    assert 'data-rating="5"' in after
    assert public_wording(event, demo) in after  # the history line of the rating


def test_the_panel_costs_a_fixed_number_of_queries(demo):
    answer = answered()
    client = Client()
    client.force_login(answer.appeal.citizen)
    message_path = reverse("portal:message", kwargs={"public_id": answer.appeal.public_id})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(message_path).status_code == 200
        return len(captured.captured_queries)

    unrated = queries()
    rate(answer, 4)
    rated = queries()
    off(demo)
    without = queries()
    # The panel: the latest answer, the region's settings, its rating.
    assert unrated - without == 3 and rated == unrated
