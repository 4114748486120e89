"""The example plugin's public side, end to end: its URL on the public site (in both
languages, only where the plugin is on) and its page type under the portal home, created
by an editor in the admin and served."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import resolve
from wagtail.models import GroupPagePermission

from cms.portal.demo import create_demo_pages
from cms.portal.models import PortalHomePage, SubmissionPage
from tests import factories
from tests.example_plugin.models import ExampleNoticePage, ExampleSettings
from tests.example_plugin.urls import hello

ADD_NOTICE = "/admin/pages/add/example_plugin/examplenoticepage/{parent}/"


@pytest.fixture
def home(demo) -> PortalHomePage:
    return create_demo_pages(demo)


def test_hook_public_urls(home, demo, client, django_assert_max_num_queries):
    assert resolve("/example/hello/").func is hello
    ExampleSettings.objects.create(region=demo, greeting="Привет")
    with django_assert_max_num_queries(4):
        response = client.get("/example/hello/")
    assert response.status_code == 200
    assert response.content.decode() == "Привет from demo"


def test_the_plugins_url_answers_under_the_language_prefix(home, client):
    response = client.get("/en/example/hello/")
    assert response.status_code == 200
    assert response.content.decode() == "Hello from demo"


def test_the_plugins_url_is_not_found_where_the_plugin_is_off(home, demo, client):
    demo.disabled_plugins = ["example"]
    demo.save(update_fields=["disabled_plugins"])
    assert client.get("/example/hello/").status_code == 404


def test_the_core_pages_still_answer_after_the_plugins_urls(home, client):
    # The plugins' URLs are mounted before Wagtail's catch-all, not instead of it.
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].pk == home.pk


def test_hook_portal_page_types(db, plugin_manager):
    assert PortalHomePage.allowed_subpage_models() == [SubmissionPage, ExampleNoticePage]
    assert ExampleNoticePage.allowed_parent_page_models() == [PortalHomePage]


def test_without_the_plugin_its_page_type_is_not_allowed(db, settings):
    from cms.kernel.plugins import reset_plugin_manager

    settings.POS_LOAD_ENTRY_POINTS = False
    reset_plugin_manager()
    try:
        assert PortalHomePage.allowed_subpage_models() == [SubmissionPage]
        assert ExampleNoticePage.allowed_parent_page_models() == []
    finally:
        reset_plugin_manager()


@pytest.fixture
def page_editor(home):
    """A content editor as Wagtail knows one: a group with page permissions on the home."""
    group = Group.objects.create(name="Portal editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=home, permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename))
    user = factories.user("page-editor")
    user.groups.add(group)
    return user


def test_the_portal_home_offers_the_example_page_type(home, page_editor, client,
                                                      django_assert_max_num_queries):
    client.force_login(page_editor)
    with django_assert_max_num_queries(30):
        response = client.get(f"/admin/pages/{home.pk}/add_subpage/")
    page = response.content.decode()
    assert response.status_code == 200
    assert ADD_NOTICE.format(parent=home.pk) in page
    assert "/admin/pages/add/portal/submissionpage/" in page


def test_an_editor_creates_an_example_page_and_it_is_served(home, page_editor, client):
    client.force_login(page_editor)
    url = ADD_NOTICE.format(parent=home.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "title": "Объявление", "slug": "notice", "notice": "Приём закрыт 1 мая.",
        "action-publish": "action-publish",
    })
    assert response.status_code == 302
    notice = ExampleNoticePage.objects.child_of(home).get(slug="notice")
    assert notice.live

    served = client.get("/notice/")
    assert served.status_code == 200
    assert "Приём закрыт 1 мая." in served.content.decode()


def test_the_example_page_cannot_be_created_outside_the_portal_home(home, client):
    client.force_login(factories.user("root", is_staff=True, is_superuser=True))
    general = SubmissionPage.objects.child_of(home).get(slug="general")
    response = client.get(ADD_NOTICE.format(parent=general.pk))
    assert response.status_code in (302, 403)
