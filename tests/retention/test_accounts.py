"""Citizen accounts idle past the period, with nothing in work, are anonymised in place:
their messages still point at them, they cannot log in, and the same person logging in
again gets a new account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.accounts.citizens import CitizenClaims, do_sync_citizen
from cms.accounts.models import CitizenProfile
from cms.models import AuditRecord, Notification, Status
from cms.retention.anonymise import anonymise_accounts, anonymise_personal_data, marker
from cms.retention.models import RetentionSettings

from .builders import ISSUER, citizen, closed_message, years_ago

pytestmark = pytest.mark.django_db

User = get_user_model()


def idle_since(user, when, api_at=None) -> None:
    User.objects.filter(pk=user.pk).update(last_login=when, date_joined=when)
    CitizenProfile.objects.filter(user=user).update(last_login_claims_at=api_at or when)


def test_an_idle_account_with_nothing_in_work_is_anonymised_in_place(demo):
    idle = citizen(subject="oid-idle", email="idle@example.org")
    message = closed_message(idle, years_ago(6))
    letter = Notification.objects.create(template="staff_invitation", email=idle.email,
                                         recipient=idle, dedup_key="idle-1")
    idle_since(idle, years_ago(5.5))

    assert anonymise_accounts().accounts == 1

    user = User.objects.get(pk=idle.pk)
    profile = user.citizen_profile
    assert (user.username, user.get_full_name(), user.email, user.is_active) == (
        f"anonymised-{idle.pk}", marker(), "", False)
    assert not user.has_usable_password()
    assert (profile.provider_subject, profile.phone, profile.notification_email) == (
        f"anonymised-{idle.pk}", marker(), "")
    message.refresh_from_db()
    assert message.citizen_id == idle.pk  # never deleted: the message points at it
    letter.refresh_from_db()
    assert letter.email == ""
    # The same person logging in again starts afresh, with a new account.
    again = do_sync_citizen(ISSUER, CitizenClaims(subject="oid-idle", first_name="Иван",
                                                  email="idle@example.org"))
    assert again.pk != idle.pk and again.is_active
    assert not again.appeals.exists()
    record = AuditRecord.objects.get(data__task="retention", data__accounts=1)
    assert record.data["retention_days"] == 1826


def test_accounts_in_use_are_kept(demo):
    in_work = citizen()
    closed_message(in_work, years_ago(7), status=Status.IN_WORK)
    idle_since(in_work, years_ago(6))
    logged_in_lately = citizen()
    idle_since(logged_in_lately, years_ago(1))
    filed_through_the_api = citizen()
    idle_since(filed_through_the_api, years_ago(6), api_at=years_ago(0.5))
    names = {user.pk: user.username
             for user in (in_work, logged_in_lately, filed_through_the_api)}
    staff = set(User.objects.filter(citizen_profile__isnull=True)
                .values_list("pk", "username", "is_active"))

    assert anonymise_accounts().accounts == 0

    assert dict(User.objects.filter(pk__in=names).values_list("pk", "username")) == names
    assert set(User.objects.filter(citizen_profile__isnull=True)
               .values_list("pk", "username", "is_active")) == staff


def test_the_longest_regional_period_applies_to_accounts(demo):
    idle = citizen()
    idle_since(idle, years_ago(6))
    RetentionSettings.objects.create(region=demo, personal_data_retention_days=8 * 365)
    assert anonymise_accounts().accounts == 0
    # A whole run (not one region's) also does the accounts.
    RetentionSettings.objects.filter(region=demo).update(
        personal_data_retention_days=2 * 365)
    result = anonymise_personal_data(now=timezone.now() + timedelta(days=1))
    # Regions without their own row keep the five-year default: still 6 > 5 years.
    assert result["accounts"].accounts == 1
    assert anonymise_personal_data(region_code="demo").keys() == {"demo"}
