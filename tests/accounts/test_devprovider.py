"""The development stand-in: only in dev and test, labelled, wired for the demo."""

import importlib

from django.contrib.auth import get_user_model
from oauth2_provider.models import get_application_model

from cms.accounts.devprovider.conf import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from cms.accounts.devprovider.demo import ensure_demo_client
from cms.accounts.devprovider.views import IDENTITY_SESSION_KEY
from cms.accounts.models import CitizenProfile


def test_only_dev_and_test_settings_switch_the_stand_in_on(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    for name in ("base", "production"):
        module = importlib.import_module(f"pos_site.settings.{name}")
        assert module.POS_DEV_IDP is False
        assert "oauth2_provider" not in module.INSTALLED_APPS
    dev = importlib.import_module("pos_site.settings.dev")
    assert dev.POS_DEV_IDP is True
    assert dev.POS_OIDC_ISSUER.endswith("/dev-idp")


def test_the_stand_in_says_what_it_is(client, db):
    page = client.get("/dev-idp/sign-in/").content.decode()
    assert "data-dev-provider" in page
    assert "Заглушка ЕСИА для разработки" in page  # Russian by default


def test_signing_in_at_the_stand_in_does_not_log_in_to_the_site(client, db):
    person = get_user_model().objects.create_user("citizen", password="demo")
    response = client.post(
        "/dev-idp/sign-in/", {"username": "citizen", "password": "demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dev-idp/authorize/"
    assert client.session[IDENTITY_SESSION_KEY] == person.pk
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_at_the_stand_in_is_announced(client, db):
    get_user_model().objects.create_user("citizen", password="demo")
    response = client.post(
        "/dev-idp/sign-in/", {"username": "citizen", "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert IDENTITY_SESSION_KEY not in client.session


def test_the_demo_client_is_registered_and_the_citizen_linked(db, settings):
    settings.POS_OIDC_ISSUER = "http://127.0.0.1:8000/dev-idp"
    citizen = get_user_model().objects.create_user(
        "citizen", password="demo", email="citizen@demo-oblast.example"
    )
    ensure_demo_client()
    application = ensure_demo_client()  # again: nothing doubles

    assert get_application_model().objects.filter(client_id=DEMO_CLIENT_ID).count() == 1
    assert application.redirect_uris.split() == [
        "http://127.0.0.1:8000/accounts/callback/",
        "http://localhost:8000/accounts/callback/",
    ]
    assert application.skip_authorization
    assert application.algorithm == "RS256"
    assert application.client_secret != DEMO_CLIENT_SECRET  # stored hashed
    profile = CitizenProfile.objects.get()
    assert profile.user == citizen
    assert profile.provider_subject == str(citizen.pk)
    assert profile.provider_issuer == "http://127.0.0.1:8000/dev-idp"
    assert profile.notification_email == "citizen@demo-oblast.example"
