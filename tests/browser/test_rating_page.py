"""The rating page in a real browser: it passes the axe scan (the form, its errors, the
thanks, a refusal) and fetches nothing from another host, and it works with JavaScript switched off: the link's score is
chosen, the "solved?" question is there, one button confirms."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from plugins.rating.links import page_path, score_links
from plugins.rating.models import Rating
from tests.browser.test_portal import assert_accessible
from tests.rating.answered import answered


@pytest.fixture
def links(demo):
    answer = answered()
    return answer, {link["score"]: "{0.path}?{0.query}".format(urlsplit(link["url"]))
                    for link in score_links(answer)}


def test_the_rating_page_passes_axe(page, live_server, links):
    answer, paths = links
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(live_server.url + paths[2])
    assert page.locator("input[name=score][value='2']").is_checked()
    assert hosts == {urlsplit(live_server.url).netloc}  # nothing from another host
    assert_accessible(page)

    # A low score sent without "solved?": the form comes back with the error, still clean.
    page.click("form.rating-form button[type=submit]")
    page.wait_for_selector(".errors")
    assert_accessible(page)

    page.check("input[name=solved][value=partly]")
    page.click("form.rating-form button[type=submit]")
    page.wait_for_selector("[data-rating='2']")
    assert_accessible(page)

    page.goto(live_server.url + page_path("altered-token"))
    assert page.locator("[data-refused]").count() == 1
    assert_accessible(page)
    assert Rating.objects.get(answer=answer).solved == "partly"


def test_the_rating_page_works_without_javascript(browser, live_server, links):
    answer, paths = links
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + paths[5])
        assert page.locator("input[name=score][value='5']").is_checked()
        page.check("input[name=score][value='1']")
        page.check("input[name=solved][value=no]")
        page.fill("textarea[name=comment]", "Ничего не сделано.")
        with page.expect_navigation():
            page.click("form.rating-form button[type=submit]")
        assert page.locator("[data-rating='1']").count() == 1
    finally:
        context.close()
    rating = Rating.objects.get(answer=answer)
    assert (rating.score, rating.solved, rating.comment) == (1, "no", "Ничего не сделано.")
