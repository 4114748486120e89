"""The ID token's checks, PKCE and the client assertion, without a provider."""

import base64
import json
import time

import pytest
from jwcrypto.jwk import JWK, JWKSet
from jwcrypto.jwt import JWT

from cms.accounts.oidc.errors import LoginRefused
from cms.accounts.oidc.tokens import (
    UnknownSigningKey,
    client_assertion,
    code_challenge_s256,
    new_code_verifier,
    verify_id_token,
)

ISSUER = "https://idp.example"
CLIENT = "pos"
NONCE = "n-0S6_WzA2Mj"
NOW = 1_800_000_000

KEY = JWK.generate(kty="RSA", size=2048, kid="k1")
KEYS = JWKSet()
KEYS.add(KEY)


def claims(**changes):
    base = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "1001",
        "nonce": NONCE,
        "iat": NOW - 5,
        "exp": NOW + 300,
    }
    return {key: value for key, value in (base | changes).items() if value is not None}


def sign(payload, key=KEY, alg="RS256"):
    token = JWT(header={"alg": alg, "kid": key.get("kid")}, claims=payload)
    token.make_signed_token(key)
    return token.serialize()


def verify(raw, keys=KEYS, now=NOW):
    return verify_id_token(
        raw,
        keys,
        issuer=ISSUER,
        client_id=CLIENT,
        nonce=NONCE,
        algorithms=("RS256",),
        now=now,
    )


def refusal(raw, **kwargs) -> str:
    with pytest.raises(LoginRefused) as caught:
        verify(raw, **kwargs)
    return caught.value.code


def test_pkce_s256_matches_rfc_7636_appendix_b():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert (
        code_challenge_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_code_verifiers_are_long_random_and_unreserved():
    verifiers = {new_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    for verifier in verifiers:
        assert 43 <= len(verifier) <= 128
        assert set(verifier) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )


def test_a_good_id_token_gives_its_claims():
    assert verify(sign(claims()))["sub"] == "1001"


def test_several_audiences_need_azp_naming_this_client():
    assert verify(sign(claims(aud=[CLIENT, "api"], azp=CLIENT)))["sub"] == "1001"
    assert refusal(sign(claims(aud=[CLIENT, "api"]))) == "id_token.audience"
    assert refusal(sign(claims(aud=CLIENT, azp="other"))) == "id_token.audience"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"iss": "https://evil.example"}, "id_token.issuer"),
        ({"iss": None}, "id_token.issuer"),
        ({"aud": "someone-else"}, "id_token.audience"),
        ({"aud": None}, "id_token.audience"),
        ({"exp": NOW - 120}, "id_token.expired"),
        ({"exp": None}, "id_token.malformed"),
        ({"iat": NOW + 600}, "id_token.issued_at"),
        ({"nonce": "another"}, "id_token.nonce"),
        ({"nonce": None}, "id_token.nonce"),
        ({"sub": ""}, "id_token.malformed"),
    ],
)
def test_a_wrong_claim_is_refused(changes, code):
    assert refusal(sign(claims(**changes))) == code


def test_a_little_clock_skew_is_tolerated():
    assert verify(sign(claims(exp=NOW - 30)))


def test_a_token_signed_by_another_key_is_refused():
    other = JWK.generate(
        kty="RSA", size=2048, kid="k1"
    )  # claims to be the provider's key
    assert refusal(sign(claims(), key=other)) == "id_token.signature"


def test_a_key_the_provider_does_not_publish_asks_for_its_keys_again():
    other = JWK.generate(kty="RSA", size=2048, kid="rotated")
    with pytest.raises(UnknownSigningKey):
        verify(sign(claims(), key=other))


def test_an_unsigned_token_is_refused():
    raw = ".".join([_b64({"alg": "none"}), _b64(claims()), ""])
    assert refusal(raw) == "id_token.signature"


def test_an_hmac_token_keyed_with_the_public_key_is_refused():
    # The classic algorithm confusion: HS256 "signed" with the provider's public key.
    public = KEY.export_public(as_dict=True)
    hmac_key = JWK(kty="oct", k=_b64_bytes(json.dumps(public).encode()), kid="k1")
    assert refusal(sign(claims(), key=hmac_key, alg="HS256")) == "id_token.signature"


def test_a_garbled_token_is_refused():
    assert refusal("not-a-token") == "id_token.signature"


def test_the_client_assertion_is_signed_for_the_token_endpoint():
    pem = KEY.export_to_pem(private_key=True, password=None).decode()
    raw = client_assertion(
        CLIENT, "https://idp.example/token", pem, "k1", now=time.time()
    )
    token = JWT(jwt=raw, key=KEY, algs=["RS256"])
    body = json.loads(token.claims)
    assert body["iss"] == body["sub"] == CLIENT
    assert body["aud"] == "https://idp.example/token"
    assert 0 < body["exp"] - body["iat"] <= 60
    assert json.loads(token.header)["kid"] == "k1"


def _b64_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64(data: dict) -> str:
    return _b64_bytes(json.dumps(data).encode())
