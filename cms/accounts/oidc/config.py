"""The installation's OpenID Connect client settings; the provider's metadata and keys.

Settings are read at each use (not at import), so tests and a reloaded configuration
take effect at once. Discovery documents and key sets are kept in Django's cache, shared
by every web process; an unknown key id makes the key set be fetched again (rotation).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from jwcrypto.common import JWException
from jwcrypto.jwk import JWKSet

from .errors import LoginRefused

DISCOVERY_PATH = "/.well-known/openid-configuration"
PRIVATE_KEY_JWT = "private_key_jwt"
TOKEN_AUTH_METHODS = (
    "client_secret_basic",
    "client_secret_post",
    PRIVATE_KEY_JWT,
    "none",
)


@dataclass(frozen=True)
class ClientSettings:
    """The `POS_OIDC_*` settings (documented in pos_site/settings/base.py)."""

    issuer: str
    client_id: str
    client_secret: str
    private_key_file: str
    key_id: str
    token_auth_method: str
    scopes: str
    algorithms: tuple[str, ...]
    redirect_uri: str
    subject_claim: str
    use_userinfo: bool
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    timeout: float
    verify: bool | str
    metadata_ttl: int

    @classmethod
    def from_settings(cls) -> ClientSettings:
        def get(name, default=""):
            return getattr(settings, f"POS_OIDC_{name}", default)

        return cls(
            issuer=get("ISSUER").rstrip("/"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            private_key_file=get("CLIENT_PRIVATE_KEY_FILE"),
            key_id=get("CLIENT_KEY_ID"),
            token_auth_method=get("TOKEN_AUTH_METHOD", "client_secret_basic"),
            scopes=get("SCOPES", "openid profile email phone"),
            algorithms=tuple(get("ID_TOKEN_ALGORITHMS", ("RS256",))),
            redirect_uri=get("REDIRECT_URI"),
            subject_claim=get("SUBJECT_CLAIM", "sub"),
            use_userinfo=get("USE_USERINFO", True),
            authorization_endpoint=get("AUTHORIZATION_ENDPOINT"),
            token_endpoint=get("TOKEN_ENDPOINT"),
            userinfo_endpoint=get("USERINFO_ENDPOINT"),
            jwks_uri=get("JWKS_URI"),
            timeout=float(get("TIMEOUT", 10)),
            verify=get("CA_BUNDLE") or True,
            metadata_ttl=int(get("METADATA_TTL", 3600)),
        )

    def problems(self) -> list[str]:
        """What is wrong with these settings, for the system check."""
        found = []
        if not (self.issuer and self.client_id):
            found.append("POS_OIDC_ISSUER and POS_OIDC_CLIENT_ID must be set")
        if self.token_auth_method not in TOKEN_AUTH_METHODS:
            found.append(
                f"POS_OIDC_TOKEN_AUTH_METHOD must be one of {TOKEN_AUTH_METHODS}"
            )
        if (
            self.token_auth_method.startswith("client_secret")
            and not self.client_secret
        ):
            found.append(f"{self.token_auth_method} needs POS_OIDC_CLIENT_SECRET")
        if self.token_auth_method == PRIVATE_KEY_JWT and not self.private_key_file:
            found.append("private_key_jwt needs POS_OIDC_CLIENT_PRIVATE_KEY_FILE")
        if "openid" not in self.scopes.split():
            found.append("POS_OIDC_SCOPES must include 'openid'")
        if "none" in self.algorithms:
            found.append("POS_OIDC_ID_TOKEN_ALGORITHMS must not allow 'none'")
        return found


@dataclass(frozen=True)
class ProviderEndpoints:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def fetch_json(url: str, conf: ClientSettings, **kwargs) -> dict:
    """GET a JSON document from the provider; any failure is `provider_unavailable`."""
    try:
        response = requests.get(url, timeout=conf.timeout, verify=conf.verify, **kwargs)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LoginRefused("provider_unavailable", f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise LoginRefused("provider_unavailable", f"{url}: not a JSON object")
    return document


def _cache_key(kind: str, url: str) -> str:
    return f"accounts.oidc.{kind}.{hashlib.sha256(url.encode()).hexdigest()}"


def provider_endpoints(conf: ClientSettings) -> ProviderEndpoints:
    """Explicit endpoints win; the rest come from the issuer's discovery document."""
    explicit = {
        "authorization_endpoint": conf.authorization_endpoint,
        "token_endpoint": conf.token_endpoint,
        "userinfo_endpoint": conf.userinfo_endpoint,
        "jwks_uri": conf.jwks_uri,
    }
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    discovered: dict = {}
    if not all(explicit[name] for name in needed):
        discovered = discovery_document(conf)
    values = {name: explicit[name] or discovered.get(name) or "" for name in explicit}
    missing = [name for name in needed if not values[name]]
    if missing:
        raise LoginRefused(
            "provider_unavailable", f"no {', '.join(missing)} for the provider"
        )
    return ProviderEndpoints(issuer=conf.issuer, **values)


def discovery_document(conf: ClientSettings) -> dict:
    url = conf.issuer + DISCOVERY_PATH
    key = _cache_key("discovery", url)
    document = cache.get(key)
    if document is None:
        document = fetch_json(url, conf)
        # OpenID Connect Discovery 4.3: the document names the issuer it was asked for.
        if str(document.get("issuer", "")).rstrip("/") != conf.issuer:
            raise LoginRefused(
                "provider_unavailable",
                f"discovery names issuer {document.get('issuer')!r}, "
                f"expected {conf.issuer!r}",
            )
        cache.set(key, document, conf.metadata_ttl)
    return document


def provider_keys(conf: ClientSettings, jwks_uri: str, refresh: bool = False) -> JWKSet:
    """The provider's public signing keys (its JWKS), cached; `refresh` fetches anew."""
    key = _cache_key("jwks", jwks_uri)
    document = None if refresh else cache.get(key)
    if document is None:
        document = fetch_json(jwks_uri, conf)
        cache.set(key, document, conf.metadata_ttl)
    try:
        return JWKSet.from_json(json.dumps(document))
    except (JWException, ValueError, TypeError, KeyError) as error:
        raise LoginRefused("provider_unavailable", f"unusable JWKS: {error}") from error
