"""Who deadline warnings go to: the holders of a role as the permission layer reads
them (the role's group and its grant), for a whole batch at once."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from cms.models import (
    Notification,
    RegionUserObjectPermission,
    Role,
    StaffMembership,
    Status,
)
from cms.permissions.groups import ROLE_GROUP_NAMES
from plugins.fasttrack.alerts import _holders, deliver_warnings
from plugins.fasttrack.models import WHOLE_MESSAGE, DeadlineWarning, WarningKind
from tests import factories
from tests.workflow.builders import other_region


def overdue_warning(region=None, organisation_code="adm-gorsk") -> DeadlineWarning:
    region = region or factories.demo_region()
    territory = "gorsk" if region.code == "demo" else region.code
    appeal = factories.appeal(region=region, organisation_code=organisation_code,
                              territory_code=territory, status=Status.IN_WORK,
                              is_overdue=True, save=False)
    appeal.deadline = timezone.now() - timedelta(hours=1)
    appeal.save()
    return DeadlineWarning.objects.create(appeal=appeal, stage=WHOLE_MESSAGE,
                                          kind=WarningKind.OVERDUE,
                                          created_at=timezone.now())


def warned(warning) -> set[str]:
    return set(Notification.objects.filter(dedup_key__startswith=f"fasttrack:{warning.pk}:")
               .values_list("recipient__username", flat=True))


def test_a_membership_without_the_role_is_not_warned(demo):
    organisation = factories.organisation("adm-gorsk")
    # A membership makes the grant follow (a signal), but not the role's group.
    no_group = factories.user("no.group", email="no.group@example.org")
    StaffMembership.objects.create(user=no_group, organisation=organisation,
                                   role=Role.CURATOR)
    # A curator whose grant was taken away while the membership row stayed.
    no_grant = factories.user("no.grant", email="no.grant@example.org")
    StaffMembership.objects.create(user=no_grant, organisation=organisation,
                                   role=Role.CURATOR)
    no_grant.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.CURATOR]))
    RegionUserObjectPermission.objects.filter(user=no_grant).delete()
    warning = overdue_warning()

    assert deliver_warnings([warning.pk]) == 1
    assert warned(warning) == {"curator"}


def test_the_holders_of_a_batch_are_read_in_two_queries(demo, django_assert_num_queries):
    warnings = [overdue_warning(), overdue_warning(organisation_code="uad"),
                overdue_warning(other_region(), organisation_code="other-org")]
    warnings = list(DeadlineWarning.objects.filter(pk__in=[w.pk for w in warnings])
                    .select_related("appeal"))
    with django_assert_num_queries(2):
        holders = _holders(warnings)
    assert [user.username for user in holders[(demo.pk, Role.CURATOR)]] == ["curator"]
