"""The rating plugin switched off for one region while another keeps it: for the region
that switched it off there is no rating section in its e-mails (and no promise of one),
no page behind a link signed for it (404, GET and POST alike), nothing in «Низкие
оценки», no rating section on its messages' pages, no settings section and no report
rows; the region that keeps it keeps all of that, at the same time."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from cms.kernel.reports import dataset_rows
from cms.models import Notification, Role, Status
from cms.notifications import outbox
from cms.notifications.workflow import citizen_link
from cms.staff_admin.region_settings import settings_models_for
from cms.workflow import actions
from plugins.rating.links import make_token, page_path
from plugins.rating.models import LowRatingReview, Rating, RatingSettings
from tests import factories
from tests.workflow.builders import (
    citizen,
    demo_staff,
    message,
    other_region,
    staff_member,
)

QUEUE_URL = "/admin/queues/low-ratings/"


@pytest.fixture
def switched_off(demo):
    """The second region, with the rating plugin off, and its head and executor."""
    region = other_region()
    region.disabled_plugins = ["rating"]
    region.save(update_fields=["disabled_plugins"])
    return region


def approved(region, head, executor, author):
    appeal = message(Status.ON_APPROVAL, region=region, executor=executor, author=author,
                     organisation_code="adm-gorsk" if region.code == "demo" else "other-org")
    return actions.do_approve_answer(appeal.pk, head)


@pytest.fixture
def answers(demo, switched_off, django_capture_on_commit_callbacks):
    """An approved answer in each region, {"on": answer, "off": answer}."""
    staff = demo_staff()
    head = staff_member("other-head", "other-org", Role.HEAD, region=switched_off)
    executor = staff_member("other-executor", "other-org", Role.EXECUTOR,
                            region=switched_off)
    author = citizen("switch-citizen", email="switch-citizen@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        return {"on": approved(demo, staff["head"], staff["executor"], author),
                "off": approved(switched_off, head, executor, author)}


def letter(answer) -> tuple[list[str], str]:
    """The templates of the sections plugins added to the "answered" e-mail, and its
    body as the outbox sends it."""
    notification = Notification.objects.get(appeal_id=answer.appeal_id,
                                            template="appeal_answered")
    sections = [section["template"]
                for section in notification.context.get(outbox.SECTIONS, [])]
    _subject, body = outbox.render(notification)
    return sections, body


def low_rating(answer) -> Rating:
    """A low rating waiting for review (written directly: the plugin's write path is not
    what is under test, and it is off in one of the regions)."""
    rating = Rating.objects.create(appeal_id=answer.appeal_id, answer=answer, score=1,
                                   solved="no", is_low=True)
    LowRatingReview.objects.create(appeal_id=answer.appeal_id, rating=rating)
    return rating


def test_the_answered_email_promises_a_rating_only_where_the_plugin_is_on(answers):
    on_sections, on_body = letter(answers["on"])
    off_sections, off_body = letter(answers["off"])
    assert "rating/email/rating_links.txt" in on_sections
    assert on_body.count("/rating/") == 5
    assert not [name for name in off_sections if name.startswith("rating/")]
    # The core's letter alone: the answer and the message's page, no promise of a rating.
    assert answers["off"].text in off_body
    assert "/rating/" not in off_body and "оцен" not in off_body.lower()


def test_a_link_signed_for_the_switched_off_region_is_a_404(answers):
    client = Client()
    for score in (None, 5):
        assert client.get(page_path(make_token(answers["off"]), score)).status_code == 404
    assert client.post(page_path(make_token(answers["off"])),
                       {"score": "5", "version": "0"}).status_code == 404
    assert not Rating.objects.filter(answer=answers["off"]).exists()
    # The same kind of link for the region that keeps the plugin opens its page.
    assert client.get(page_path(make_token(answers["on"]), 5)).status_code == 200


def test_the_queue_lists_only_the_region_that_keeps_the_plugin(answers, client):
    for answer in answers.values():
        low_rating(answer)
    client.force_login(factories.user("switch-root", is_staff=True, is_superuser=True))
    page = client.get(QUEUE_URL).content.decode()
    assert f"/admin/messages/{answers['on'].appeal_id}/" in page
    assert f"/admin/messages/{answers['off'].appeal_id}/" not in page


def test_the_message_page_has_a_rating_section_only_where_the_plugin_is_on(answers,
                                                                           client):
    for answer in answers.values():
        low_rating(answer)
    client.force_login(factories.user("switch-root", is_staff=True, is_superuser=True))
    on = client.get(f"/admin/messages/{answers['on'].appeal_id}/").content.decode()
    off = client.get(f"/admin/messages/{answers['off'].appeal_id}/").content.decode()
    assert "data-rating-panel" in on
    assert "data-rating-panel" not in off
    # Its forms answer 404 for the switched-off region's message.
    review = LowRatingReview.objects.get(appeal_id=answers["off"].appeal_id)
    response = client.post(f"/admin/rating/messages/{answers['off'].appeal_id}/reopen/",
                           {"reopen-review": review.pk, "reopen-version": 0,
                            "reopen-reason": "Проверить"})
    assert response.status_code == 404
    assert LowRatingReview.objects.get(pk=review.pk).is_open


def test_the_citizens_page_offers_the_rating_only_where_the_plugin_is_on(answers, client):
    client.force_login(answers["on"].appeal.citizen)
    pages = {key: client.get(urlsplit(citizen_link(answer.appeal)).path).content.decode()
             for key, answer in answers.items()}
    assert 'name="score"' in pages["on"]
    assert 'name="score"' not in pages["off"]


def test_settings_and_report_rows_only_where_the_plugin_is_on(answers, demo, switched_off):
    assert RatingSettings in settings_models_for(demo)
    assert RatingSettings not in settings_models_for(switched_off)
    for answer in answers.values():
        Rating.objects.create(appeal_id=answer.appeal_id, answer=answer, score=4)
    now = timezone.now()
    rows = dataset_rows("rating-scores", [demo.pk, switched_off.pk],
                        now - timedelta(days=1), now + timedelta(days=1))
    assert [row["ratings"] for row in rows] == [1]
    assert rows[0]["organisation"] == answers["on"].appeal.organisation.name
