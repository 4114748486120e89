"""Editors own their region's pages: Wagtail's page and collection permissions, per region.

Wagtail gives page and collection permissions to groups, never to users, so each region
with a portal has one editing group ("Редакторы: <code>") holding

- add, change, publish, lock and unlock on the region's portal subtree (its site's root
  page and everything under it), and nothing on any other page;
- add, change and choose of images and documents in the region's collection.

Who is in the group follows the editor grants (`cms.permissions.grants`): whoever holds the
editor role on the region, and nobody else. `grant_region_editing` sets the group up when
the region's portal exists (the region loader calls it); `sync_editing_groups` moves one
user's membership whenever their grants change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from cms.models import Region

# Group names are stable keys (shown in the admin's user editor), so not translated; the
# region's code follows, which is fixed once the region exists.
EDITING_GROUP_PREFIX = "Редакторы: "

# Wagtail's page permission types (wagtail.models.PAGE_PERMISSION_TYPES) an editor holds on
# their subtree. Not "bulk_delete": a portal's pages are named by messages and widgets.
PAGE_PERMISSION_TYPES = ("add", "change", "publish", "lock", "unlock")

# (app_label, codename) of the collection permissions an editor holds on their collection.
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def editing_group_name(region: Region) -> str:
    return f"{EDITING_GROUP_PREFIX}{region.code}"


def _page_permissions() -> list[Permission]:
    return list(Permission.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page",
        codename__in=[f"{kind}_page" for kind in PAGE_PERMISSION_TYPES]))


def _collection_permissions() -> list[Permission]:
    wanted = set(COLLECTION_PERMISSIONS)
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in wanted},
        codename__in={codename for _app, codename in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def region_collection(region: Region, group: Group | None = None) -> Collection:
    """The region's images and documents collection: the one its editing group holds
    permissions on (so a renamed collection stays the region's), else a child of the root
    collection named after the region, created when missing."""
    if group is not None:
        held = (GroupCollectionPermission.objects.filter(group=group)
                .select_related("collection").first())
        if held is not None:
            return held.collection
    # Wagtail's migration makes the root collection; a flushed database has none.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    found = root.get_children().filter(name=region.name).first()
    return found or root.add_child(instance=Collection(name=region.name))


def region_editors(region: Region):
    """The active users who hold the editor role on `region` (group and grant)."""
    from cms.models import Role

    from .grants import role_holders

    return role_holders(Role.EDITOR, region=region)


@transaction.atomic
def grant_region_editing(region: Region) -> Group | None:
    """Give the region's editors their portal subtree and collection (idempotent).

    Returns the editing group, or None while the region has no site with a root page
    (called again once the portal exists). Page permissions anywhere else that the group
    was given by hand are removed: the group holds exactly its own region's subtree.
    """
    site = region.site
    if site is None or site.root_page_id is None:
        return None
    group, _created = Group.objects.get_or_create(name=editing_group_name(region))
    access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                    codename="access_admin")
    if not group.permissions.filter(pk=access.pk).exists():
        group.permissions.add(access)

    pages = GroupPagePermission.objects.filter(group=group)
    pages.exclude(page_id=site.root_page_id).delete()
    held = set(pages.values_list("permission_id", flat=True))
    for permission in _page_permissions():
        if permission.pk not in held:
            GroupPagePermission.objects.create(group=group, page_id=site.root_page_id,
                                               permission=permission)

    collection = region_collection(region, group)
    collections = GroupCollectionPermission.objects.filter(group=group)
    collections.exclude(collection=collection).delete()
    held = set(collections.values_list("permission_id", flat=True))
    for permission in _collection_permissions():
        if permission.pk not in held:
            GroupCollectionPermission.objects.create(group=group, collection=collection,
                                                     permission=permission)

    editors = set(region_editors(region).values_list("pk", flat=True))
    members = set(group.user_set.values_list("pk", flat=True))
    if editors - members:
        group.user_set.add(*(editors - members))
    if members - editors:
        group.user_set.remove(*(members - editors))
    return group


def sync_editing_groups(user, edited_region_ids: Iterable[int]) -> None:
    """Put `user` in the editing groups of the regions they edit, and out of the others
    (only groups that exist: a region without a portal has none yet)."""
    codes = set(Region.objects.filter(pk__in=list(edited_region_ids))
                .values_list("code", flat=True))
    wanted = {f"{EDITING_GROUP_PREFIX}{code}" for code in codes}
    held = {group.name: group for group in
            user.groups.filter(name__startswith=EDITING_GROUP_PREFIX)}
    stale = [group for name, group in held.items() if name not in wanted]
    if stale:
        user.groups.remove(*stale)
    missing = Group.objects.filter(name__in=wanted - held.keys())
    if missing:
        user.groups.add(*missing)
