"""Roles as groups, places as guardian grants: how they are given, moved and read."""

from django.contrib.auth.models import Group

from cms.models import (
    Organisation,
    OrganisationUserObjectPermission,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
    Status,
)
from cms.permissions.grants import grant_role, holders_by_place, role_holders
from cms.permissions.groups import ROLE_GROUP_NAMES
from cms.permissions.policy import appeal_policy
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


def test_holders_by_place_needs_the_group_the_grant_and_an_active_account(demo):
    staff = demo_staff()
    gorsk, uad = factories.organisation("adm-gorsk"), factories.organisation("uad")
    second_head = factories.user("second.head")
    grant_role(second_head, uad, Role.HEAD)
    # A membership row alone holds nothing: no group, no grant.
    bare = factories.user("bare.member")
    StaffMembership.objects.create(user=bare, organisation=gorsk, role=Role.HEAD)
    StaffMembership.objects.create(user=bare, organisation=gorsk, role=Role.CURATOR)
    inactive = factories.user("inactive.head")
    grant_role(inactive, gorsk, Role.HEAD)
    inactive.is_active = False
    inactive.save()

    holders = holders_by_place([Role.HEAD, Role.COORDINATOR, Role.CURATOR],
                               region_ids=[demo.pk],
                               organisation_ids=[gorsk.pk, uad.pk])

    assert holders[(gorsk.pk, Role.HEAD)] == [staff["head"]]
    assert holders[(gorsk.pk, Role.COORDINATOR)] == [staff["coordinator"]]
    assert second_head in holders[(uad.pk, Role.HEAD)]
    assert holders[(demo.pk, Role.CURATOR)] == [staff["curator"]]
    assert (gorsk.pk, Role.CURATOR) not in holders  # a curator's place is the region
    assert list(role_holders(Role.HEAD, organisation=gorsk)) == [staff["head"]]
    assert list(role_holders(Role.CURATOR, region=demo)) == [staff["curator"]]


def test_holders_by_place_reads_a_batch_in_two_queries(demo, django_assert_num_queries):
    organisations = list(Organisation.objects.filter(region=demo).values_list("pk",
                                                                              flat=True))
    with django_assert_num_queries(2):
        holders = holders_by_place(list(Role), region_ids=[demo.pk],
                                   organisation_ids=organisations)
    assert {role for _place, role in holders} == set(Role)
    with django_assert_num_queries(1):  # region-wide roles only: no organisation query
        holders_by_place([Role.MODERATOR], region_ids=[demo.pk],
                         organisation_ids=organisations)


def test_a_grant_without_its_group_holds_no_role(demo):
    moderator = demo_staff()["moderator"]
    assert moderator in role_holders(Role.MODERATOR, region=demo)
    moderator.groups.remove(Group.objects.get(name=ROLE_GROUP_NAMES[Role.MODERATOR]))
    assert moderator not in role_holders(Role.MODERATOR, region=demo)
    assert moderator not in holders_by_place([Role.MODERATOR], region_ids=[demo.pk]).get(
        (demo.pk, Role.MODERATOR), [])
