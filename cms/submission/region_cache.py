"""A region's reference data kept in each process, valid while its version holds.

The submit path reads the same things for every message of a region: the page's
categories and questions, the territories, the routing rules, the fast-track settings
and calendar, the moderators. They change rarely, through the admin or `load_region`.
Each such change bumps `Region.config_version` in the writer's own transaction (the
receivers below and the plugins' own); a request reads the version with the region it
loads anyway, and `region_cached` recomputes a value the first time it is asked for at a
new version. No shared cache is needed: every gunicorn worker sees the new version on its
next request.

A write that bypasses the models' signals (a raw UPDATE, `bulk_create`, `QuerySet.update`)
must call `bump_region_version` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from cms.models import (
    Category,
    Organisation,
    Region,
    RejectionReason,
    StaffMembership,
    Subcategory,
    Territory,
)

T = TypeVar("T")
SEQUENCE = "cms_region_config_version_seq"

# region pk -> (version, {name: value}); one version per region, the newest asked for.
_memo: dict[int, tuple[int, dict[str, object]]] = {}
# region pk -> (version, transaction): the regions this process bumped in a transaction
# that may still be open (see `region_cached`).
_bumped: dict[int, tuple[int, object]] = {}


def _transaction():
    """The open transaction, named by its outermost atomic block (None in autocommit)."""
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def region_cached(region, name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per process for the region's current `config_version`.

    A region object without a loaded version (deferred, or not saved) is not cached,
    nor is a copy read before this process's own transaction changed the region: what
    it would keep under the old version could be rolled back with that transaction."""
    version = region.__dict__.get("config_version") if region is not None else None
    if version is None or region.pk is None:
        return compute()
    bumped = _bumped.get(region.pk)
    if bumped is not None:
        bumped_to, transaction = bumped
        if transaction is None or transaction is not _transaction():
            del _bumped[region.pk]  # that transaction is over, committed or not
        elif version != bumped_to:
            return compute()
    held = _memo.get(region.pk)
    if held is None or held[0] != version:
        held = (version, {})
        _memo[region.pk] = held
    values = held[1]
    if name not in values:
        values[name] = compute()
    return values[name]  # type: ignore[return-value]


def clear() -> None:
    """Forget everything (tests that rebuild the database)."""
    _memo.clear()
    _bumped.clear()


def bump_region_version(region_ids: Iterable[int] | None = None) -> None:
    """Give the regions (all when None) a new version, in the current transaction."""
    ids = None if region_ids is None else sorted({pk for pk in region_ids if pk})
    if ids == []:
        return
    table = connection.ops.quote_name(Region._meta.db_table)
    where, params = ("", []) if ids is None else (
        f"WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
    if connection.vendor == "postgresql":
        # Rows locked in one order (by id): two bumps of overlapping regions queue
        # instead of deadlocking.
        sql = (f"UPDATE {table} SET config_version = nextval('{SEQUENCE}') WHERE id IN "
               f"(SELECT id FROM {table} {where} ORDER BY id FOR UPDATE) "
               f"RETURNING id, config_version")
    else:
        sql = (f"UPDATE {table} SET config_version = "
               f"(SELECT COALESCE(MAX(config_version), 0) + 1 FROM {table}) {where} "
               f"RETURNING id, config_version")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # This process knows at once: its own next read needs no new version to see it.
    transaction = _transaction()
    for pk, version in rows:
        _memo.pop(pk, None)
        _bumped[pk] = (version, transaction)


def bump_on_change(model, region_ids: Callable[[object], Iterable[int] | None],
                   uid: str) -> None:
    """Bump the regions `region_ids(instance)` names (all when None) whenever an
    instance of `model` is saved or deleted."""

    def receiver(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return
        bump_region_version(region_ids(instance))

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def _one(pk):
    return [pk] if pk else []


def _staff_regions(user) -> list[int]:
    """The regions whose cached moderators `user` may be among."""
    from cms.models.grants import RegionUserObjectPermission

    regions = set(RegionUserObjectPermission.objects.filter(user=user)
                  .values_list("content_object_id", flat=True))
    regions.update(StaffMembership.objects.filter(user=user)
                   .values_list("organisation__region_id", flat=True))
    return list(regions)


def _user_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    # A login only moves last_login: no region's data changes.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    bump_region_version(_staff_regions(instance))


def _user_deleted(sender, instance, **kwargs):
    # Its grants went with it (CASCADE): which regions it served is no longer known.
    bump_region_version(None)


def _groups_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        if isinstance(instance, get_user_model()):
            bump_region_version(_staff_regions(instance))
        else:
            bump_region_version(None)


def _hidden_categories_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_region_version(_one(instance.pk) if isinstance(instance, Region) else None)


def connect() -> None:
    """Connect the core's invalidations (SubmissionsConfig.ready)."""
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.models.grants import RegionUserObjectPermission
    from cms.portal.models import SubmissionPageField

    bump_on_change(Region, lambda region: _one(region.pk), "region-cache-region")
    # The classifier and the page tree are shared: every region's cache goes.
    for model in (Category, Subcategory, Site, Page, PageViewRestriction):
        bump_on_change(model, lambda instance: None, f"region-cache-{model._meta.label}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(lambda sender, **kwargs: bump_region_version(None), weak=False,
                       dispatch_uid=f"region-cache-{signal}")
    bump_on_change(SubmissionPageField, lambda field: None, "region-cache-page-field")
    bump_on_change(Territory, lambda place: _one(place.region_id), "region-cache-territory")
    bump_on_change(Organisation, lambda org: _one(org.region_id), "region-cache-organisation")
    bump_on_change(RejectionReason, lambda reason: _one(reason.region_id),
                   "region-cache-rejection-reason")
    bump_on_change(StaffMembership, lambda member: _one(member.organisation.region_id)
                   if member.organisation_id else [], "region-cache-membership")
    bump_on_change(RegionUserObjectPermission, lambda grant: _one(grant.content_object_id),
                   "region-cache-region-grant")
    user = get_user_model()
    post_save.connect(_user_changed, sender=user, dispatch_uid="region-cache-user-save")
    post_delete.connect(_user_deleted, sender=user, dispatch_uid="region-cache-user-delete")
    m2m_changed.connect(_groups_changed, sender=user.groups.through,
                        dispatch_uid="region-cache-user-groups")
    m2m_changed.connect(_hidden_categories_changed, sender=Region.hidden_categories.through,
                        dispatch_uid="region-cache-hidden-categories")
