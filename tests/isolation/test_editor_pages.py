"""Editors own their region's pages (issue 14, point 4): Wagtail page permissions on their
portal's subtree, collection permissions on their region's collection, nothing outside,
and the editing group's members follow the editor grants."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.permissions import policy_registry

from cms.models import Role, StaffMembership
from cms.permissions.pages import (
    PAGE_PERMISSION_TYPES,
    editing_group_name,
    grant_region_editing,
    region_collection,
    region_editors,
)
from tests import two_regions

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(demo):
    second = two_regions.second_region()
    portals = {demo.code: two_regions.portal(demo, "localhost"),
               second.code: two_regions.portal(second, "second.localhost")}
    demo.refresh_from_db()
    second.refresh_from_db()
    editors = {demo.code: two_regions.staff(demo, Role.EDITOR),
               second.code: two_regions.staff(second, Role.EDITOR)}
    return demo, second, portals, editors


def test_each_editor_edits_and_publishes_only_their_regions_pages(regions):
    demo, second, portals, editors = regions
    for region, other in ((demo, second), (second, demo)):
        editor = editors[region.code]
        own, foreign = portals[region.code], portals[other.code]
        for page in (own.home, own.general):
            permissions = page.permissions_for_user(editor)
            assert permissions.can_edit() and permissions.can_publish()
        assert own.home.permissions_for_user(editor).can_add_subpage()
        for page in (foreign.home, foreign.general):
            permissions = page.permissions_for_user(editor)
            assert not permissions.can_edit()
            assert not permissions.can_publish()
            assert not permissions.can_add_subpage()


def test_each_editor_holds_only_their_regions_collection(regions):
    demo, second, _portals, editors = regions
    for region, other in ((demo, second), (second, demo)):
        editor = editors[region.code]
        own = region_collection(region, Group.objects.get(name=editing_group_name(region)))
        foreign = region_collection(other, Group.objects.get(name=editing_group_name(other)))
        assert own != foreign
        for policy in (policy_registry.get_by_type(get_image_model()),
                       policy_registry.get_by_type(get_document_model())):
            for action in ("add", "choose"):
                allowed = set(policy.collections_user_has_permission_for(editor, action))
                assert allowed == {own}, (policy, action)


def test_granting_again_changes_nothing_and_strays_are_removed(regions):
    demo, second, portals, _editors = regions
    group = grant_region_editing(demo)
    pages = set(GroupPagePermission.objects.filter(group=group)
                .values_list("page_id", "permission__codename"))
    collections = set(GroupCollectionPermission.objects.filter(group=group)
                      .values_list("collection_id", "permission__codename"))
    assert pages == {(portals[demo.code].home.pk, f"{kind}_page")
                     for kind in PAGE_PERMISSION_TYPES}
    assert len(collections) == 6
    # A permission someone gave the group by hand on the other region's portal goes.
    GroupPagePermission.objects.create(group=group, page=portals[second.code].home,
                                       permission_type="change")
    assert grant_region_editing(demo) == group
    assert set(GroupPagePermission.objects.filter(group=group)
               .values_list("page_id", "permission__codename")) == pages
    assert set(GroupCollectionPermission.objects.filter(group=group)
               .values_list("collection_id", "permission__codename")) == collections


def test_the_editing_group_follows_the_editor_grant(regions):
    demo, second, portals, editors = regions
    editor = editors[demo.code]
    group_a = Group.objects.get(name=editing_group_name(demo))
    group_b = Group.objects.get(name=editing_group_name(second))
    assert set(group_a.user_set.all()) == set(region_editors(demo))
    assert editor in group_a.user_set.all()
    assert editors[second.code] not in group_a.user_set.all()
    # Given the role in B too, the editor edits both portals...
    two_regions.staff(second, Role.EDITOR, username=editor.username)
    assert editor in group_b.user_set.all()
    assert portals[second.code].general.permissions_for_user(editor).can_edit()
    # ...and without the membership in A, no longer A's.
    StaffMembership.objects.get(user=editor, organisation__region=demo).delete()
    assert editor not in group_a.user_set.all()
    editor = get_user_model().objects.get(pk=editor.pk)  # Wagtail remembers per object
    assert not portals[demo.code].general.permissions_for_user(editor).can_edit()


def test_a_region_without_a_portal_gets_no_group_until_it_has_one(demo):
    second = two_regions.second_region()
    assert second.site is None
    assert grant_region_editing(second) is None
    editor = two_regions.staff(second, Role.EDITOR)
    assert not Group.objects.filter(name=editing_group_name(second)).exists()
    portal = two_regions.portal(second, "second.localhost")  # the region's site is saved
    assert editor in Group.objects.get(name=editing_group_name(second)).user_set.all()
    assert portal.general.permissions_for_user(editor).can_publish()


def test_the_admin_opens_the_editor_only_their_regions_page_editor(regions, client):
    demo, second, portals, editors = regions
    client.force_login(editors[demo.code])
    own = client.get(f"/admin/pages/{portals[demo.code].general.pk}/edit/")
    assert own.status_code == 200
    foreign = client.get(f"/admin/pages/{portals[second.code].general.pk}/edit/",
                         follow=True)
    assert foreign.redirect_chain, "the other region's page editor must refuse"
    assert portals[second.code].general.title not in foreign.content.decode()
    explorer = client.get(f"/admin/pages/{portals[second.code].home.pk}/")
    assert explorer.status_code in (302, 403, 404)
