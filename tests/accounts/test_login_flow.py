"""The whole login against a real OpenID Connect provider on loopback.

The provider is the development stand-in (django-oauth-toolkit) on the live server:
discovery, the JWKS, the token exchange and userinfo really go over HTTP. The site is
driven with Django's test client; the citizen's browser at the provider with `requests`.
"""

import hashlib
import json

import pytest
import requests
from django.contrib.auth import get_user_model
from jwcrypto.jwk import JWK
from jwcrypto.jwt import JWT

from cms.accounts.devprovider.validator import DevIdentityValidator, demo_phone
from cms.accounts.models import CitizenProfile
from cms.accounts.oidc.flow import SESSION_KEY
from cms.accounts.oidc.tokens import code_challenge_s256
from cms.kernel.plugins import hookimpl

from .oidc_provider import (
    CLIENT_ID,
    b64url,
    b64url_json,
    query,
    token_proxy,
    with_query,
)

User = get_user_model()
PASSWORD = "correct horse battery"  # noqa: S105


def start_login(client, next_url="/accounts/profile/"):
    response = client.get("/accounts/login/", {"next": next_url})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def assert_refused(response, client, code):
    assert response.status_code >= 400
    assert f'data-login-error="{code}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def ivan(provider):
    return provider.person(
        "ivan",
        PASSWORD,
        first_name="Иван",
        last_name="Петров",
        email="ivan@example.org",
    )


def test_citizen_logs_in_and_the_account_follows_the_provider(provider, ivan, client):
    authorize = start_login(client)
    params = query(authorize)
    assert authorize.startswith(f"{provider.issuer}/authorize/?")
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/accounts/callback/"
    assert set(params["scope"].split()) == {"openid", "profile", "email", "phone"}
    attempt = client.session[SESSION_KEY][params["state"]]
    assert params["nonce"] == attempt["nonce"] and len(params["nonce"]) >= 43
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] == code_challenge_s256(attempt["verifier"])

    browser = requests.Session()
    callback = provider.sign_in(browser, authorize, "ivan", PASSWORD)
    assert callback.startswith("http://testserver/accounts/callback/?")
    assert query(callback)["state"] == params["state"]
    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    citizen = User.objects.get(citizen_profile__provider_subject=str(ivan.pk))
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert citizen.pk != ivan.pk  # the site's own account, not the provider's
    assert not citizen.has_usable_password()
    assert (citizen.first_name, citizen.last_name, citizen.email) == (
        "Иван",
        "Петров",
        "ivan@example.org",
    )
    profile = citizen.citizen_profile
    assert profile.provider_issuer == provider.issuer
    assert profile.phone == demo_phone(ivan)
    assert profile.notification_email == "ivan@example.org"

    # The citizen picks another address; then the provider's data change.
    client.post("/accounts/profile/", {"notification_email": "home@example.org"})
    ivan.last_name, ivan.email = "Сидоров", "ivan@new.example.org"
    ivan.save()
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    callback = provider.sign_in(browser, start_login(client))  # still signed in there
    assert client.get(callback).status_code == 302

    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert CitizenProfile.objects.count() == 1
    citizen.refresh_from_db()
    profile.refresh_from_db()
    assert (citizen.last_name, citizen.email) == ("Сидоров", "ivan@new.example.org")
    assert profile.notification_email == "home@example.org"


def test_a_wrong_state_is_refused(provider, ivan, client):
    callback = provider.sign_in(
        requests.Session(), start_login(client), "ivan", PASSWORD
    )
    response = client.get(with_query(callback, state="forged-state"))
    assert_refused(response, client, "state")
    assert not CitizenProfile.objects.exists()


def test_a_replayed_code_is_refused(provider, ivan, client):
    authorize = start_login(client)
    first_verifier = client.session[SESSION_KEY][query(authorize)["state"]]["verifier"]
    callback = provider.sign_in(requests.Session(), authorize, "ivan", PASSWORD)
    assert client.get(callback).status_code == 302
    client.post("/accounts/logout/")

    # The very same callback: its state is used up.
    assert_refused(client.get(callback), client, "state")

    # The code under a fresh state, with the verifier that went with it: the provider
    # itself refuses a code that was already exchanged.
    state = query(start_login(client))["state"]
    session = client.session
    session[SESSION_KEY][state]["verifier"] = first_verifier
    session.save()
    response = client.get(with_query(callback, state=state))
    assert_refused(response, client, "token")


def tampered_payload(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    claims = b64url_json(payload) | {"sub": "someone-else"}
    return ".".join((header, b64url(claims), signature))


def signed_with_another_key(id_token: str) -> str:
    header, payload, _signature = id_token.split(".")
    forged = JWT(header=b64url_json(header), claims=b64url_json(payload))  # same kid
    forged.make_signed_token(JWK.generate(kty="RSA", size=2048))
    return forged.serialize()


def test_an_id_token_with_a_bad_signature_is_refused(provider, ivan, client, settings):
    browser = requests.Session()
    for forge in (tampered_payload, signed_with_another_key):
        with token_proxy(f"{provider.issuer}/token/", forge) as proxy:
            settings.POS_OIDC_TOKEN_ENDPOINT = proxy
            callback = provider.sign_in(browser, start_login(client), "ivan", PASSWORD)
            response = client.get(callback)
        assert_refused(response, client, "id_token.signature")
    assert not CitizenProfile.objects.exists()


class WrongAudienceValidator(DevIdentityValidator):
    """A provider that mints ID tokens for another client."""

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expires = super().get_id_token_dictionary(token, token_handler, request)
        return {**claims, "aud": "another-client"}, expires


def test_an_id_token_for_another_audience_is_refused(provider, ivan, client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OAUTH2_VALIDATOR_CLASS": f"{__name__}.WrongAudienceValidator",
    }
    callback = provider.sign_in(
        requests.Session(), start_login(client), "ivan", PASSWORD
    )
    assert_refused(client.get(callback), client, "id_token.audience")
    assert not CitizenProfile.objects.exists()


def test_an_id_token_with_another_nonce_is_refused(provider, ivan, client):
    authorize = start_login(client)
    # As if the token were minted for another login attempt.
    session = client.session
    session[SESSION_KEY][query(authorize)["state"]]["nonce"] = (
        "nonce-of-another-attempt"
    )
    session.save()
    callback = provider.sign_in(requests.Session(), authorize, "ivan", PASSWORD)
    assert_refused(client.get(callback), client, "id_token.nonce")
    assert not CitizenProfile.objects.exists()


def test_a_login_the_citizen_cancels_at_the_provider_logs_nobody_in(
    provider, ivan, client
):
    callback = provider.sign_in(
        requests.Session(), start_login(client), "ivan", PASSWORD, allow=False
    )
    assert query(callback)["error"] == "access_denied"
    assert_refused(client.get(callback), client, "provider_refused")


TOKEN_REQUESTS: list[dict] = []


class RecordingValidator(DevIdentityValidator):
    """The provider, noting the token requests it receives."""

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        TOKEN_REQUESTS.append(dict(request.decoded_body))
        return super().validate_code(client_id, code, client, request, *args, **kwargs)


def test_hook_sign_oidc_request(provider, ivan, client, settings, plugin_manager):
    def signature(kind, params):
        canonical = json.dumps(params, sort_keys=True).encode()
        return f"{kind}:{hashlib.sha256(canonical).hexdigest()}"

    seen = []

    class GostSigner:
        @hookimpl
        def sign_oidc_request(self, params, endpoint, kind):
            seen.append((kind, endpoint, params))
            return {"signature": signature(kind, params)}

    plugin_manager.register(GostSigner(), name="gost-test")
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OAUTH2_VALIDATOR_CLASS": f"{__name__}.RecordingValidator",
    }
    # Credentials in the body, where a signer sees them (ЕСИА signs them too).
    settings.POS_OIDC_TOKEN_AUTH_METHOD = "client_secret_post"
    TOKEN_REQUESTS.clear()

    authorize = start_login(client)
    sent = query(authorize)
    unsigned = {key: value for key, value in sent.items() if key != "signature"}
    assert sent["signature"] == signature("authorization", unsigned)

    callback = provider.sign_in(requests.Session(), authorize, "ivan", PASSWORD)
    assert client.get(callback).status_code == 302
    assert "_auth_user_id" in client.session

    kind, endpoint, token_params = seen[-1]
    assert (kind, endpoint) == ("token", f"{provider.issuer}/token/")
    expected = {"code", "code_verifier", "redirect_uri", "client_secret"}
    assert expected <= set(token_params)
    [received] = TOKEN_REQUESTS
    assert received["signature"] == signature("token", token_params)
    assert received["code"] == token_params["code"]
