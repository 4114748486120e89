"""API keys: stored hashed, found by prefix, refused when unknown, revoked, used in another
region's jurisdiction or for a service out of scope, and counted against the key's rate."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from cms.models import Subcategory
from plugins.open311 import auth
from plugins.open311.errors import ApiError
from plugins.open311.models import Integration


def refusal(call) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


def test_the_key_is_stored_hashed_never_in_plain(city_app):
    integration, key = city_app
    assert key.startswith(f"o311_{integration.key_prefix}_")
    stored = Integration.objects.get(pk=integration.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    secret = key.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM open311_integration WHERE id = %s", [integration.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in row and key not in row


def test_a_valid_key_authenticates_its_integration(city_app, demo):
    integration, key = city_app
    assert auth.authenticate(None, key, "demo") == integration
    assert auth.authenticate(None, key, None) == integration  # the key's own region


@pytest.mark.parametrize("bad", ["", None, "nonsense", "o311_00000000_guess"])
def test_missing_or_unknown_keys_are_401(city_app, bad):
    assert refusal(lambda: auth.authenticate(None, bad, "demo")).status == 401


def test_the_right_prefix_with_a_wrong_secret_is_401(city_app):
    integration, _key = city_app
    forged = f"o311_{integration.key_prefix}_{'x' * 43}"
    assert refusal(lambda: auth.authenticate(None, forged, "demo")).status == 401


def test_a_new_key_replaces_the_old_one(city_app):
    integration, old = city_app
    new = integration.issue_key()
    assert auth.authenticate(None, new, "demo") == integration
    assert refusal(lambda: auth.authenticate(None, old, "demo")).status == 401


def test_a_revoked_key_is_403(city_app):
    integration, key = city_app
    integration.revoke()
    error = refusal(lambda: auth.authenticate(None, key, "demo"))
    assert (error.status, error.code) == (403, 403)


def test_another_regions_jurisdiction_is_403(city_app, north):
    _integration, key = city_app
    assert refusal(lambda: auth.authenticate(None, key, "north311")).status == 403


def test_services_out_of_scope_are_403(city_app):
    integration, _key = city_app
    roads, water = Subcategory.objects.order_by("code")[:2]
    assert auth.allows_service(integration, water)  # no services chosen: every one
    integration.services.set([roads])
    integration = Integration.objects.get(pk=integration.pk)
    assert auth.allows_service(integration, roads)
    assert not auth.allows_service(integration, water)
    assert refusal(lambda: auth.require_service(integration, water)).status == 403


def test_each_key_is_limited_to_its_rate_per_minute(city_app, demo):
    integration, _key = city_app  # 5 a minute
    other = Integration.objects.create(region=demo, name="Колл-центр",
                                       channel_label="API: колл-центр", rate_per_minute=5)
    for _ in range(5):
        auth.check_rate(integration)
    error = refusal(lambda: auth.check_rate(integration))
    assert error.status == 429
    assert 0 < error.retry_after <= 60
    auth.check_rate(other)  # another key keeps its own count


def test_an_overlong_key_is_401_without_a_lookup(city_app, django_assert_num_queries):
    with django_assert_num_queries(0):
        error = refusal(lambda: auth.authenticate(None, "o311_" + "a" * 5000, "demo"))
    assert error.status == 401
