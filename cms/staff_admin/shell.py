"""What every admin page of a role reads, remembered per process (issue 17).

The admin's shell (its menu, whom it shows what, its name) and the queues' filter lists
are the same for every request of a role: the user's groups decide the menu's
permissions, their regions the territories and organisations offered. Each request
asks one question (`state`): the version of the remembered data (`ShellVersion`),
the user's groups and the user's regions, in one statement. What was remembered under
that version, for those groups or regions, is answered from this process's memory.

Invalidation is explicit: every change to what is remembered (a group or its
permissions, page or collection permissions, a page or collection, a locale, a region,
territory, organisation or category, through the admin, `load_region` or anything
else that saves the models) bumps the version in the change's own transaction
(`connect_invalidation`). Each process compares the version on its next request and
forgets what it had, so a change is seen by the very next request in every worker,
without a shared cache.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from cms.models import (
    Category,
    Organisation,
    OrganisationUserObjectPermission,
    Region,
    RegionUserObjectPermission,
    Territory,
)
from cms.permissions import policy
from cms.permissions.grants import ORGANISATION_PERMISSIONS, REGION_PERMISSIONS

from .models import ShellVersion

# --- the one question per request ------------------------------------------------------


@dataclass(frozen=True)
class ShellState:
    """One request's answer: the version, the user's groups and regions (sorted), the
    permissions given to the user directly ("app_label.codename") and their object grants
    on regions and organisations."""

    version: int
    group_ids: tuple[int, ...]
    region_ids: tuple[int, ...]
    own_permissions: frozenset[str] = frozenset()
    grants: frozenset[tuple[str, int]] = frozenset()  # (codename, region or organisation id)


def _state_sql() -> str:
    quote = connection.ops.quote_name
    user_groups = Group.user_set.through._meta.db_table
    user_permissions = Permission.user_set.through._meta.db_table
    return (
        # Typed NULLs in the first branch: PostgreSQL types a UNION's columns from it.
        f"SELECT 'v', {quote('value')}, CAST(NULL AS VARCHAR(255)), CAST(NULL AS BIGINT) "
        f"FROM {quote(ShellVersion._meta.db_table)} "
        f"WHERE {quote('id')} = 1 "
        f"UNION ALL SELECT 'g', {quote('group_id')}, NULL, NULL FROM {quote(user_groups)} "
        f"WHERE {quote('user_id')} = %s "
        # The user's grants (what `cms.permissions.policy` reads for the queues' scopes):
        # on regions, and on organisations with the organisation's region.
        f"UNION ALL SELECT 'r', g.{quote('content_object_id')}, perm.{quote('codename')}, NULL "
        f"FROM {quote(RegionUserObjectPermission._meta.db_table)} g "
        f"JOIN {quote(Permission._meta.db_table)} perm "
        f"ON perm.{quote('id')} = g.{quote('permission_id')} WHERE g.{quote('user_id')} = %s "
        f"UNION ALL SELECT 'o', g.{quote('content_object_id')}, perm.{quote('codename')}, "
        f"o.{quote('region_id')} "
        f"FROM {quote(OrganisationUserObjectPermission._meta.db_table)} g "
        f"JOIN {quote(Organisation._meta.db_table)} o "
        f"ON o.{quote('id')} = g.{quote('content_object_id')} "
        f"JOIN {quote(Permission._meta.db_table)} perm "
        f"ON perm.{quote('id')} = g.{quote('permission_id')} WHERE g.{quote('user_id')} = %s "
        # The user's own permissions (Django's ModelBackend would ask them on every
        # admin request): read fresh here, never remembered.
        f"UNION ALL SELECT 'p', NULL, ct.{quote('app_label')} || '.' || perm.{quote('codename')}, "
        f"NULL "
        f"FROM {quote(user_permissions)} up "
        f"JOIN {quote(Permission._meta.db_table)} perm ON perm.{quote('id')} = up.{quote('permission_id')} "
        f"JOIN {quote(ContentType._meta.db_table)} ct ON ct.{quote('id')} = perm.{quote('content_type_id')} "
        f"WHERE up.{quote('user_id')} = %s")


def state(user) -> ShellState:
    """The version and the user's groups, regions and own permissions: one statement,
    once per request (remembered on the user object, which lives as long as the request)."""
    remembered = user.__dict__.get("_pos_shell")
    if remembered is not None:
        return remembered
    version, groups, regions, permissions, grants = 0, set(), set(), set(), set()
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [user.pk] * 4)
        for kind, number, text, region_id in cursor.fetchall():
            if kind == "v":
                version = number
            elif kind == "g":
                groups.add(number)
            elif kind == "p":
                permissions.add(text)
            else:
                regions.add(number if kind == "r" else region_id)
                grants.add((text, number))
    found = ShellState(version, tuple(sorted(groups)), tuple(sorted(regions)),
                       frozenset(permissions), frozenset(grants))
    user.__dict__["_pos_shell"] = found
    return found


def is_staff_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# --- what this process remembers ---------------------------------------------------------


# Enough for every role and region of an installation, and the filter panels of their
# common query strings.
MAX_ENTRIES = 2000
_lock = threading.Lock()
_memory: dict[str, Any] = {"version": None, "entries": {}}


def remembered(current: ShellState, name: str, key, compute: Callable[[], Any]):
    """`compute()` once per version, `name` and `key` in this process."""
    with _lock:
        if _memory["version"] != current.version:
            _memory["version"] = current.version
            _memory["entries"] = {}
        entries = _memory["entries"]
        if (name, key) in entries:
            return entries[(name, key)]
    value = compute()
    with _lock:
        if _memory["version"] == current.version:
            if len(_memory["entries"]) >= MAX_ENTRIES:  # many query strings: start over
                _memory["entries"] = {}
            _memory["entries"][(name, key)] = value
    return value


def forget_everything() -> None:
    """For tests that change the database behind the version's back (a flush)."""
    with _lock:
        _memory["version"] = None
        _memory["entries"] = {}


# --- what is remembered ----------------------------------------------------------------


def _role_names(current: ShellState) -> tuple[str, ...]:
    return remembered(current, "group-names", current.group_ids, lambda: tuple(
        Group.objects.filter(pk__in=current.group_ids).values_list("name", flat=True)))


def _group_permissions(current: ShellState) -> frozenset[str]:
    def read():
        rows = (Permission.objects.filter(group__id__in=current.group_ids)
                .values_list("content_type__app_label", "codename").order_by())
        return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)

    return remembered(current, "group-permissions", current.group_ids, read)


def _profile(current: ShellState, user_id: int):
    from wagtail.users.models import UserProfile

    return remembered(current, "profile", user_id,
                      lambda: UserProfile.objects.filter(user_id=user_id).first())


def _page_permissions(current: ShellState) -> list:
    from wagtail.models import GroupPagePermission

    return remembered(current, "page-permissions", current.group_ids, lambda: list(
        GroupPagePermission.objects.filter(group_id__in=current.group_ids)
        .select_related("page", "permission").order_by("pk")))


def _collection_permissions(current: ShellState) -> list:
    from wagtail.models import GroupCollectionPermission

    return remembered(current, "collection-permissions", current.group_ids, lambda: list(
        GroupCollectionPermission.objects.filter(group_id__in=current.group_ids)
        .select_related("permission", "collection").order_by("pk")))


def prime(user) -> None:
    """Give the request's user what the permission policy and Wagtail's permission
    policies would otherwise query: the user's roles (`cms.permissions.policy.user_roles`),
    their page and collection permissions (Wagtail's per-request caches on the user)."""
    if not is_staff_user(user) or user.__dict__.get("_pos_shell_primed"):
        return
    user.__dict__["_pos_shell_primed"] = True
    if user.is_superuser:  # every role and permission, without a query anyway
        return
    current = state(user)
    # The policy's per-request memory (its roles, the grants' ids), from the groups and
    # grants read with the state: the queues' scopes then cost no query of their own.
    granted = {role: sorted(pk for codename, pk in current.grants if codename == wanted)
               for role, wanted in (*REGION_PERMISSIONS.items(),
                                    *ORGANISATION_PERMISSIONS.items())}
    policy.prime(user, _role_names(current), granted)
    # Django's ModelBackend's caches (`has_perm`): the groups' permissions remembered, the
    # user's own read with the state.
    if not hasattr(user, "_perm_cache"):
        user._user_perm_cache = set(current.own_permissions)
        user._group_perm_cache = set(_group_permissions(current))
        user._perm_cache = user._user_perm_cache | user._group_perm_cache
    # Wagtail's profile (the admin's language, time zone, avatar): None when the user
    # has none, as the reverse accessor would find.
    fields_cache = user._state.fields_cache
    if "wagtail_userprofile" not in fields_cache:
        profile = _profile(current, user.pk)
        fields_cache["wagtail_userprofile"] = copy.copy(profile) if profile else None
    # Copies: a request may annotate the pages it reads; the next one gets them clean.
    if not hasattr(user, "_page_permission_cache"):
        user._page_permission_cache = copy.deepcopy(_page_permissions(current))
    if not hasattr(user, "_collection_permission_cache"):
        user._collection_permission_cache = copy.deepcopy(_collection_permissions(current))


def staff_region_ids(user) -> tuple[int, ...] | None:
    """The regions where the user holds any staff grant, as
    `cms.permissions.policy.staff_region_ids` answers (None for a superuser or a national
    operator: all)."""
    if user.is_superuser or policy.is_national_operator(user):
        return None
    return state(user).region_ids


def staff_region(user) -> Region | None:
    """The user's one region, or None with none or several (a superuser: every region)."""
    if not is_staff_user(user) or user.is_superuser:
        return None
    current = state(user)
    if len(current.region_ids) != 1:
        return None
    region_id = current.region_ids[0]
    return remembered(current, "region", region_id, lambda: Region.objects.only(
        "name", "name_en").filter(pk=region_id).first())


def territory_choices(user) -> tuple[tuple[int, int, str], ...]:
    """(pk, depth, name) of the territories of the user's regions, in tree order."""
    regions = staff_region_ids(user)
    current = state(user)

    def read():
        territories = Territory.objects.order_by("path")
        if regions is not None:
            territories = territories.filter(region_id__in=regions)
        return tuple(territories.values_list("pk", "depth", "name"))

    return remembered(current, "territories", regions, read)


def organisation_choices(user) -> tuple[tuple[int, str], ...]:
    """(pk, name) of the organisations of the user's regions, by name."""
    regions = staff_region_ids(user)
    current = state(user)

    def read():
        organisations = Organisation.objects.order_by("name")
        if regions is not None:
            organisations = organisations.filter(region_id__in=regions)
        return tuple((o.pk, str(o)) for o in organisations.only("name", "short_name"))

    return remembered(current, "organisations", regions, read)


def plugin_region_ids(user, plugin_name: str) -> tuple[int, ...]:
    """The regions where the plugin runs (`cms.kernel.plugins.enabled_region_ids`), for
    a plugin queue's menu count: remembered per version (a region's switches are saved
    with the region, which bumps it)."""
    from cms.kernel.plugins import enabled_region_ids

    return remembered(state(user), "plugin-regions", plugin_name,
                      lambda: tuple(enabled_region_ids(plugin_name)))


def locales(user) -> tuple:
    """Wagtail's locales, for the admin's script configuration on every page."""
    from wagtail.models import Locale

    if not is_staff_user(user):  # the login page
        return tuple(Locale.objects.all())
    return remembered(state(user), "locales", None, lambda: tuple(Locale.objects.all()))


def categories(user) -> tuple[Category, ...]:
    """The classifier's categories in their order (their names follow the language)."""
    return remembered(state(user), "categories", None,
                      lambda: tuple(Category.objects.order_by("position", "code")))


# --- invalidation ------------------------------------------------------------------------


def bump(**kwargs) -> None:
    """A change the shell remembers: the next request of every process reads afresh.
    In the change's transaction, so no request sees the new version before the change."""
    if kwargs.get("raw"):  # fixtures load rows as they are; the version row with them
        return
    if not ShellVersion.objects.filter(pk=1).update(value=F("value") + 1):
        ShellVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def _bump_after_m2m(action, **kwargs) -> None:
    if action.startswith("post_"):
        bump(**kwargs)


def _bump_for_pages(sender, **kwargs) -> None:
    # Pages are saved as their own types (senders), so this one listens to every save.
    from wagtail.models import Page

    if issubclass(sender, Page):
        bump(**kwargs)


def connect_invalidation() -> None:
    """Called once at start-up (`StaffAdminConfig.ready`): every process, every command."""
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Locale,
    )
    from wagtail.signals import post_page_move
    from wagtail.users.models import UserProfile

    for model in (Group, Permission, GroupPagePermission, GroupCollectionPermission,
                  Collection, Locale, UserProfile, Region, Territory, Organisation, Category):
        uid = f"pos_shell_{model._meta.label_lower}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}_save", weak=False)
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}_delete", weak=False)
    post_save.connect(_bump_for_pages, dispatch_uid="pos_shell_page_save", weak=False)
    post_delete.connect(_bump_for_pages, dispatch_uid="pos_shell_page_delete", weak=False)
    post_page_move.connect(bump, dispatch_uid="pos_shell_page_moved", weak=False)
    m2m_changed.connect(_bump_after_m2m, sender=Group.permissions.through,
                        dispatch_uid="pos_shell_group_permissions", weak=False)


class AdminShellMiddleware:
    """Primes the admin's requests (`prime`) before Wagtail's access check asks the
    user's permissions and profile: below AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            from django.urls import reverse

            self.admin_prefix = reverse("wagtailadmin_home")
        if request.path_info.startswith(self.admin_prefix):
            prime(request.user)
        return self.get_response(request)
