"""A staff membership created, edited or deleted in the admin (the staff memberships
editor, a real POST to its views) gives or withdraws the role as `grant_role` does: the
role's group with the grant, so the account is offered and told where the role is.

A grant without the role's group holds nothing (the permission policy and
`role_holders` ask both), so a membership that brought only the grant left the account
with no role: not offered as an executor, not told as a moderator.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cms.models import (
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
    Status,
)
from cms.notifications.workflow import region_moderators
from cms.permissions.grants import grant_role, role_holders
from cms.permissions.groups import ROLE_GROUP_NAMES
from cms.regionconfig.loader import load_region_folder
from tests import factories
from tests.workflow.builders import demo_staff, fresh, message


@pytest.fixture(params=["editor", "superuser"])
def admin_client(request, demo) -> Client:
    """A region editor of the demo region, or a superuser, logged in to the admin."""
    if request.param == "editor":
        user = demo_staff()["editor"]
    else:
        user = factories.user("root", email="root@example.org", is_staff=True,
                              is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def newcomer(username="newcomer"):
    return factories.user(username, email=f"{username}@example.org",
                          first_name="Новенький", last_name="Сотрудник")


def in_group(user, role: Role) -> bool:
    return fresh(user).groups.filter(name=ROLE_GROUP_NAMES[role]).exists()


def posted(response) -> None:
    """The admin took the form (it redirects to the list), or say what it refused."""
    assert response.status_code == 302, response.context and (
        response.context.get("form") and response.context["form"].errors)


def create(client, user, organisation, role: Role) -> StaffMembership:
    posted(client.post(reverse("cms_staffmembership_modeladmin_create"), {
        "user": user.pk, "organisation": organisation.pk, "role": role.value}))
    return StaffMembership.objects.get(user=user, organisation=organisation, role=role)


def edit(client, membership, **changes) -> None:
    data = {"user": membership.user_id, "organisation": membership.organisation_id,
            "role": membership.role, **changes}
    posted(client.post(reverse("cms_staffmembership_modeladmin_edit",
                               args=(membership.pk,)), data))


def delete(client, membership) -> None:
    posted(client.post(reverse("cms_staffmembership_modeladmin_delete",
                               args=(membership.pk,))))
    assert not StaffMembership.objects.filter(pk=membership.pk).exists()


def offered_as_executor(client, appeal, user) -> bool:
    """Whether the message's page offers `user` to its coordinator as the executor."""
    response = client.get(f"/admin/messages/{appeal.pk}/")
    assert response.status_code == 200
    return user.get_full_name() in response.content.decode()


def test_an_executor_membership_created_in_the_admin_is_offered_as_executor(
        demo, admin_client):
    gorsk = factories.organisation("adm-gorsk")
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    coordinator = Client()
    coordinator.force_login(demo_staff()["coordinator"])
    user = newcomer()
    assert not offered_as_executor(coordinator, appeal, user)

    create(admin_client, user, gorsk, Role.EXECUTOR)

    assert in_group(user, Role.EXECUTOR)
    assert user in role_holders(Role.EXECUTOR, organisation=gorsk)
    assert offered_as_executor(coordinator, appeal, user)


def test_a_moderator_membership_created_in_the_admin_is_told_of_new_messages(
        demo, admin_client):
    user = newcomer()
    assert user not in region_moderators(demo)

    create(admin_client, user, factories.organisation("cur"), Role.MODERATOR)

    assert in_group(user, Role.MODERATOR)
    assert user in region_moderators(demo)


def test_a_role_changed_in_the_admin_moves_the_group_with_it(demo, admin_client):
    gorsk = factories.organisation("adm-gorsk")
    user = newcomer()
    membership = create(admin_client, user, gorsk, Role.EXECUTOR)

    edit(admin_client, membership, role=Role.COORDINATOR.value)

    assert in_group(user, Role.COORDINATOR)
    assert user in role_holders(Role.COORDINATOR, organisation=gorsk)
    assert not in_group(user, Role.EXECUTOR)  # no other membership needs it
    assert user not in role_holders(Role.EXECUTOR, organisation=gorsk)


def test_a_role_changed_in_the_admin_keeps_a_group_another_membership_needs(
        demo, admin_client):
    gorsk, uad = factories.organisation("adm-gorsk"), factories.organisation("uad")
    user = newcomer()
    grant_role(user, uad, Role.EXECUTOR)
    membership = create(admin_client, user, gorsk, Role.EXECUTOR)

    edit(admin_client, membership, role=Role.HEAD.value)

    assert in_group(user, Role.HEAD)
    assert user in role_holders(Role.HEAD, organisation=gorsk)
    assert in_group(user, Role.EXECUTOR)
    assert user in role_holders(Role.EXECUTOR, organisation=uad)
    assert user not in role_holders(Role.EXECUTOR, organisation=gorsk)


def test_an_account_changed_in_the_admin_gives_the_role_to_the_new_one(
        demo, admin_client):
    gorsk = factories.organisation("adm-gorsk")
    first, second = newcomer("first.one"), newcomer("second.one")
    membership = create(admin_client, first, gorsk, Role.EXECUTOR)

    edit(admin_client, membership, user=second.pk)

    assert in_group(second, Role.EXECUTOR)
    assert second in role_holders(Role.EXECUTOR, organisation=gorsk)
    assert not in_group(first, Role.EXECUTOR)
    assert first not in role_holders(Role.EXECUTOR, organisation=gorsk)


def test_a_membership_deleted_in_the_admin_withdraws_the_role(demo, admin_client):
    user = newcomer()
    membership = create(admin_client, user, factories.organisation("cur"),
                        Role.MODERATOR)
    assert user in region_moderators(demo)

    delete(admin_client, membership)

    assert not in_group(user, Role.MODERATOR)
    assert user not in region_moderators(demo)


def test_a_membership_deleted_in_the_admin_keeps_a_role_another_one_needs(
        demo, admin_client):
    gorsk, uad = factories.organisation("adm-gorsk"), factories.organisation("uad")
    user = newcomer()
    grant_role(user, uad, Role.EXECUTOR)
    membership = create(admin_client, user, gorsk, Role.EXECUTOR)

    delete(admin_client, membership)

    assert in_group(user, Role.EXECUTOR)
    assert user in role_holders(Role.EXECUTOR, organisation=uad)
    assert user not in role_holders(Role.EXECUTOR, organisation=gorsk)


def roles_held(region) -> set:
    """(username, role group, grant) for every account of the region's staff file."""
    usernames = [item["username"] for item in json.loads(
        (settings.POS_CONFIG_DIR / "demo" / "staff.json").read_text())]
    groups = {(user, name) for user, name in Group.objects.filter(
        user__username__in=usernames, name__in=ROLE_GROUP_NAMES.values())
        .values_list("user__username", "name")}
    grants = {(row.user.username, row.permission.codename, row.content_object_id)
              for model in (RegionUserObjectPermission, OrganisationUserObjectPermission)
              for row in model.objects.filter(user__username__in=usernames)
              .select_related("user", "permission")}
    return groups | grants


def test_load_region_gives_every_role_of_its_staff_file_as_before(demo):
    """staff.json goes through `grant_role`: each membership's holder is in the role's
    group and holds the role where it is, and loading the file again changes none."""
    for membership in StaffMembership.objects.filter(
            organisation__region=demo).select_related("user", "organisation"):
        role = Role(membership.role)
        assert in_group(membership.user, role), membership
        holders = (role_holders(role, region=demo) if membership.is_region_wide
                   else role_holders(role, organisation=membership.organisation))
        assert membership.user in holders, membership
    before = roles_held(demo)

    load_region_folder(settings.POS_CONFIG_DIR / "demo")

    assert roles_held(demo) == before
