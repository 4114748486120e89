"""The routing plugin's admin pages follow the core's region-scoped rule: an editor
configures their own region's rules only."""

from django.urls import reverse

from cms.models import Region, Role, StaffMembership
from tests.core.test_region_admin import north_editor, other_region  # noqa: F401, F811 (fixtures)


def test_a_region_editor_reaches_routing_rules_and_try_it(client, north_editor, demo):
    client.force_login(north_editor)
    rules = client.get(reverse("routing_routingrule_modeladmin_index"))
    assert rules.status_code == 200
    assert all(rule.region_id != demo.pk for rule in rules.context["object_list"])
    try_it = client.get(reverse("routing_try"))
    assert try_it.status_code == 200
    assert list(try_it.context["form"].fields["region"].queryset) == list(
        Region.objects.filter(code="north"))


def test_staff_without_an_editor_role_cannot_try_routing(client, demo):
    moderator = StaffMembership.objects.get(role=Role.MODERATOR, user__username="moderator").user
    client.force_login(moderator)
    assert client.get(reverse("routing_try")).status_code in (302, 403)
