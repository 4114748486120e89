"""Starting a login (the redirect to the provider) and finishing it (the callback).

Each login attempt keeps its `state`, `nonce`, PKCE verifier, redirect URI and the page
to return to in the session, under its `state`; the callback takes it out, so a state
works once. A few attempts may be pending at once (several tabs); old ones expire.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlencode

import requests
from django.urls import reverse

from cms.kernel.plugins import all_hooks

from .config import (
    ClientSettings,
    ProviderEndpoints,
    fetch_json,
    provider_endpoints,
    provider_keys,
)
from .errors import LoginRefused
from .tokens import (
    UnknownSigningKey,
    client_assertion,
    code_challenge_s256,
    new_code_verifier,
    new_secret,
    verify_id_token,
)

SESSION_KEY = "accounts.oidc.pending"
PENDING_LIMIT = 5
PENDING_TTL_SECONDS = 600
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass(frozen=True)
class CompletedLogin:
    """A login the provider vouched for: verified claims, and where to go next."""

    issuer: str
    claims: dict
    next_url: str


def configured_client() -> ClientSettings:
    """The client settings, or `not_configured` when they are incomplete or wrong."""
    conf = ClientSettings.from_settings()
    if problems := conf.problems():
        raise LoginRefused("not_configured", "; ".join(problems))
    return conf


def start_login(request, next_url: str) -> str:
    """Remember a new attempt in the session; return the authorisation URL."""
    conf = configured_client()
    endpoints = provider_endpoints(conf)
    state, nonce, verifier = new_secret(), new_secret(), new_code_verifier()
    redirect_uri = conf.redirect_uri or request.build_absolute_uri(
        reverse("accounts:callback")
    )
    params = {
        "response_type": "code",
        "client_id": conf.client_id,
        "redirect_uri": redirect_uri,
        "scope": conf.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge_s256(verifier),
        "code_challenge_method": "S256",
    }
    params = signed(params, endpoints.authorization_endpoint, "authorization")
    _remember(
        request,
        state,
        {
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "next": next_url,
            "created": time.time(),
        },
    )
    separator = "&" if "?" in endpoints.authorization_endpoint else "?"
    return endpoints.authorization_endpoint + separator + urlencode(params)


def finish_login(request) -> CompletedLogin:
    """Check the callback, exchange the code, verify the ID token, or `LoginRefused`."""
    conf = configured_client()
    pending = _take(request, request.GET.get("state", ""))
    if "error" in request.GET:
        raise LoginRefused("provider_refused", request.GET.get("error", ""))
    code = request.GET.get("code", "")
    if not code:
        raise LoginRefused("provider_refused", "no code in the callback")
    # RFC 9207: a provider that names itself in the response must be the one we asked.
    if "iss" in request.GET and request.GET["iss"].rstrip("/") != conf.issuer:
        raise LoginRefused("provider_refused.issuer", request.GET["iss"])

    endpoints = provider_endpoints(conf)
    tokens = exchange_code(conf, endpoints, code, pending)
    claims = verified_claims(conf, endpoints, tokens["id_token"], pending["nonce"])
    access_token = tokens.get("access_token")
    if (
        conf.use_userinfo
        and endpoints.userinfo_endpoint
        and isinstance(access_token, str)
    ):
        info = userinfo(conf, endpoints, access_token, claims["sub"])
        claims = {**info, **claims}
    return CompletedLogin(issuer=conf.issuer, claims=claims, next_url=pending["next"])


def signed(params: dict[str, str], endpoint: str, kind: str) -> dict[str, str]:
    """The parameters with whatever the signing plugin adds (ЕСИА's GOST signature)."""
    extra = all_hooks().sign_oidc_request(
        params=dict(params), endpoint=endpoint, kind=kind
    )
    return {**params, **extra} if extra else params


def exchange_code(
    conf: ClientSettings, endpoints: ProviderEndpoints, code: str, pending: dict
) -> dict:
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending["redirect_uri"],
        "code_verifier": pending["verifier"],
    }
    auth = None
    match conf.token_auth_method:
        case "client_secret_basic":
            # RFC 6749 2.3.1: both parts form-encoded before Basic.
            auth = (quote_plus(conf.client_id), quote_plus(conf.client_secret))
        case "client_secret_post":
            params |= {"client_id": conf.client_id, "client_secret": conf.client_secret}
        case "private_key_jwt":
            key_pem = Path(conf.private_key_file).read_text(encoding="ascii")
            assertion = client_assertion(
                conf.client_id, endpoints.token_endpoint, key_pem, conf.key_id
            )
            params |= {
                "client_id": conf.client_id,
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": assertion,
            }
        case "none":
            params["client_id"] = conf.client_id
    params = signed(params, endpoints.token_endpoint, "token")
    try:
        response = requests.post(
            endpoints.token_endpoint,
            data=params,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=conf.timeout,
            verify=conf.verify,
        )
    except requests.RequestException as error:
        raise LoginRefused(
            "provider_unavailable", f"token endpoint: {error}"
        ) from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict):
        error = body.get("error", "") if isinstance(body, dict) else ""
        raise LoginRefused("token", f"HTTP {response.status_code} {error}".strip())
    if not isinstance(body.get("id_token"), str):
        raise LoginRefused("token", "the token response has no id_token")
    return body


def verified_claims(
    conf: ClientSettings, endpoints: ProviderEndpoints, raw: str, nonce: str
) -> dict:
    checks = {
        "issuer": conf.issuer,
        "client_id": conf.client_id,
        "nonce": nonce,
        "algorithms": conf.algorithms,
    }
    try:
        return verify_id_token(raw, provider_keys(conf, endpoints.jwks_uri), **checks)
    except UnknownSigningKey:
        # The provider may have rotated its keys since we cached them.
        keys = provider_keys(conf, endpoints.jwks_uri, refresh=True)
        return verify_id_token(raw, keys, **checks)


def userinfo(
    conf: ClientSettings, endpoints: ProviderEndpoints, access_token: str, subject: str
) -> dict:
    info = fetch_json(
        endpoints.userinfo_endpoint,
        conf,
        headers={
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/json",
        },
    )
    # OpenID Connect Core 5.3.2: userinfo about someone else must not be used.
    if info.get("sub") != subject:
        raise LoginRefused("userinfo", "userinfo is about another subject")
    return info


def _remember(request, state: str, attempt: dict) -> None:
    pending = _fresh(request.session.get(SESSION_KEY, {}))
    pending[state] = attempt
    newest = sorted(pending.items(), key=lambda item: item[1]["created"])[
        -PENDING_LIMIT:
    ]
    request.session[SESSION_KEY] = dict(newest)


def _take(request, state: str) -> dict:
    pending = _fresh(request.session.get(SESSION_KEY, {}))
    attempt = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if attempt is None:
        raise LoginRefused("state", "unknown, used or expired state")
    return attempt


def _fresh(pending: dict) -> dict:
    oldest = time.time() - PENDING_TTL_SECONDS
    return {
        state: attempt
        for state, attempt in pending.items()
        if attempt.get("created", 0) >= oldest
    }
