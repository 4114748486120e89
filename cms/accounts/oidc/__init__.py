"""The citizens' login: a standard OpenID Connect client (authorisation code, PKCE).

- `config`   the installation's client settings, the provider's metadata and keys;
- `tokens`   PKCE, the ID token's verification, the private_key_jwt client assertion;
- `flow`     starting a login (the redirect) and finishing it (the callback);
- `errors`   why a login was refused, as shown to the citizen.

Requests to the provider pass through the `sign_oidc_request` hook, so that a plugin can
add ЕСИА's GOST signature without this package knowing about it.
"""
