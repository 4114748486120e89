"""The message page's remembered choices (issue 17) seeing a change on the very next
request, in a worker that did not make it: the rejection reasons of the moderator's
rejection form and the subcategories of the change-category form, both kept per region
version (`cms.submission.region_cache`), changed in the admin or by `load_region`; the
regions where a plugin runs, remembered by the admin shell (`cms.staff_admin.shell`).
A `load_region` of the demo folder bumps the region through other rows it saves too:
the admin tests are the ones that prove a rejection reason's own bump.

`another_worker` (see test_cache_invalidation_load_region) puts back what the process
held before the change.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms.models import RejectionReason, Status, Subcategory
from cms.staff_admin import shell
from tests.perf.test_cache_invalidation_admin import (
    SUBCATEGORY_FIELDS,
    admin_client,  # noqa: F401  (a fixture)
    admin_post,
    as_posted,
    edit_url,
)
from tests.perf.test_cache_invalidation_load_region import entry, load, page
from tests.perf.test_submit_path import demo_folder, rewrite  # noqa: F401  (a fixture)
from tests.workflow.builders import demo_staff, message

REASON_FIELDS = ["region", "title", "needs_reference", "position", "is_active"]


@pytest.fixture
def moderators_page(client, demo) -> str:
    """A message on moderation, opened once by the moderator (the forms' choices are
    remembered); returns its URL."""
    appeal = message(Status.ON_MODERATION, "cur")
    client.force_login(demo_staff()["moderator"])
    url = f"/admin/messages/{appeal.pk}/"
    page(client, url)
    return url


def reason_edit_url(reason) -> str:
    return f"/admin/oversight/rejection-reasons/edit/{reason.pk}/"


def test_a_rejection_reason_reworded_in_the_admin_is_offered_next(
        client, demo, moderators_page, admin_client):  # noqa: F811
    reason = RejectionReason.objects.get(region=demo, code="not_a_problem")
    assert f">{reason.title}<" in page(client, moderators_page)
    admin_post(admin_client, reason_edit_url(reason),
               as_posted(reason, REASON_FIELDS, title="Проблемы нет вовсе"))
    assert RejectionReason.objects.get(pk=reason.pk).title == "Проблемы нет вовсе"
    assert ">Проблемы нет вовсе<" in page(client, moderators_page)


def test_a_rejection_reason_retired_in_the_admin_is_no_longer_offered(
        client, demo, moderators_page, admin_client):  # noqa: F811
    reason = RejectionReason.objects.get(region=demo, code="obscene")
    assert f">{reason.title}<" in page(client, moderators_page)
    admin_post(admin_client, reason_edit_url(reason),
               as_posted(reason, REASON_FIELDS, is_active=False))
    assert f">{reason.title}<" not in page(client, moderators_page)


def test_a_rejection_reason_added_by_load_region_is_offered_next(
        client, demo, moderators_page, demo_folder):  # noqa: F811
    assert "Сообщение уже решено" not in page(client, moderators_page)
    rewrite(demo_folder, "rejection_reasons.json", lambda data: data.append({
        "code": None, "title": "Сообщение уже решено", "needs_reference": False,
        "position": 9, "is_active": True}))
    load(demo_folder)
    assert ">Сообщение уже решено<" in page(client, moderators_page)


def test_a_rejection_reason_reworded_by_load_region_is_offered_next(
        client, demo, moderators_page, demo_folder):  # noqa: F811
    rewrite(demo_folder, "rejection_reasons.json", lambda data: entry(
        data, code="not_a_problem").update(title="Проблемы не найдено"))
    load(demo_folder)
    assert ">Проблемы не найдено<" in page(client, moderators_page)


def test_a_subcategory_renamed_in_the_admin_is_offered_next(
        client, moderators_page, admin_client):  # noqa: F811
    sub = Subcategory.objects.order_by("pk").last()
    assert f">{sub.code} {sub.name}<" in page(client, moderators_page)
    admin_post(admin_client, edit_url(Subcategory, sub.pk),
               as_posted(sub, SUBCATEGORY_FIELDS, name="Переименованная подкатегория"))
    assert f">{sub.code} Переименованная подкатегория<" in page(client, moderators_page)


def test_a_plugin_switched_off_by_load_region_leaves_the_shells_plugin_regions(
        demo, demo_folder):  # noqa: F811
    """`shell.plugin_region_ids` (for a plugin queue's menu count, instead of reading
    every region's switches on each page): the next request's user (its shell state
    is read afresh) no longer finds the region."""
    curator = demo_staff()["curator"]
    assert demo.pk in shell.plugin_region_ids(curator, "rating")
    rewrite(demo_folder, "region.json", lambda data: data.update(
        disabled_plugins=["rating"]))
    load(demo_folder)
    next_request_user = get_user_model().objects.get(pk=curator.pk)
    assert demo.pk not in shell.plugin_region_ids(next_request_user, "rating")
    assert demo.pk in shell.plugin_region_ids(next_request_user, "fasttrack")
