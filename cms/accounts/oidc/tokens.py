"""PKCE, the ID token's verification and the private_key_jwt client assertion.

The cryptography is jwcrypto's; this module decides which checks an ID token must pass
(OpenID Connect Core 1.0, 3.1.3.7) and names each failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

from jwcrypto.common import JWException
from jwcrypto.jwk import JWK, JWKSet
from jwcrypto.jwt import JWT, JWTMissingKey

from .errors import LoginRefused

# Clock skew tolerated between us and the provider.
LEEWAY_SECONDS = 60
# How long a client assertion is valid: it is used at once.
ASSERTION_LIFETIME_SECONDS = 60


def new_secret() -> str:
    """A random value for `state` and `nonce` (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    """RFC 7636 4.1: 43–128 unreserved characters; 86 here (512 bits)."""
    return secrets.token_urlsafe(64)


def code_challenge_s256(verifier: str) -> str:
    """RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class UnknownSigningKey(LoginRefused):
    """The token names a key the cached key set lacks: fetch the key set again, once."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "id_token.signature", detail or "no such key in the provider's JWKS"
        )


def verify_id_token(
    raw: str,
    keys: JWKSet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: tuple[str, ...],
    now: float | None = None,
) -> dict:
    """The ID token's claims once its signature and claims pass; else `LoginRefused`.

    Checks: a compact JWS signed with one of `algorithms` by a key of the provider's
    `keys`; `iss` equal to `issuer`; `aud` containing `client_id` (and `azp` equal to it
    when there are several audiences or `azp` is present); `exp` not passed; `iat`
    present and not in the future; `nonce` equal to the one this login sent; a `sub`.
    """
    token = JWT(
        algs=list(algorithms),
        check_claims=False,
        expected_type="JWS",
        strict_serialization=True,
    )
    try:
        token.deserialize(raw, keys)
    except JWTMissingKey as error:
        raise UnknownSigningKey(str(error)) from error
    except (JWException, ValueError, TypeError) as error:
        raise LoginRefused("id_token.signature", repr(error)) from error
    try:
        claims = json.loads(token.claims)
    except ValueError as error:
        raise LoginRefused("id_token.malformed", "claims are not JSON") from error
    if not isinstance(claims, dict):
        raise LoginRefused("id_token.malformed", "claims are not an object")
    check_id_token_claims(
        claims,
        issuer=issuer,
        client_id=client_id,
        nonce=nonce,
        now=time.time() if now is None else now,
    )
    return claims


def check_id_token_claims(
    claims: dict, *, issuer: str, client_id: str, nonce: str, now: float
) -> None:
    if claims.get("iss") != issuer:
        raise LoginRefused("id_token.issuer", f"iss {claims.get('iss')!r}")

    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise LoginRefused("id_token.audience", f"aud {audience!r}")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise LoginRefused("id_token.audience", f"azp {claims.get('azp')!r}")

    expires, issued = claims.get("exp"), claims.get("iat")
    if not _is_number(expires) or not _is_number(issued):
        raise LoginRefused("id_token.malformed", "exp and iat must be numbers")
    if now > expires + LEEWAY_SECONDS:
        raise LoginRefused("id_token.expired", f"exp {expires}, now {int(now)}")
    if issued > now + LEEWAY_SECONDS:
        raise LoginRefused("id_token.issued_at", f"iat {issued} is in the future")

    sent = claims.get("nonce")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, nonce):
        raise LoginRefused("id_token.nonce", "nonce differs from the one sent")

    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise LoginRefused("id_token.malformed", "no sub")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def client_assertion(
    client_id: str,
    audience: str,
    private_key_pem: str,
    key_id: str = "",
    now: float | None = None,
) -> str:
    """RFC 7523 client authentication (`private_key_jwt`), signed RS256 or ES256."""
    key = JWK.from_pem(private_key_pem.encode("ascii"))
    issued = int(time.time() if now is None else now)
    header = {"alg": "ES256" if key.get("kty") == "EC" else "RS256", "typ": "JWT"}
    if key_id:
        header["kid"] = key_id
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(16),
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME_SECONDS,
    }
    token = JWT(header=header, claims=claims)
    token.make_signed_token(key)
    return token.serialize()
