"""Citizens with real accounts and messages closed at a chosen time, for the retention tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from cms.accounts.citizens import CitizenClaims, do_sync_citizen
from cms.models import Appeal, AppealEvent, EventKind, Status
from tests import factories

ISSUER = "https://esia.example"
YEAR = timedelta(days=365)
_numbers = itertools.count(1)


def citizen(subject: str | None = None, email: str | None = None):
    """An account as the ЕСИА login makes it (user and profile, with a phone)."""
    number = next(_numbers)
    subject = subject or f"oid-{number}"
    return do_sync_citizen(ISSUER, CitizenClaims(
        subject=subject, first_name="Иван", last_name=f"Петров{number}",
        email=email or f"ivan{number}@example.org", phone=f"+7900000{number:04d}"))


def snapshot_of(user) -> dict:
    return {"full_name": user.get_full_name(), "email": user.email,
            "phone": user.citizen_profile.phone}


def closed_message(author, closed_at: datetime, status=Status.CLOSED, region=None,
                   **fields) -> Appeal:
    """A message of `author` registered before `closed_at` and closed (or rejected) then."""
    appeal = factories.appeal(region=region, status=status, citizen=author,
                              citizen_snapshot=snapshot_of(author), **fields)
    Appeal.objects.filter(pk=appeal.pk).update(created_at=closed_at - timedelta(days=20))
    event = AppealEvent.objects.create(appeal=appeal, kind=EventKind.STATUS_CHANGED,
                                       from_value=Status.ANSWERED, to_value=status)
    AppealEvent.objects.filter(pk=event.pk).update(created_at=closed_at)
    appeal.refresh_from_db()
    return appeal


def years_ago(years: float) -> datetime:
    return timezone.now() - timedelta(days=365 * years)
