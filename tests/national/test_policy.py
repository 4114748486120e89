"""The national operator in the permission policy: reads every region's messages, is no
party of the workflow anywhere, sees citizens' contact data only where the region shares
them."""

import pytest

from cms.models import Role, Status
from cms.permissions.policy import (
    VIEW,
    appeal_policy,
    is_national_operator,
    reading_roles,
    roles_q,
    user_roles,
)
from cms.workflow.table import Action
from tests.permissions.test_matrix import another_organisation, attempt
from tests.workflow.builders import (
    demo_staff,
    fresh,
    message,
    other_region,
    snapshot,
    staff_member,
)

from .builders import national_operator, share_contacts


@pytest.fixture
def national(demo):
    return national_operator()


def test_the_national_operator_reads_every_region_and_holds_no_role(national):
    here = message(Status.IN_WORK, "adm-gorsk")
    there = message(Status.ON_MODERATION, "other-org", region=other_region())
    assert is_national_operator(national)
    assert user_roles(national) == frozenset()
    assert reading_roles(national) == frozenset({Role.CURATOR})
    visible = appeal_policy.instances_user_has_permission_for(national, VIEW)
    assert {here.pk, there.pk} <= set(visible.values_list("pk", flat=True))
    assert appeal_policy.user_can_view(national, here)
    assert appeal_policy.user_can_view(national, there)


def test_others_are_no_national_operators(demo):
    staff = demo_staff()
    for username in ("curator", "moderator", "editor"):
        user = fresh(staff[username])
        assert not is_national_operator(user)
        assert reading_roles(user) == user_roles(user)
    # The curator's reading scope is still their region only.
    there = message(Status.ON_MODERATION, "other-org", region=other_region())
    curator = fresh(staff["curator"])
    assert not appeal_policy.user_can_view(curator, there)
    assert not appeal_policy.instances_user_has_permission_for(curator).filter(
        pk=there.pk).exists()


def test_the_national_operator_acts_on_nothing(national):
    """Every action of the table, in every status, here and in another region: refused
    through the write path, leaving the message as it was, and offered nowhere."""
    spare = staff_member("gorsk.executor2", "adm-gorsk", Role.EXECUTOR)
    for status in [s for s in Status if s != Status.REGISTERED]:
        for appeal in (message(status, "adm-gorsk", executor=fresh(demo_staff()["executor"])),
                       message(status, "other-org", region=other_region())):
            assert appeal_policy.available_transitions(national, appeal) == []
            assert appeal_policy.parties_for_instance(national, appeal) == frozenset()
            before = snapshot(appeal)
            for action in Action:
                if action in (Action.REGISTER, Action.EXPIRE_CLARIFICATION):
                    continue  # the submission's and the sweep's own paths, no person's
                assert not appeal_policy.instances_user_has_permission_for(
                    national, action).filter(pk=appeal.pk).exists(), (status, action)
                assert not attempt(action, appeal, fresh(national), False, spare,
                                   another_organisation(appeal), before), (status, action)


def test_roles_q_acting_leaves_the_national_reading_out(national):
    assert roles_q(national, {Role.CURATOR}) is not None
    assert roles_q(national, {Role.CURATOR}, reading=False) is None
    assert roles_q(national, {Role.MODERATOR}) is None


def test_contact_data_only_where_the_region_shares_it(national):
    demo_message = message(Status.IN_WORK, "adm-gorsk")
    other = other_region()
    other_message = message(Status.IN_WORK, "other-org", region=other)
    assert not appeal_policy.may_see_contacts(national, demo_message)
    assert not appeal_policy.may_see_contacts(national, other_message)
    share_contacts(other)
    national = fresh(national)
    assert not appeal_policy.may_see_contacts(national, demo_message)
    assert appeal_policy.may_see_contacts(national, other_message)
    # The message's own staff always may.
    assert appeal_policy.may_see_contacts(fresh(demo_staff()["moderator"]), demo_message)
