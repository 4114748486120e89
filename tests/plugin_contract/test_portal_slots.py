"""The portal's slots for plugins: links on the region's portal home
(`portal_home_links`) and notices above the submission form's send button
(`submission_form_notices`), each only where the plugin is on."""

import pytest

from cms.kernel.hookspecs import PagePanel, PortalLink
from cms.kernel.plugins import hookimpl
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from tests import factories


class SlotsPlugin:
    @hookimpl
    def portal_home_links(self, region, request):
        return [PortalLink(label="Second link", url="/second/", order=20),
                PortalLink(label=f"Data of {region.code}", url="/data/", order=10,
                           description="Figures")]

    @hookimpl
    def submission_form_notices(self, region, form, request):
        return [PagePanel(title="", template="example_plugin/form_notice.html",
                          context={"greeting": "Notice for"})]


@pytest.fixture
def slots(plugin_manager, demo):
    create_demo_pages(demo)
    plugin_manager.register(SlotsPlugin(), name="slots")
    return demo


@pytest.fixture
def citizen_client(client, db):
    client.force_login(factories.user())
    return client


def test_hook_portal_home_links(slots, client):
    html = client.get("/").content.decode()
    assert "data-plugin-links" in html
    first, second = html.index('href="/data/"'), html.index('href="/second/"')
    assert first < second  # in their order
    assert "Data of demo" in html and "Figures" in html


def test_no_links_where_the_plugin_is_off(slots, client):
    slots.disabled_plugins = ["slots"]
    slots.save(update_fields=["disabled_plugins"])
    assert 'href="/data/"' not in client.get("/").content.decode()


def test_hook_submission_form_notices(slots, citizen_client):
    page = SubmissionPage.objects.get(slug="general")
    html = citizen_client.get(page.url).content.decode()
    assert "Notice for demo: unbound" in html
    assert html.index("data-example-notice") < html.index("data-submit")
    refreshed = citizen_client.post(page.url, {"refresh": "1", "address": "ул. Мира, 1"})
    assert "Notice for demo: unbound ул. Мира, 1" in refreshed.content.decode()
    errors = citizen_client.post(page.url, {"address": "ул. Мира, 1"})
    assert "Notice for demo: bound" in errors.content.decode()


def test_no_notices_where_the_plugin_is_off(slots, citizen_client):
    slots.disabled_plugins = ["slots"]
    slots.save(update_fields=["disabled_plugins"])
    page = SubmissionPage.objects.get(slug="general")
    assert "data-example-notice" not in citizen_client.get(page.url).content.decode()
