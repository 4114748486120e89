"""Region administrators configure their own region only: staff roles and plugin settings."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.models import Organisation, Region, Role, StaffMembership, Territory
from cms.permissions.grants import grant_role
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


def test_staff_without_an_editor_role_cannot_configure(client, demo):
    moderator = StaffMembership.objects.get(role=Role.MODERATOR, user__username="moderator").user
    client.force_login(moderator)
    assert staff_list(client).status_code in (302, 403)


def test_an_editor_creates_a_staff_account_of_their_region(client, north_editor, other_region,
                                                           demo):
    client.force_login(north_editor)
    url = reverse("staff_new")
    page = client.get(url)
    assert page.status_code == 200
    offered = set(page.context["form"].fields["organisation"].queryset)
    assert offered == set(other_region.organisations.all())

    demo_org = factories.organisation("minzdrav")
    refused = client.post(url, {"username": "spy", "first_name": "А", "last_name": "Б",
                                "email": "spy@example.org", "organisation": demo_org.pk,
                                "role": "executor"})
    assert refused.status_code == 200 and "organisation" in refused.context["form"].errors
    assert not get_user_model().objects.filter(username="spy").exists()

    organisation = other_region.organisations.get()
    created = client.post(url, {"username": "north.executor", "first_name": "Пётр",
                                "last_name": "Сидоров", "email": "p@example.org",
                                "organisation": organisation.pk, "role": "executor"})
    assert created.status_code == 302
    user = get_user_model().objects.get(username="north.executor")
    assert not user.has_usable_password()
    assert StaffMembership.objects.filter(user=user, organisation=organisation,
                                          role=Role.EXECUTOR).exists()

    taken = client.post(url, {"username": "north.executor", "first_name": "x", "last_name": "y",
                              "email": "x@example.org", "organisation": organisation.pk,
                              "role": "head"})
    assert "username" in taken.context["form"].errors


def test_staff_without_an_editor_role_cannot_create_accounts(client, demo):
    moderator = StaffMembership.objects.get(role=Role.MODERATOR, user__username="moderator").user
    client.force_login(moderator)
    assert client.get(reverse("staff_new")).status_code in (302, 403)


def test_reference_data_lists_only_the_editors_regions(client, north_editor, other_region):
    client.force_login(north_editor)
    for name in ("cms_region_modeladmin_index", "cms_organisation_modeladmin_index",
                 "cms_territory_modeladmin_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        rows = response.context["object_list"]
        region_ids = {getattr(row, "region_id", row.pk) for row in rows}
        assert region_ids == {other_region.pk}, name
    demo_org = factories.organisation("minzdrav")
    edit = reverse("cms_organisation_modeladmin_edit", args=[demo_org.pk])
    assert client.get(edit).status_code != 200
    assert client.get(reverse("cms_territory_modeladmin_create")).status_code != 200


# --- one region-scoped base: the oversight lists, the plugins' admins, the policy's answer


def test_the_audit_trail_and_outbox_show_only_the_editors_regions(client, north_editor,
                                                                  other_region, demo):
    from cms import audit
    from cms.models import AuditKind, AuditRecord, Notification, Status
    from tests.workflow.builders import message

    theirs = message(Status.ON_MODERATION, "north-gov", region=other_region)
    ours = message(Status.ON_MODERATION)
    for appeal in (theirs, ours):
        audit.record(kind=AuditKind.EXPORT, what=f"seen {appeal.number}", appeal=appeal)
        Notification.objects.create(email="x@example.org", template="appeal_registered",
                                    appeal=appeal)
    no_message = audit.record(kind=AuditKind.EXPORT, what="region.csv")
    client.force_login(north_editor)
    for base, model in (("/admin/oversight/audit/", AuditRecord),
                        ("/admin/oversight/outbox/", Notification)):
        rows = client.get(base).context["object_list"]
        assert {row.appeal_id for row in rows} == {theirs.pk}, base
        foreign = model.objects.get(appeal=ours)
        assert client.get(f"{base}inspect/{foreign.pk}/").status_code != 200, base
        own = model.objects.get(appeal=theirs)
        assert client.get(f"{base}inspect/{own.pk}/").status_code == 200, base
    # Read only, whoever asks.
    own_record = AuditRecord.objects.get(appeal=theirs)
    for action in ("edit", "delete"):
        url = f"/admin/oversight/audit/{action}/{own_record.pk}/"
        assert client.get(url).status_code != 200, action

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    rows = client.get("/admin/oversight/audit/").context["object_list"]
    assert no_message in rows and {row.appeal_id for row in rows} >= {theirs.pk, ours.pk}


def test_an_admin_switches_what_its_region_editors_may_do(client, north_editor,
                                                           other_region):
    """Organisations are edited, never deleted (messages name them); territories come
    from files: renamed, never created here."""
    organisation = other_region.organisations.get()
    client.force_login(north_editor)
    assert client.get(reverse("cms_organisation_modeladmin_edit",
                              args=[organisation.pk])).status_code == 200
    assert client.get(reverse("cms_organisation_modeladmin_delete",
                              args=[organisation.pk])).status_code != 200
    assert client.get(reverse("cms_organisation_modeladmin_create")).status_code == 200
    assert client.get(reverse("cms_territory_modeladmin_create")).status_code != 200
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_which_regions_a_user_configures_has_one_answer(north_editor, other_region, demo):
    from cms.permissions.policy import configurable_regions
    from tests.workflow.builders import demo_staff

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    staff = demo_staff()
    assert set(configurable_regions(admin)) == {demo, other_region}
    assert list(configurable_regions(north_editor)) == [other_region]
    assert list(configurable_regions(staff["editor"])) == [demo]
    assert not configurable_regions(staff["moderator"]).exists()
    north_editor.is_active = False
    assert not configurable_regions(north_editor).exists()


def test_an_oversight_list_costs_the_same_for_few_and_many_rows(client, north_editor,
                                                                other_region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms import audit
    from cms.models import AuditKind, Status
    from tests.workflow.builders import message

    appeal = message(Status.ON_MODERATION, "north-gov", region=other_region)
    client.force_login(north_editor)
    client.get("/admin/oversight/audit/")  # the process's memory of the role is filled once
    counts = []
    for _round in range(2):
        for number in range(5):
            audit.record(kind=AuditKind.EXPORT, what=f"seen {number}", appeal=appeal)
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/admin/oversight/audit/")
        assert page.status_code == 200
        counts.append((len(page.context["object_list"]), len(captured.captured_queries)))
    (few_rows, few), (many_rows, many) = counts
    assert (few_rows, many_rows) == (5, 10)
    assert few == many
