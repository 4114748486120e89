"""The citizen behind an API request: an integration vouching for ЕСИА passes the ЕСИА
subject, and the account is the one the portal's login finds or creates; any other
integration files nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms.accounts.citizens import CitizenClaims, do_sync_citizen
from cms.accounts.models import CitizenProfile
from plugins.open311.errors import ApiError
from plugins.open311.identity import citizen_for

ISSUER = "https://esia.example.test"


@pytest.fixture(autouse=True)
def _portal_login_issuer(settings):
    settings.POS_OIDC_ISSUER = ISSUER


def request_data(**fields) -> dict:
    return {"account_id": "esia-oid-555", "first_name": "Анна", "middle_name": "Сергеевна",
            "last_name": "Иванова", "email": "anna@example.org", "phone": "+79990001122",
            **fields}


def test_a_new_citizen_gets_an_account_as_at_the_portals_login(epgu_keys):
    integration, _key = epgu_keys
    citizen = citizen_for(integration, request_data())
    profile = CitizenProfile.objects.get(user=citizen)
    assert (profile.provider_issuer, profile.provider_subject) == (ISSUER, "esia-oid-555")
    assert (citizen.first_name, citizen.last_name) == ("Анна Сергеевна", "Иванова")
    assert citizen.email == "anna@example.org" and profile.phone == "+79990001122"
    assert not citizen.has_usable_password() and not citizen.is_staff


def test_the_same_subject_is_the_same_account_and_is_updated(epgu_keys):
    integration, _key = epgu_keys
    first = citizen_for(integration, request_data())
    again = citizen_for(integration, request_data(email="anna.new@example.org"))
    assert again.pk == first.pk
    assert get_user_model().objects.get(pk=first.pk).email == "anna.new@example.org"
    assert CitizenProfile.objects.filter(provider_subject="esia-oid-555").count() == 1


def test_a_citizen_who_logged_in_at_the_portal_is_matched(epgu_keys):
    integration, _key = epgu_keys
    portal_user = do_sync_citizen(ISSUER, CitizenClaims(subject="esia-oid-777",
                                                        first_name="Пётр"))
    assert citizen_for(integration, request_data(account_id="esia-oid-777")) == portal_user


def test_an_integration_that_does_not_vouch_for_esia_is_refused(city_app):
    integration, _key = city_app
    users = get_user_model().objects.count()
    with pytest.raises(ApiError) as caught:
        citizen_for(integration, request_data())
    assert caught.value.status == 403
    assert get_user_model().objects.count() == users


@pytest.mark.parametrize("subject", [None, "", "   "])
def test_without_the_citizens_subject_nothing_is_filed(epgu_keys, subject):
    integration, _key = epgu_keys
    data = request_data(account_id=subject)
    with pytest.raises(ApiError) as caught:
        citizen_for(integration, data)
    assert caught.value.status == 400


def test_a_subject_of_another_provider_is_refused(epgu_keys):
    integration, _key = epgu_keys
    do_sync_citizen("https://other-idp.example.test", CitizenClaims(subject="esia-oid-888"))
    with pytest.raises(ApiError) as caught:
        citizen_for(integration, request_data(account_id="esia-oid-888"))
    assert caught.value.status == 403


def test_without_the_portals_login_configured_nobody_is_vouched_for(epgu_keys, settings):
    integration, _key = epgu_keys
    settings.POS_OIDC_ISSUER = ""
    with pytest.raises(ApiError) as caught:
        citizen_for(integration, request_data())
    assert caught.value.status == 403
