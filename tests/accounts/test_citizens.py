"""Citizens' accounts from the provider's claims: found by subject, never by e-mail."""

import pytest
from django.contrib.auth import get_user_model

from cms.accounts.citizens import (
    AccountConflict,
    CitizenClaims,
    do_change_notification_email,
    do_sync_citizen,
)
from cms.accounts.models import CitizenProfile

ISSUER = "https://esia.example"
User = get_user_model()


def claims(**changes):
    return {
        "sub": "1000299353",
        "given_name": "Анна",
        "middle_name": "Сергеевна",
        "family_name": "Иванова",
        "email": "anna@example.org",
        "phone_number": "+79001234567",
    } | changes


def sync(**changes):
    return do_sync_citizen(ISSUER, CitizenClaims.from_claims(claims(**changes)))


def test_a_first_login_creates_the_citizen(db):
    user = sync()
    assert user.get_full_name() == "Анна Сергеевна Иванова"
    assert user.email == "anna@example.org"
    assert not user.has_usable_password()
    profile = user.citizen_profile
    assert (profile.provider_issuer, profile.provider_subject) == (ISSUER, "1000299353")
    assert profile.phone == "+79001234567"
    assert profile.notification_email == "anna@example.org"


def test_a_later_login_updates_the_same_account(db):
    first = sync()
    users = User.objects.count()
    again = sync(family_name="Петрова", email="anna@new.example.org")
    assert again.pk == first.pk
    assert again.last_name == "Петрова"
    assert again.citizen_profile.notification_email == "anna@new.example.org"
    assert User.objects.count() == users


def test_missing_claims_keep_what_is_known(db):
    sync()
    user = sync(
        email=None,
        phone_number=None,
        given_name=None,
        middle_name=None,
        family_name=None,
    )
    assert user.get_full_name() == "Анна Сергеевна Иванова"
    assert user.citizen_profile.phone == "+79001234567"


def test_an_account_is_never_matched_by_email(db):
    someone = User.objects.create_user(
        "someone", email="anna@example.org", password="pw"
    )
    user = sync()
    assert user.pk != someone.pk
    assert not CitizenProfile.objects.filter(user=someone).exists()


def test_the_subject_of_another_issuer_is_not_merged(db):
    sync()
    with pytest.raises(AccountConflict):
        do_sync_citizen("https://other.example", CitizenClaims.from_claims(claims()))


def test_the_citizens_own_notification_email_survives_logins(db):
    user = sync()
    do_change_notification_email(user.citizen_profile, "home@example.org")
    user = sync(email="anna@new.example.org")
    assert user.email == "anna@new.example.org"
    assert user.citizen_profile.notification_email == "home@example.org"


def test_an_unverified_or_invalid_email_is_not_used(db):
    assert sync(email_verified=False).email == ""
    assert CitizenClaims.from_claims(claims(email="not an address")).email == ""


def test_claims_without_a_subject_are_rejected():
    with pytest.raises(ValueError, match="sub"):
        CitizenClaims.from_claims(claims(sub=""))


def test_the_subject_claim_is_configurable():
    assert (
        CitizenClaims.from_claims(claims(oid=1000299354), "oid").subject == "1000299354"
    )
