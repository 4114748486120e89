"""The login pages without a provider: configuration, redirects, profile and logout."""

import pytest
from django.test import RequestFactory

from cms.accounts.citizens import CitizenClaims, do_sync_citizen
from cms.accounts.oidc.flow import SESSION_KEY
from cms.accounts.views import safe_next
from tests import factories


@pytest.fixture
def citizen(db):
    return do_sync_citizen(
        "https://esia.example",
        CitizenClaims.from_claims(
            {
                "sub": "42",
                "given_name": "Анна",
                "family_name": "Иванова",
                "email": "anna@example.org",
                "phone_number": "+79001234567",
            }
        ),
    )


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/my/",
        "",
        None,
    ],
)
def test_next_goes_only_to_paths_on_this_site(candidate):
    request = RequestFactory().get("/accounts/login/")
    assert safe_next(request, candidate) == "/accounts/profile/"


def test_next_keeps_a_path_on_this_site():
    request = RequestFactory().get("/accounts/login/")
    assert safe_next(request, "/my/messages/?page=2") == "/my/messages/?page=2"


def test_login_without_configuration_says_so(client, settings, db):
    settings.POS_OIDC_ISSUER = ""
    response = client.get("/accounts/login/")
    assert response.status_code == 503
    assert 'data-login-error="not_configured"' in response.content.decode()


def test_an_unreachable_provider_gives_a_clear_error(client, oidc_configured, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 502
    assert 'data-login-error="provider_unavailable"' in response.content.decode()


def test_a_callback_nobody_asked_for_is_refused(client, oidc_configured, db):
    response = client.get("/accounts/callback/", {"code": "abc", "state": "made-up"})
    assert response.status_code == 400
    assert 'data-login-error="state"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_attempt_is_refused(client, oidc_configured, db):
    session = client.session
    session[SESSION_KEY] = {
        "old": {
            "nonce": "n",
            "verifier": "v",
            "redirect_uri": "r",
            "next": "/",
            "created": 0,
        }
    }
    session.save()
    response = client.get("/accounts/callback/", {"code": "abc", "state": "old"})
    assert 'data-login-error="state"' in response.content.decode()


def test_the_login_page_serves_as_login_url(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_the_citizen_corrects_the_notification_email(
    client, citizen, django_assert_num_queries
):
    client.force_login(citizen)
    with django_assert_num_queries(3):
        response = client.get("/accounts/profile/")
    page = response.content.decode()
    assert "Анна Иванова" in page and "+79001234567" in page
    assert 'value="anna@example.org"' in page

    response = client.post(
        "/accounts/profile/", {"notification_email": "not-an-address"}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'value="not-an-address"' in response.content.decode()  # the input is kept

    response = client.post(
        "/accounts/profile/", {"notification_email": "home@example.org"}
    )
    assert response.status_code == 302
    citizen.citizen_profile.refresh_from_db()
    assert citizen.citizen_profile.notification_email == "home@example.org"
    assert citizen.citizen_profile.notification_email_chosen


def test_staff_without_a_citizen_profile_get_no_profile_page(client, db):
    client.force_login(factories.user("clerk"))
    assert client.get("/accounts/profile/").status_code == 404


def test_logout_asks_then_logs_out(client, citizen):
    client.force_login(citizen)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_blocked_citizen_cannot_log_in(citizen):
    from django.contrib.auth import authenticate

    citizen.is_active = False
    citizen.save()
    assert (
        authenticate(
            None, oidc_issuer="https://esia.example", oidc_claims={"sub": "42"}
        )
        is None
    )


def test_the_system_check_names_what_is_missing(settings):
    from cms.accounts.checks import check_oidc_client

    settings.POS_OIDC_ISSUER = ""
    settings.POS_OIDC_TOKEN_AUTH_METHOD = "private_key_jwt"
    settings.POS_OIDC_CLIENT_PRIVATE_KEY_FILE = ""
    messages = [warning.msg for warning in check_oidc_client(None)]
    assert any("POS_OIDC_ISSUER" in message for message in messages)
    assert any("POS_OIDC_CLIENT_PRIVATE_KEY_FILE" in message for message in messages)
    assert {warning.id for warning in check_oidc_client(None)} == {"accounts.W001"}


def test_a_complete_configuration_passes_the_system_check(oidc_configured):
    from cms.accounts.checks import check_oidc_client

    assert check_oidc_client(None) == []


def test_a_misconfigured_client_does_not_start_a_login(client, oidc_configured, db):
    oidc_configured.POS_OIDC_TOKEN_AUTH_METHOD = "client_secret_jwt"  # not supported
    response = client.get("/accounts/login/")
    assert response.status_code == 503
    assert 'data-login-error="not_configured"' in response.content.decode()
    assert SESSION_KEY not in client.session
