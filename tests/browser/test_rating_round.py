"""The rating's whole round in a real browser, in Russian: the head approves an answer;
the citizen follows the 1-star link of the real "answered" e-mail in the outbox (not
logged in), says the problem is not solved and confirms; the curator finds the message in
«Низкие оценки» and reopens it; the executor answers again and the head approves; the
citizen rates the new answer 5 from the new e-mail's link. Both ratings stay in the
message's history, for staff and for the citizen.

Set POS_SCREENSHOTS to a folder to keep a picture of every step for review.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext

from cms.models import Answer, Notification, Status
from cms.notifications.outbox import render
from cms.notifications.workflow import citizen_link
from plugins.rating.models import LowRatingReview, Rating, ReviewOutcome, Solved
from tests.browser.staff_steps import as_user, browse_as, open_from_queue, with_password
from tests.workflow.builders import citizen, message

DEMO_ROLES = ("executor", "head", "curator")
SCREENSHOTS = os.environ.get("POS_SCREENSHOTS")
LOW_RATINGS_QUEUE = "low-ratings"
URL = re.compile(r"https?://\S+")


@pytest.fixture
def demo_roles(demo):
    return with_password(DEMO_ROLES)


@pytest.fixture
def waiting_for_approval(demo_roles):
    """A message whose executor's answer waits for the head (test setup)."""
    author = citizen("rating-citizen", email="rating-citizen@example.org")
    appeal = message(Status.ON_APPROVAL, executor=demo_roles["executor"], author=author,
                     text="Во дворе дома 5 по улице Мира третью неделю не вывозят мусор.")
    Answer.objects.filter(appeal=appeal).update(text="Мусор вывезен 12 ноября.")
    return appeal


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"rating_{name}.png"), full_page=True)


def ru(text: str, **values) -> str:
    with translation.override("ru"):
        return gettext(text) % values if values else gettext(text)


def act(page, action, fill=None):
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def link_from_outbox(appeal, score: int) -> str:
    """The path of the first link for `score` in the latest "answered" e-mail to the
    citizen, rendered as the outbox sends it."""
    notification = (Notification.objects.filter(appeal=appeal, template="appeal_answered",
                                                email=appeal.citizen.email).latest("pk"))
    _subject, body = render(notification)
    url = next(url for url in URL.findall(body)
               if urlsplit(url).query == f"score={score}")
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def rate_from_link(page, live_server, path, name, solved=None, comment=""):
    """As the citizen, not logged in: open the e-mailed link, check the preselected
    score, answer "solved?" if asked, and confirm."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    score = path.rsplit("=", 1)[1]
    assert page.locator(f"input[name=score][value='{score}']").is_checked()
    if solved:
        page.check(f"input[name=solved][value={solved}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    shot(page, f"{name}_form")
    with page.expect_navigation():
        page.click("form.rating-form button[type=submit]")
    assert page.locator(f"[data-rating='{score}']").count() == 1
    shot(page, f"{name}_done")


def test_the_whole_rating_round(page, live_server, admin_login, demo_roles,
                                waiting_for_approval):
    appeal = waiting_for_approval

    # The head approves: the "answered" e-mail goes to the outbox with its rating links.
    as_user(page, admin_login, "head")
    open_from_queue(page, live_server, "approval", appeal)
    act(page, "approve_answer")
    first_answer = Answer.objects.get(appeal=appeal, is_published=True)

    first_email_five = link_from_outbox(appeal, 5)

    # The citizen rates 1 star and says the problem is not solved.
    rate_from_link(page, live_server, link_from_outbox(appeal, 1), "1_citizen_low",
                   solved=Solved.NO, comment="Мусор так и лежит.")
    first = Rating.objects.get(answer=first_answer)
    assert (first.score, first.solved, first.is_low) == (1, Solved.NO, True)
    review = LowRatingReview.objects.get(rating=first)
    assert review.is_open

    # The curator finds it in «Низкие оценки» and reopens it.
    as_user(page, admin_login, "curator")
    page.goto(f"{live_server.url}/admin/")
    page.locator("nav button", has_text=ru("Messages")).first.click()
    queue_link = page.locator(f"nav a[href='/admin/queues/{LOW_RATINGS_QUEUE}/']")
    queue_link.wait_for(state="visible")
    assert queue_link.inner_text().strip().startswith(ru("Low ratings"))
    if SCREENSHOTS:
        page.wait_for_timeout(400)  # the menu's flyout slides in
        shot(page, "2_curator_menu")
    queue_link.click()
    page.wait_for_url(f"{live_server.url}/admin/queues/{LOW_RATINGS_QUEUE}/")
    assert page.locator(f"a:text-is('{appeal.number}')").count() == 1
    shot(page, "2_curator_queue_list")
    page.click(f"a:text-is('{appeal.number}')")
    page.wait_for_url(f"{live_server.url}/admin/messages/{appeal.pk}/")
    page.fill("form[data-action=rating-reopen] [name=reopen-reason]",
              "Житель пишет, что мусор не вывезен: проверьте на месте.")
    shot(page, "3_curator_message")
    if SCREENSHOTS:
        page.locator("[data-rating-panel]").screenshot(
            path=os.path.join(SCREENSHOTS, "rating_3_curator_reopens.png"))
    act(page, "rating-reopen")
    appeal.refresh_from_db()
    review.refresh_from_db()
    assert appeal.status == Status.IN_WORK
    assert review.outcome == ReviewOutcome.REOPENED
    page.goto(f"{live_server.url}/admin/queues/{LOW_RATINGS_QUEUE}/")
    assert page.locator(f"a:text-is('{appeal.number}')").count() == 0

    # The executor answers again; the head approves.
    as_user(page, admin_login, "executor")
    open_from_queue(page, live_server, "mine", appeal)
    act(page, "submit_answer", {"submit_answer-text": "Мусор вывезен повторно 20 ноября, "
                                                      "площадка убрана."})
    as_user(page, admin_login, "head")
    open_from_queue(page, live_server, "approval", appeal)
    act(page, "approve_answer")
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    second_answer = Answer.objects.filter(appeal=appeal, is_published=True).latest("pk")
    assert second_answer.pk != first_answer.pk

    # The citizen rates the new answer 5 from the new e-mail's link.
    second_link = link_from_outbox(appeal, 5)
    assert second_link != first_email_five  # a new link, naming the new answer
    rate_from_link(page, live_server, second_link, "4_citizen_high")
    assert Rating.objects.get(answer=second_answer).score == 5
    first.refresh_from_db()
    assert first.score == 1  # the first rating stays as it was
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED

    # The staff history shows both ratings.
    as_user(page, admin_login, "curator")
    page.goto(f"{live_server.url}/admin/messages/{appeal.pk}/")
    timeline = page.locator("[data-timeline]").inner_text()
    given = ru("Rating given")
    assert timeline.count(given) == 2
    assert ru("%(score)s of %(max)d", score=1, max=5) in timeline
    assert ru("%(score)s of %(max)d", score=5, max=5) in timeline
    page.locator("[data-timeline]").scroll_into_view_if_needed()
    shot(page, "5_staff_history")

    # And so does the citizen's own page of the message.
    browse_as(page, live_server, appeal.citizen)
    page.goto(f"{live_server.url}{urlsplit(citizen_link(appeal)).path}")
    history = page.locator("ol.history").inner_text()
    for score in (1, 5):
        assert ru("Rating: %(score)s", score=ru("%(score)s of %(max)d", score=score, max=5)
                  ) in history
    shot(page, "6_citizen_history")
