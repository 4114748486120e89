"""Citizens' accounts from the identity provider's claims: the write paths."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CitizenProfile


class AccountConflict(Exception):
    """The provider's subject already belongs to an account from another issuer."""


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class CitizenClaims:
    """The claims the site keeps, read from verified ID-token (and userinfo) claims.

    Claims that are absent (a scope not granted) are empty strings and leave the stored
    value alone.
    """

    subject: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_claims(cls, claims: dict, subject_claim: str = "sub") -> CitizenClaims:
        subject = claims.get(subject_claim)
        if isinstance(subject, int):
            subject = str(subject)
        if not isinstance(subject, str) or not subject.strip():
            raise ValueError(f"the claims carry no {subject_claim!r}")
        # Russian usage: given name and patronymic together, then the family name.
        first = " ".join(
            part
            for part in (
                _text(claims, "given_name", 150),
                _text(claims, "middle_name", 150),
            )
            if part
        )[:150]
        last = _text(claims, "family_name", 150)
        if not first and not last:
            first = _text(claims, "name", 150)
        email = _text(claims, "email", 254)
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        if claims.get("email_verified") is False:
            email = ""
        return cls(
            subject=subject.strip(),
            first_name=first,
            last_name=last,
            email=email,
            phone=_text(claims, "phone_number", 32),
        )


def citizen_username(issuer: str, subject: str) -> str:
    """Stable and opaque: the provider's identifier is not shown as a user name."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"citizen-{digest[:20]}"


def do_sync_citizen(issuer: str, claims: CitizenClaims):
    """Create or update the citizen's account from the provider's claims.

    Found by the provider's subject only. Raises `AccountConflict` when that subject is
    linked to an account vouched for by another issuer (the installation switched
    providers): merging them could hand one person's messages to another.
    """
    try:
        with transaction.atomic():
            return _sync(issuer, claims)
    except IntegrityError:
        # Two first logins of one person at once: the other request created the account.
        with transaction.atomic():
            return _sync(issuer, claims)


def _sync(issuer: str, claims: CitizenClaims):
    profile = (
        CitizenProfile.objects.select_for_update()
        .select_related("user")
        .filter(provider_subject=claims.subject)
        .first()
    )
    if profile is None:
        user = get_user_model()(username=citizen_username(issuer, claims.subject))
        user.set_unusable_password()
        profile = CitizenProfile(
            user=user, provider_issuer=issuer, provider_subject=claims.subject
        )
    elif profile.provider_issuer != issuer:
        raise AccountConflict(profile.provider_subject)

    user = profile.user
    for field in ("first_name", "last_name", "email"):
        if getattr(claims, field):
            setattr(user, field, getattr(claims, field))
    user.save()
    if claims.phone:
        profile.phone = claims.phone
    if claims.email and not profile.notification_email_chosen:
        profile.notification_email = claims.email
    profile.user = user
    profile.last_login_claims_at = timezone.now()
    profile.save()
    return user


def do_change_notification_email(profile: CitizenProfile, email: str) -> None:
    """The citizen's own choice of address for notifications; later logins keep it."""
    with transaction.atomic():
        profile = CitizenProfile.objects.select_for_update().get(pk=profile.pk)
        profile.notification_email = email
        profile.notification_email_chosen = True
        profile.save(update_fields=["notification_email", "notification_email_chosen"])
