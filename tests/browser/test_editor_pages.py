"""The region's content editor edits and publishes a submission page of their region's
portal in the Wagtail admin, and is refused on the other region's pages (issue 14)."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.models import Role
from tests import two_regions

PASSWORD = "pw"


@pytest.fixture
def portals(transactional_db, demo):
    second = two_regions.second_region()
    return (two_regions.portal(demo, "localhost"),
            two_regions.portal(second, "second.localhost"),
            two_regions.staff(demo, Role.EDITOR))


def test_the_editor_publishes_their_page_and_is_refused_the_other_regions(
        portals, admin_login, live_server):
    own, foreign, editor = portals
    page = admin_login(editor.username, PASSWORD)

    # The explorer offers the region's own portal.
    page.goto(f"{live_server.url}/admin/pages/{own.home.pk}/")
    assert page.locator(f'a[href="/admin/pages/{own.general.pk}/edit/"]').count()

    page.goto(f"{live_server.url}/admin/pages/{own.general.pk}/edit/")
    page.fill("input[name=title]", "Сообщить о проблеме в нашем районе")
    publish = page.locator('button[name="action-publish"]')
    if not publish.is_visible():  # behind the footer's "more actions" toggle
        page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    publish.click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    published = Page.objects.get(pk=own.general.pk)
    assert published.title == "Сообщить о проблеме в нашем районе"
    assert published.live and not published.has_unpublished_changes
    assert published.live_revision.user_id == editor.pk

    # The other region's page editor refuses, and says so; its explorer shows the
    # editor's own portal instead.
    page.goto(f"{live_server.url}/admin/pages/{foreign.general.pk}/edit/")
    assert page.locator("input[name=title]").count() == 0
    body = page.locator("body").inner_text()
    assert "нет доступа" in body, body[:300]
    assert foreign.general.title not in body
    page.goto(f"{live_server.url}/admin/pages/{foreign.home.pk}/")
    assert f"/admin/pages/{foreign.home.pk}/" not in page.url
    body = page.locator("body").inner_text()
    assert foreign.home.title not in body and foreign.general.title not in body
    assert Page.objects.get(pk=foreign.general.pk).title == foreign.general.title
