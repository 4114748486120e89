"""Where a role holds: django-guardian object permissions, written and read only here.

A staff membership (user, organisation, role) becomes one guardian grant: on the
organisation's region for region-wide roles (moderator, curator, region administrator),
on the organisation for coordinator, executor and head. The executor assigned to a message
also holds a grant on that message. Grants use guardian's direct-foreign-key models
(`cms.models.grants`), so queues join on indexed integer keys.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from cms.models import (
    AppealUserObjectPermission,
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
)

from .groups import ROLE_GROUP_NAMES, ensure_role_group

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


def role_holders(role: Role, *, region=None, organisation=None):
    """Active users holding `role` (its group and its grant) at a region or organisation."""
    role = Role(role)
    users = get_user_model().objects.filter(is_active=True, groups__name=ROLE_GROUP_NAMES[role])
    if role in REGION_PERMISSIONS:
        region_id = region.pk if region is not None else organisation.region_id
        users = users.filter(
            regionuserobjectpermission__content_object_id=region_id,
            regionuserobjectpermission__permission__codename=REGION_PERMISSIONS[role],
        )
    else:
        users = users.filter(
            organisationuserobjectpermission__content_object_id=organisation.pk,
            organisationuserobjectpermission__permission__codename=(
                ORGANISATION_PERMISSIONS[role]
            ),
        )
    return users.distinct().order_by("last_name", "first_name", "username")


def grant_role(user, organisation, role: Role) -> tuple[StaffMembership, bool]:
    """Give `user` `role` at `organisation`: the membership, the role's group and the
    object permission on the organisation (or, for region-wide roles, on its region)."""
    membership, created = StaffMembership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    user.groups.add(ensure_role_group(Role(role)))
    sync_user_grants(user)
    return membership, created
