"""Finding 9 of issue 11 in the browser: choosing a subcategory that asks for a photo
marks the files field required at once, before anything is sent (the page's script);
tests/display/test_form_required_photo.py checks the server's mark after a refresh."""

from __future__ import annotations

from cms.models import Subcategory
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests.browser.test_widget import signed_in

MARK = "[data-photo-mark]"
FILES = "input[type=file][name=files]"


def test_choosing_a_subcategory_that_needs_a_photo_marks_the_files_field(
        page, live_server, demo):
    create_demo_pages(demo)
    general = SubmissionPage.objects.get(slug="general")
    with_photo = Subcategory.objects.filter(photo_required=True).first()
    without = Subcategory.objects.filter(photo_required=False,
                                         category=with_photo.category).first()
    signed_in(page, live_server)
    page.goto(live_server.url + general.url)
    assert page.locator(MARK).is_hidden()

    page.select_option("select[name=category]", str(with_photo.category_id))
    page.select_option("select[name=subcategory]", str(with_photo.pk))
    assert page.locator(MARK).is_visible()
    assert "обязательно" in page.locator(MARK).inner_text()
    assert page.get_attribute(FILES, "aria-required") == "true"
    # No request was sent: the mark came from the page's own script.
    assert page.url.rstrip("/") == (live_server.url + general.url).rstrip("/")

    if without is not None:
        page.select_option("select[name=subcategory]", str(without.pk))
        assert page.locator(MARK).is_hidden()
        assert page.get_attribute(FILES, "aria-required") is None
