"""Region administrators configure their own region only: staff roles and plugin settings."""

import pytest
from django.urls import reverse

from cms.models import Organisation, Region, Role, StaffMembership, Territory
from cms.roles import grant_role
from tests import factories


@pytest.fixture
def other_region(demo):
    region = Region.objects.create(code="north", name="Северная область")
    root = Territory.add_root(region=region, code="north", name="Северная область",
                              kind="region")
    organisation = Organisation.objects.create(region=region, code="north-gov",
                                               name="Правительство", kind="roiv")
    organisation.territories.add(root)
    return region


@pytest.fixture
def north_editor(other_region):
    user = factories.user("north.editor")
    grant_role(user, other_region.organisations.get(), Role.EDITOR)
    return user


def staff_list(client):
    return client.get(reverse("cms_staffmembership_modeladmin_index"))


def test_an_editor_lists_only_their_regions_staff(client, north_editor, other_region, demo):
    client.force_login(north_editor)
    response = staff_list(client)
    assert response.status_code == 200
    listed = {m.pk for m in response.context["object_list"]}
    assert listed == set(StaffMembership.objects.filter(
        organisation__region=other_region).values_list("pk", flat=True))
    demo_membership = StaffMembership.objects.filter(organisation__region=demo).first()
    edit = reverse("cms_staffmembership_modeladmin_edit", args=[demo_membership.pk])
    assert client.get(edit).status_code != 200  # refused: modeladmin redirects away


def test_the_demo_editor_manages_demo_staff(client, demo):
    editor = StaffMembership.objects.get(role=Role.EDITOR, organisation__region=demo).user
    client.force_login(editor)
    response = staff_list(client)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == StaffMembership.objects.filter(
        organisation__region=demo).count()


def test_a_region_editor_reaches_routing_rules_and_try_it(client, north_editor, demo):
    client.force_login(north_editor)
    rules = client.get(reverse("routing_routingrule_modeladmin_index"))
    assert rules.status_code == 200
    assert all(rule.region_id != demo.pk for rule in rules.context["object_list"])
    try_it = client.get(reverse("routing_try"))
    assert try_it.status_code == 200
    assert list(try_it.context["form"].fields["region"].queryset) == list(
        Region.objects.filter(code="north"))


def test_staff_without_an_editor_role_cannot_configure(client, demo):
    moderator = StaffMembership.objects.get(role=Role.MODERATOR, user__username="moderator").user
    client.force_login(moderator)
    assert staff_list(client).status_code in (302, 403)
    assert client.get(reverse("routing_try")).status_code in (302, 403)
