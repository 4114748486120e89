"""The integrations' admin: a region's editor creates an integration and sees its key once,
issues a new one, revokes it; an editor of another region reaches none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.models import Role, StaffMembership, Subcategory
from plugins.open311 import auth
from plugins.open311.errors import ApiError
from plugins.open311.models import Integration


def admin_url(action: str, *args) -> str:
    return reverse(f"open311_integration_modeladmin_{action}", args=args)


def test_an_editor_creates_an_integration_and_sees_its_key_once(client, demo, demo_editor):
    client.force_login(demo_editor)
    roads = Subcategory.objects.order_by("code").first()
    response = client.post(admin_url("create"), {
        "region": demo.pk, "name": "Городское приложение",
        "channel_label": "API: городское приложение", "services": [roads.pk],
        "rate_per_minute": 30, "note": "",
    })
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    key = response.context["key"]
    integration = Integration.objects.get(region=demo, name="Городское приложение")
    assert integration.created_by == demo_editor
    assert list(integration.services.all()) == [roads]
    assert key in response.content.decode()
    assert "data-open311-key" in response.content.decode()
    assert auth.authenticate(None, key, "demo") == integration

    # Afterwards only the prefix is shown: in the list and on the edit page.
    listing = client.get(admin_url("index")).content.decode()
    edit = client.get(admin_url("edit", integration.pk)).content.decode()
    assert f"o311_{integration.key_prefix}_" in listing
    assert key not in listing and key not in edit


def test_a_new_key_is_shown_once_and_the_old_one_stops(client, city_app, demo_editor):
    integration, old = city_app
    client.force_login(demo_editor)
    assert client.get(admin_url("new_key", integration.pk)).status_code == 200
    response = client.post(admin_url("new_key", integration.pk))
    assert response.status_code == 200
    new = response.context["key"]
    assert new != old and new in response.content.decode()
    assert auth.authenticate(None, new, "demo") == integration
    with pytest.raises(ApiError):
        auth.authenticate(None, old, "demo")


def test_an_editor_revokes_a_key(client, city_app, demo_editor):
    integration, key = city_app
    client.force_login(demo_editor)
    confirm = client.get(admin_url("revoke", integration.pk))
    assert confirm.status_code == 200
    response = client.post(admin_url("revoke", integration.pk))
    assert response.status_code == 302
    integration.refresh_from_db()
    assert integration.revoked_at is not None
    with pytest.raises(ApiError) as caught:
        auth.authenticate(None, key, "demo")
    assert caught.value.status == 403
    # A revoked integration gets no new key and is not revoked twice.
    assert client.post(admin_url("new_key", integration.pk)).status_code in (302, 403)
    assert Integration.objects.get(pk=integration.pk).key_hash == integration.key_hash


def test_an_editor_of_another_region_reaches_none_of_it(client, city_app, north_editor,
                                                        north, demo):
    integration, key = city_app
    client.force_login(north_editor)
    listing = client.get(admin_url("index"))
    assert listing.status_code == 200
    assert integration not in listing.context["object_list"]
    for action in ("edit", "revoke", "new_key"):
        assert client.get(admin_url(action, integration.pk)).status_code in (302, 403)
        assert client.post(admin_url(action, integration.pk),
                           {"name": "x"}).status_code in (302, 403)
    integration.refresh_from_db()
    assert integration.revoked_at is None and integration.name == "Городское приложение"
    assert auth.authenticate(None, key, "demo") == integration

    # Creating one in the demo region is refused: the form offers their region only.
    form = client.get(admin_url("create")).context["form"]
    assert list(form.fields["region"].queryset) == [north]
    refused = client.post(admin_url("create"), {
        "region": demo.pk, "name": "Шпион", "channel_label": "API", "rate_per_minute": 5})
    assert refused.status_code == 200 and "region" in refused.context["form"].errors
    assert not Integration.objects.filter(name="Шпион").exists()


def test_staff_without_an_editor_role_cannot_list_integrations(client, demo):
    moderator = StaffMembership.objects.get(role=Role.MODERATOR,
                                            user__username="moderator").user
    client.force_login(moderator)
    assert client.get(admin_url("index")).status_code in (302, 403)


def test_an_integration_stays_in_its_region(client, city_app, demo_editor, north):
    integration, _key = city_app
    client.force_login(demo_editor)
    form = client.get(admin_url("edit", integration.pk)).context["form"]
    assert form.fields["region"].disabled
    client.post(admin_url("edit", integration.pk), {
        "region": north.pk, "name": integration.name, "channel_label": "API: новое",
        "rate_per_minute": 7, "note": ""})
    integration.refresh_from_db()
    assert integration.region.code == "demo"
    assert (integration.channel_label, integration.rate_per_minute) == ("API: новое", 7)
