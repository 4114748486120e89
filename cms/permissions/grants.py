"""Where a role holds: django-guardian object permissions, written and read only here.

A staff membership (user, organisation, role) becomes one guardian grant: on the
organisation's region for region-wide roles (moderator, curator, region administrator),
on the organisation for coordinator, executor and head. The executor assigned to a message
also holds a grant on that message. Grants use guardian's direct-foreign-key models
(`cms.models.grants`), so queues join on indexed integer keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from guardian.shortcuts import assign_perm

from cms.models import (
    AppealUserObjectPermission,
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
)

from .groups import ROLE_GROUP_NAMES, ensure_role_group
from .pages import sync_editing_groups

REGION_PERMISSIONS = {
    Role.MODERATOR: "moderate_region",
    Role.CURATOR: "curate_region",
    Role.EDITOR: "administer_region",
}
ORGANISATION_PERMISSIONS = {
    Role.COORDINATOR: "coordinate_organisation",
    Role.EXECUTOR: "execute_organisation",
    Role.HEAD: "head_organisation",
}
APPEAL_EXECUTOR_PERMISSION = "execute_appeal"


def _wanted_grants(user) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    regions: set[tuple[int, str]] = set()
    organisations: set[tuple[int, str]] = set()
    memberships = StaffMembership.objects.filter(user=user).select_related("organisation")
    for membership in memberships:
        role = Role(membership.role)
        if role in REGION_PERMISSIONS:
            regions.add((membership.organisation.region_id, REGION_PERMISSIONS[role]))
        else:
            organisations.add((membership.organisation_id, ORGANISATION_PERMISSIONS[role]))
    return regions, organisations


def _sync(model, user, wanted: set[tuple[int, str]], codenames) -> None:
    held = {
        (row.content_object_id, row.permission.codename): row.pk
        for row in model.objects.filter(user=user, permission__codename__in=codenames)
        .select_related("permission")
    }
    stale = [pk for key, pk in held.items() if key not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    target_model = model._meta.get_field("content_object").related_model
    for object_id, codename in wanted - held.keys():
        assign_perm(codename, user, target_model.objects.get(pk=object_id))


def sync_user_grants(user) -> None:
    """Make the user's role grants match their memberships (idempotent).

    Called by `grant_role` and whenever a membership is saved or deleted, so a
    region administrator editing memberships in the admin moves the grants with them.
    """
    regions, organisations = _wanted_grants(user)
    _sync(RegionUserObjectPermission, user, regions, REGION_PERMISSIONS.values())
    _sync(OrganisationUserObjectPermission, user, organisations,
          ORGANISATION_PERMISSIONS.values())
    # Wagtail's page and collection permissions go to groups: the editor joins their
    # regions' editing groups (`cms.permissions.pages`), as the policy counts a role, only
    # while in the role's group too.
    is_editor = user.groups.filter(name=ROLE_GROUP_NAMES[Role.EDITOR]).exists()
    sync_editing_groups(user, [region_id for region_id, codename in regions
                               if is_editor and codename == REGION_PERMISSIONS[Role.EDITOR]])


def grant_executor(appeal, user) -> None:
    """Make `user` the one holder of the executor grant on `appeal`."""
    AppealUserObjectPermission.objects.filter(
        content_object=appeal, permission__codename=APPEAL_EXECUTOR_PERMISSION,
    ).exclude(user=user).delete()
    assign_perm(APPEAL_EXECUTOR_PERMISSION, user, appeal)


def revoke_executor(appeal) -> None:
    AppealUserObjectPermission.objects.filter(
        content_object=appeal, permission__codename=APPEAL_EXECUTOR_PERMISSION,
    ).delete()


# How a role's holders are listed: by name, as people read a list of staff.
HOLDER_ORDER = ("last_name", "first_name", "username")


def _held_grants(model, grants: dict[Role, str], roles: Iterable[Role],
                 place_ids: Iterable[int]) -> QuerySet | None:
    """The rows of `model` (a grant table) that make someone hold one of `roles` at
    `place_ids`: the grant, the role's group (a grant without it counts for nothing, as
    in the permission policy) and an active account. None when no role is of this kind."""
    roles = [Role(role) for role in roles if role in grants]
    if not roles:
        return None
    # One filter() call: the group join is shared, so each grant is paired with its
    # own role's group.
    held = reduce(or_, (Q(permission__codename=grants[role],
                          user__groups__name=ROLE_GROUP_NAMES[role]) for role in roles))
    return model.objects.filter(held, content_object_id__in=list(place_ids),
                                user__is_active=True)


def holders_by_place(roles: Iterable[Role], *, region_ids: Iterable[int] = (),
                     organisation_ids: Iterable[int] = ()
                     ) -> dict[tuple[int, Role], list]:
    """Who holds each of `roles` where: {(place id, role): [users by name]}.

    The place is the region for region-wide roles (moderator, curator, editor) and the
    organisation for the others. At most two queries, whatever the number of places
    (a batch of deadline warnings); `role_holders` reads the same rule for one place.
    """
    roles = list(roles)
    found: dict[tuple[int, Role], list] = defaultdict(list)
    for model, grants, place_ids in (
        (RegionUserObjectPermission, REGION_PERMISSIONS, list(region_ids)),
        (OrganisationUserObjectPermission, ORGANISATION_PERMISSIONS, list(organisation_ids)),
    ):
        rows = _held_grants(model, grants, roles, place_ids) if place_ids else None
        if rows is None:
            continue
        role_of = {codename: role for role, codename in grants.items()}
        rows = (rows.select_related("user", "permission")
                .order_by(*(f"user__{name}" for name in HOLDER_ORDER), "pk"))
        for row in rows:
            found[(row.content_object_id, role_of[row.permission.codename])].append(
                row.user)
    return dict(found)


def role_holders(role: Role, *, region=None, organisation=None) -> QuerySet:
    """Active users holding `role` (its group and its grant) at a region or organisation,
    as a queryset (forms narrow it); the same rule as `holders_by_place`."""
    role = Role(role)
    if role in REGION_PERMISSIONS:
        held = _held_grants(RegionUserObjectPermission, REGION_PERMISSIONS, [role], [
            region.pk if region is not None else organisation.region_id])
    else:
        held = _held_grants(OrganisationUserObjectPermission, ORGANISATION_PERMISSIONS,
                            [role], [organisation.pk])
    return (get_user_model().objects.filter(pk__in=held.values("user_id"))
            .order_by(*HOLDER_ORDER))


def roles_follow_memberships(user, roles: Iterable[Role]) -> None:
    """The one rule of who holds a role: `user` is in the group of each of `roles` while
    a membership of that role remains, and out of it once none does; then the grants
    follow the memberships (`sync_user_grants`).

    `grant_role` and `revoke_role` end here, and so does the admin's staff memberships
    editor (a membership created, edited or deleted there), so a membership gives or
    withdraws the role the same way wherever it is made.
    """
    roles = {Role(role) for role in roles}
    held = set(StaffMembership.objects.filter(user=user, role__in=roles)
               .values_list("role", flat=True))
    wanted = [ensure_role_group(role) for role in roles if role in held]
    if wanted:
        user.groups.add(*wanted)
    unwanted = [ROLE_GROUP_NAMES[role] for role in roles if role not in held]
    if unwanted:
        user.groups.remove(*user.groups.filter(name__in=unwanted))
    sync_user_grants(user)


def grant_role(user, organisation, role: Role) -> tuple[StaffMembership, bool]:
    """Give `user` `role` at `organisation`: the membership, the role's group and the
    object permission on the organisation (or, for region-wide roles, on its region)."""
    membership, created = StaffMembership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    roles_follow_memberships(user, [role])
    return membership, created


def revoke_role(user, organisation, role: Role) -> bool:
    """Take `role` at `organisation` from `user`: the membership and its grant, and the
    role's group unless another membership of the role still needs it. Whether there
    was such a membership."""
    deleted, _rows = StaffMembership.objects.filter(
        user=user, organisation=organisation, role=role).delete()
    roles_follow_memberships(user, [role])
    return bool(deleted)
