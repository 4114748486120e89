"""The admin is the platform's, not the CMS's: its name in every title and on the login
page, no Wagtail logo or "what's new", no update check, no avatars from gravatar
(findings 11 and 13 of issue 11)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.workflow.builders import demo_staff

PAGES = ("/admin/", "/admin/queues/moderation/", "/admin/account/")


@pytest.fixture
def moderator(demo):
    return demo_staff()["moderator"]


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S)[1].strip()


def test_every_admin_page_is_titled_with_the_platform_and_the_region(client, demo,
                                                                    moderator):
    client.force_login(moderator)
    for url in PAGES:
        page = client.get(url).content.decode()
        assert title(page).endswith(f"ПОС · {demo.name}"), url
        assert "Wagtail" not in title(page)


def test_a_superuser_of_every_region_sees_the_platform_s_name(client, demo):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    assert title(client.get("/admin/").content.decode()).endswith("- ПОС")


def test_the_login_page_names_the_platform(client, db):
    page = client.get("/admin/login/").content.decode()
    assert title(page).endswith("- ПОС")
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)[1]
    assert "ПОС" in heading and "Wagtail" not in heading
    assert "icon-wagtail" not in page  # the CMS's logo


def test_the_sidebar_shows_the_platform_s_mark_not_wagtail_s_logo(client, moderator):
    client.force_login(moderator)
    page = client.get("/admin/").content.decode()
    logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>",
                     page, re.S)[1]
    assert "pos-brand-mark" in logo and "ПОС" in logo


def test_no_what_s_new_and_no_update_check(client, moderator, settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    client.force_login(moderator)
    page = client.get("/admin/").content.decode()
    assert "whats-new-in-wagtail" not in page
    assert "editor-guide" not in page
    assert "w-upgrade" not in page  # the update check's script hook
    assert "releases.wagtail" not in page and "wagtail.org" not in page


def test_no_page_asks_gravatar_for_an_avatar(client, moderator):
    client.force_login(moderator)
    for url in PAGES:
        page = client.get(url).content.decode()
        assert "gravatar" not in page, url
