"""The demo's wiring: the site registered as a client of the stand-in, and the demo
citizen linked to their identity there, so that `citizen` / `demo` logs in at once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

from cms.accounts.models import CitizenProfile

from .conf import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from .validator import demo_phone

DEMO_REDIRECT_URIS = (
    "http://127.0.0.1:8000/accounts/callback/",
    "http://localhost:8000/accounts/callback/",
)


def ensure_demo_client(
    redirect_uris: tuple[str, ...] = DEMO_REDIRECT_URIS,
    citizen_username: str = "citizen",
):
    """Register (or refresh) the demo client at the stand-in; link the demo citizen.

    Safe to run again. Returns the django-oauth-toolkit application.
    """
    Application = get_application_model()
    uris = list(redirect_uris)
    if settings.POS_OIDC_REDIRECT_URI and settings.POS_OIDC_REDIRECT_URI not in uris:
        uris.append(settings.POS_OIDC_REDIRECT_URI)
    with transaction.atomic():
        application = Application.objects.filter(client_id=DEMO_CLIENT_ID).first()
        application = application or Application(client_id=DEMO_CLIENT_ID)
        application.name = "ПОС (demo)"
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.client_secret = DEMO_CLIENT_SECRET
        application.hash_client_secret = True
        application.algorithm = Application.RS256_ALGORITHM
        application.redirect_uris = " ".join(uris)
        application.skip_authorization = True
        application.save()

        citizen = get_user_model().objects.filter(username=citizen_username).first()
        if citizen is not None:
            _link(citizen)
    return application


def _link(citizen) -> None:
    # The stand-in's subject for an account is its primary key (django-oauth-toolkit's).
    subject = str(citizen.pk)
    if (
        CitizenProfile.objects.filter(provider_subject=subject)
        .exclude(user=citizen)
        .exists()
    ):
        return
    CitizenProfile.objects.update_or_create(
        user=citizen,
        defaults={
            "provider_issuer": settings.POS_OIDC_ISSUER.rstrip("/"),
            "provider_subject": subject,
            "phone": demo_phone(citizen),
        },
        create_defaults={
            "provider_issuer": settings.POS_OIDC_ISSUER.rstrip("/"),
            "provider_subject": subject,
            "phone": demo_phone(citizen),
            "notification_email": citizen.email,
        },
    )
