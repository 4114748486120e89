"""Roles as groups, places as guardian grants: how they are given, moved and read."""

from django.contrib.auth.models import Group

from cms.models import (
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
    Status,
)
from cms.permissions.policy import appeal_policy
from cms.permissions.grants import grant_role
from cms.permissions.groups import ROLE_GROUP_NAMES
from tests import factories
from tests.workflow.builders import demo_staff, fresh, message


def test_the_region_files_onboard_staff_with_their_grants(demo):
    staff = demo_staff()
    assert RegionUserObjectPermission.objects.filter(
        user=staff["moderator"], content_object=demo,
        permission__codename="moderate_region").exists()
    assert OrganisationUserObjectPermission.objects.filter(
        user=staff["coordinator"], content_object=factories.organisation("adm-gorsk"),
        permission__codename="coordinate_organisation").exists()
    assert staff["head"].groups.filter(name=ROLE_GROUP_NAMES[Role.HEAD]).exists()


def test_grants_follow_memberships_edited_in_the_admin(demo):
    user = factories.user("moving.head")
    grant_role(user, factories.organisation("uad"), Role.HEAD)
    ours = message(Status.ON_APPROVAL, "uad")
    theirs = message(Status.ON_APPROVAL, "mintrans")
    assert appeal_policy.user_can_view(fresh(user), ours)

    membership = StaffMembership.objects.get(user=user)
    membership.organisation = factories.organisation("mintrans")
    membership.save()
    user = fresh(user)
    assert not appeal_policy.user_can_view(user, ours)
    assert appeal_policy.user_can_view(fresh(user), theirs)

    membership.delete()
    assert not OrganisationUserObjectPermission.objects.filter(user=user).exists()
    assert not appeal_policy.user_can_view(fresh(user), theirs)


def test_a_grant_counts_only_with_the_role_group(demo):
    moderator = demo_staff()["moderator"]
    appeal = message(Status.ON_MODERATION)
    assert appeal_policy.user_can_view(fresh(moderator), appeal)
    moderator.groups.remove(Group.objects.get(name=ROLE_GROUP_NAMES[Role.MODERATOR]))
    assert not appeal_policy.user_can_view(fresh(moderator), appeal)
    assert not appeal_policy.instances_user_has_permission_for(fresh(moderator)).exists()


def test_visibility_filters_in_sql_on_the_direct_grant_tables(demo,
                                                              django_assert_num_queries):
    coordinator = fresh(demo_staff()["coordinator"])
    ours = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    message(Status.SENT_TO_ORGANISATION, "uad")
    from cms.permissions.policy import user_roles

    user_roles(coordinator)  # the role groups: one query, remembered per request
    # The grants (one small query per role, remembered), then the messages.
    with django_assert_num_queries(2) as captured:
        visible = list(appeal_policy.instances_user_has_permission_for(coordinator))
    assert visible == [ours]
    grants_sql, messages_sql = (q["sql"] for q in captured.captured_queries)
    assert "cms_organisationuserobjectpermission" in grants_sql
    assert "guardian_userobjectpermission" not in grants_sql + messages_sql
    assert '"cms_appeal"."organisation_id" IN' in messages_sql


def test_which_messages_a_user_may_act_on(demo):
    executor = fresh(demo_staff()["executor"])
    mine = message(Status.IN_WORK, "adm-gorsk", executor=executor)
    message(Status.IN_WORK, "adm-gorsk")
    answerable = appeal_policy.instances_user_has_permission_for(executor, "submit_answer")
    assert list(answerable) == [mine]
    assert not appeal_policy.instances_user_has_permission_for(executor, "pass_on").exists()
